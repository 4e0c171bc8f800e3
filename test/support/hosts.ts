/** Small host files for rule tests, with flags on lines the tests can name. */
import type { Issued } from './pki.js';
import type { TreeWriter } from './tree.js';

/** The line of a static pod's first flag (written by `staticPod`). */
export const POD_FIRST_FLAG_LINE = 12;
/** The line of a unit's first flag (written by `unit`). */
export const UNIT_FIRST_FLAG_LINE = 6;

export function staticPodText(component: string, flags: string[], options: { image?: string; mounts?: string[] } = {}): string {
  const mounts = options.mounts ?? ['/etc/kubernetes/pki'];
  const image = options.image ?? `registry.k8s.io/${component}:v1.29.3`;
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${component}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    `  - name: ${component}`,
    `    image: ${image}`,
    '    command:',
    `    - ${component}`,
    ...flags.map((f) => `    - ${f}`),
    '    volumeMounts:',
    ...mounts.flatMap((m, i) => [`    - mountPath: ${m}`, `      name: v${i}`, '      readOnly: true']),
    '  hostNetwork: true',
    '  volumes:',
    ...mounts.flatMap((m, i) => [`  - name: v${i}`, '    hostPath:', `      path: ${m}`, '      type: DirectoryOrCreate']),
    '',
  ].join('\n');
}

/** Writes /etc/kubernetes/manifests/<component>.yaml; flag i is on line POD_FIRST_FLAG_LINE + i. */
export function staticPod(tree: TreeWriter, host: string, component: string, flags: string[], options: { image?: string; mounts?: string[] } = {}): string {
  const hostPath = `/etc/kubernetes/manifests/${component}.yaml`;
  tree.write(host, hostPath, staticPodText(component, flags, options));
  return `${host}/etc/kubernetes/manifests/${component}.yaml`;
}

/** Writes /etc/systemd/system/<name>.service, one flag a line; flag i is on line UNIT_FIRST_FLAG_LINE + i. */
export function unit(tree: TreeWriter, host: string, name: string, flags: string[], extraService: string[] = []): string {
  const hostPath = `/etc/systemd/system/${name}.service`;
  const lines = [
    '[Unit]',
    `Description=${name}`,
    '',
    '[Service]',
    `ExecStart=/usr/local/bin/${name} \\`,
    ...flags.map((f, i) => `  ${f}${i < flags.length - 1 ? ' \\' : ''}`),
    ...extraService,
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  tree.write(host, hostPath, lines.join('\n'));
  return `${host}/etc/systemd/system/${name}.service`;
}

/** Writes BASE.crt and BASE.key (mode 0600). */
export function writePair(tree: TreeWriter, host: string, base: string, issued: Issued): void {
  tree.write(host, `${base}.crt`, issued.certPem, 0o644);
  tree.write(host, `${base}.key`, issued.keyPem, 0o600);
}

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** A kubeconfig with embedded credentials: the CA data on line 4, `client-certificate-data` on line 17, the key on 18. */
export function kubeconfigText(server: string, ca: Issued, user: string, client: Issued): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${base64(ca.certPem)}`,
    `    server: ${server}`,
    '  name: kubernetes',
    'contexts:',
    '- context:',
    '    cluster: kubernetes',
    `    user: ${user}`,
    '  name: default',
    'current-context: default',
    'kind: Config',
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${base64(client.certPem)}`,
    `    client-key-data: ${base64(client.keyPem)}`,
    '',
  ].join('\n');
}
