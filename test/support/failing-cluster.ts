/**
 * A cluster that fails every automated CIS control of section 1–4, in the layouts kaudit
 * fixes: a kubeadm control plane (static pods with kubeadm's httpGet probes, the kubelet's
 * unit, drop-in, env file and config file), a worker whose kubelet keeps settings in a
 * `--config-dir` drop-in and whose kube-proxy reads a KubeProxyConfiguration, and an
 * external etcd that reads `--config-file`. Modes and owners are recorded in each host's
 * snapshot manifest, as `kaudit collect` writes them. One CA, no other certificate: the
 * controls that need certificates are the plan-only ones.
 */
import { stringify } from 'yaml';
import type { Issued, PkiFactory } from './pki.js';
import { recordHardenedOwners } from './kubeadm.js';
import type { TreeWriter } from './tree.js';

export const CONTROL_PLANE = 'cp-1';
export const WORKER = 'worker-1';
export const ETCD_HOST = 'etcd-1';

/** kubeadm's probe of the apiserver: anonymous HTTPS GETs of the health endpoints. */
export function probe(kind: string, path: string, host: string, port: number): string[] {
  return [`    ${kind}:`, '      failureThreshold: 8', '      httpGet:', `        host: ${host}`, `        path: ${path}`, `        port: ${port}`, '        scheme: HTTPS', '      initialDelaySeconds: 10', '      periodSeconds: 10', '      timeoutSeconds: 15'];
}

/** A static pod as kubeadm writes it (command list, probes, hostPath volumes). */
export function kubeadmPod(name: string, version: string, flags: string[], volumes: Array<{ name: string; path: string; type?: string; writable?: boolean }>, probes: string[]): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  labels:',
    `    component: ${name}`,
    '    tier: control-plane',
    `  name: ${name}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - command:',
    `    - ${name}`,
    ...flags.map((f) => `    - ${f}`),
    `    image: registry.k8s.io/${name === 'etcd' ? 'etcd:3.5.16-0' : `${name}:v${version}`}`,
    '    imagePullPolicy: IfNotPresent',
    ...probes,
    `    name: ${name}`,
    '    volumeMounts:',
    ...volumes.flatMap((v) => [`    - mountPath: ${v.path}`, `      name: ${v.name}`, ...(v.writable ? [] : ['      readOnly: true'])]),
    '  hostNetwork: true',
    '  priorityClassName: system-node-critical',
    '  volumes:',
    ...volumes.flatMap((v) => ['  - hostPath:', `      path: ${v.path}`, `      type: ${v.type ?? 'DirectoryOrCreate'}`, `    name: ${v.name}`]),
    'status: {}',
    '',
  ].join('\n');
}

const OPEN = 0o644;
const WORLD_WRITABLE = 0o666;
const OPEN_FOLDER = 0o755;
/** Not root: every ownership control fails on it. */
const WRONG_OWNER = 'kube:kube';

function kubeconfig(server: string): string {
  return stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'kubernetes', cluster: { server } }], contexts: [{ name: 'default', context: { cluster: 'kubernetes', user: 'default' } }], 'current-context': 'default', users: [{ name: 'default', user: {} }] });
}

const WEAK_CIPHERS = 'TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA';

/** A KubeletConfiguration that fails 4.2.1–4.2.12 (the rest are not written at all). */
const KUBELET_CONFIG = {
  apiVersion: 'kubelet.config.k8s.io/v1beta1',
  kind: 'KubeletConfiguration',
  authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
  authorization: { mode: 'AlwaysAllow' },
  cgroupDriver: 'systemd',
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
  readOnlyPort: 10255,
  streamingConnectionIdleTimeout: '0',
  makeIPTablesUtilChains: false,
  eventRecordQPS: -1,
  rotateCertificates: false,
  featureGates: { RotateKubeletServerCertificate: false },
  tlsCipherSuites: WEAK_CIPHERS.split(','),
  staticPodPath: '/etc/kubernetes/manifests',
};

/** Files that every ownership control judges get a wrong owner; the rest are root's. */
function recordOwners(tree: TreeWriter, host: string, wrong: string[]): void {
  recordHardenedOwners(tree, host);
  for (const hostPath of wrong) tree.setOwner(host, hostPath, WRONG_OWNER);
}

async function controlPlane(tree: TreeWriter, ca: Issued, version: string): Promise<void> {
  const host = CONTROL_PLANE;
  tree.write(host, '/etc/kubernetes/pki/ca.crt', ca.certPem, WORLD_WRITABLE);
  tree.write(host, '/etc/kubernetes/pki/ca.key', ca.keyPem, OPEN);
  tree.setMode(host, '/etc/kubernetes/pki', OPEN_FOLDER);
  tree.write(host, '/etc/kubernetes/tokens.csv', 'token,admin,1\n', OPEN);
  const apiserver = kubeadmPod('kube-apiserver', version, [
    '--advertise-address=10.0.0.11',
    '--allow-privileged=true',
    '--authorization-mode=AlwaysAllow',
    '--enable-admission-plugins=AlwaysAdmit',
    '--disable-admission-plugins=ServiceAccount,NamespaceLifecycle',
    '--etcd-servers=https://127.0.0.1:2379',
    '--profiling=true',
    '--audit-log-maxage=7',
    '--audit-log-maxbackup=1',
    '--audit-log-maxsize=10',
    '--service-account-lookup=false',
    '--service-account-extend-token-expiration=true',
    '--service-cluster-ip-range=10.96.0.0/12',
    '--secure-port=6443',
    '--token-auth-file=/etc/kubernetes/tokens.csv',
    `--tls-cipher-suites=${WEAK_CIPHERS}`,
  ], [{ name: 'ca-certs', path: '/etc/ssl/certs' }, { name: 'k8s-certs', path: '/etc/kubernetes/pki' }, { name: 'tokens', path: '/etc/kubernetes/tokens.csv', type: 'File' }], [
    ...probe('livenessProbe', '/livez', '10.0.0.11', 6443),
    ...probe('readinessProbe', '/readyz', '10.0.0.11', 6443),
    ...probe('startupProbe', '/livez', '10.0.0.11', 6443),
  ]);
  tree.write(host, '/etc/kubernetes/manifests/kube-apiserver.yaml', apiserver, OPEN);
  const controllerManager = kubeadmPod('kube-controller-manager', version, [
    '--bind-address=0.0.0.0',
    '--cluster-cidr=10.244.0.0/16',
    '--feature-gates=RotateKubeletServerCertificate=false',
    '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--profiling=true',
    '--service-cluster-ip-range=10.96.0.0/12',
    '--use-service-account-credentials=false',
  ], [{ name: 'k8s-certs', path: '/etc/kubernetes/pki' }, { name: 'kubeconfig', path: '/etc/kubernetes/controller-manager.conf', type: 'FileOrCreate' }], probe('livenessProbe', '/healthz', '127.0.0.1', 10257));
  tree.write(host, '/etc/kubernetes/manifests/kube-controller-manager.yaml', controllerManager, OPEN);
  const scheduler = kubeadmPod('kube-scheduler', version, ['--bind-address=0.0.0.0', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--profiling=true'], [{ name: 'kubeconfig', path: '/etc/kubernetes/scheduler.conf', type: 'FileOrCreate' }], probe('livenessProbe', '/healthz', '127.0.0.1', 10259));
  tree.write(host, '/etc/kubernetes/manifests/kube-scheduler.yaml', scheduler, OPEN);
  const etcd = kubeadmPod('etcd', version, [
    '--advertise-client-urls=https://10.0.0.11:2379',
    '--auto-tls=true',
    '--client-cert-auth=false',
    '--data-dir=/var/lib/etcd',
    '--initial-advertise-peer-urls=https://10.0.0.11:2380',
    '--initial-cluster=cp-1=https://10.0.0.11:2380,etcd-1=https://10.0.0.31:2380',
    '--initial-cluster-token=kaudit-test-0f3a9c2e71b84d5a',
    '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.11:2379',
    '--listen-peer-urls=https://10.0.0.11:2380',
    '--name=cp-1',
    '--peer-auto-tls=true',
    '--peer-client-cert-auth=false',
  ], [{ name: 'etcd-data', path: '/var/lib/etcd', writable: true }], []);
  tree.write(host, '/etc/kubernetes/manifests/etcd.yaml', etcd, OPEN);
  tree.mkdir(host, '/var/lib/etcd/member', 0o755);
  tree.setMode(host, '/var/lib/etcd', OPEN_FOLDER);
  for (const name of ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf', 'kubelet.conf']) tree.write(host, `/etc/kubernetes/${name}`, kubeconfig('https://10.0.0.11:6443'), OPEN);
  tree.write(host, '/var/lib/cni/networks/cbr0/10.244.0.2', 'eth0\n', OPEN);
  // The kubelet as kubeadm runs it: unit, drop-in, env file (flags), config file.
  tree.write(host, '/usr/lib/systemd/system/kubelet.service', '[Unit]\nDescription=kubelet\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n', OPEN);
  tree.write(host, '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', [
    '[Service]',
    'Environment="KUBELET_KUBECONFIG_ARGS=--kubeconfig=/etc/kubernetes/kubelet.conf"',
    'Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"',
    'EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env',
    'ExecStart=',
    'ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS',
    '',
  ].join('\n'), OPEN);
  tree.write(host, '/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --hostname-override=cp-1.internal"\n');
  tree.write(host, '/var/lib/kubelet/config.yaml', stringify(KUBELET_CONFIG), OPEN);
  recordOwners(tree, host, [
    '/etc/kubernetes/manifests/kube-apiserver.yaml', '/etc/kubernetes/manifests/kube-controller-manager.yaml', '/etc/kubernetes/manifests/kube-scheduler.yaml', '/etc/kubernetes/manifests/etcd.yaml',
    '/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/scheduler.conf', '/etc/kubernetes/kubelet.conf',
    '/etc/kubernetes/pki', '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/ca.key',
    '/var/lib/cni/networks/cbr0/10.244.0.2', '/usr/lib/systemd/system/kubelet.service', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '/var/lib/kubelet/config.yaml',
  ]);
  // etcd's data folder belongs to root here: CIS wants etcd:etcd.
  tree.setOwner(host, '/var/lib/etcd', 'root:root');
}

function worker(tree: TreeWriter, ca: Issued, version: string): void {
  const host = WORKER;
  // Where kube-bench looks for the kubelet's client CA when the kubelet names none (4.1.7, 4.1.8).
  tree.write(host, '/etc/kubernetes/pki/ca.crt', ca.certPem, WORLD_WRITABLE);
  tree.write(host, '/etc/kubernetes/kubelet.conf', kubeconfig('https://10.0.0.11:6443'), OPEN);
  // The main config file states little; the drop-in holds the settings (the later file wins).
  const { readOnlyPort, tlsCipherSuites, featureGates, ...main } = KUBELET_CONFIG;
  tree.write(host, '/var/lib/kubelet/config.yaml', stringify(main), OPEN);
  tree.write(host, '/etc/kubernetes/kubelet.conf.d/50-overrides.conf', stringify({ apiVersion: main.apiVersion, kind: main.kind, readOnlyPort, tlsCipherSuites, featureGates }), OPEN);
  tree.write(host, '/etc/systemd/system/kubelet.service', [
    '[Unit]', 'Description=kubelet', '', '[Service]',
    'ExecStart=/usr/local/bin/kubelet \\',
    '  --config=/var/lib/kubelet/config.yaml \\',
    '  --config-dir=/etc/kubernetes/kubelet.conf.d \\',
    '  --kubeconfig=/etc/kubernetes/kubelet.conf \\',
    '  --hostname-override=worker-one',
    'Restart=always', '',
  ].join('\n'), OPEN);
  tree.write(host, '/var/lib/kube-proxy/kubeconfig.conf', kubeconfig('https://10.0.0.11:6443'), OPEN);
  tree.write(host, '/var/lib/kube-proxy/config.conf', stringify({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' }, clusterCIDR: '10.244.0.0/16', metricsBindAddress: '0.0.0.0:10249', mode: 'iptables' }));
  tree.write(host, '/etc/systemd/system/kube-proxy.service', `[Service]\nExecStart=/usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf\n# v${version}\n`);
  recordOwners(tree, host, ['/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/kubelet.conf', '/var/lib/kubelet/config.yaml', '/etc/kubernetes/kubelet.conf.d/50-overrides.conf', '/etc/systemd/system/kubelet.service', '/var/lib/kube-proxy/kubeconfig.conf']);
}

function externalEtcd(tree: TreeWriter): void {
  const host = ETCD_HOST;
  tree.write(host, '/etc/etcd/etcd.conf.yml', stringify({
    name: 'etcd-1',
    'data-dir': '/var/lib/etcd/etcd-1',
    'listen-client-urls': 'https://10.0.0.31:2379',
    'advertise-client-urls': 'https://10.0.0.31:2379',
    'initial-advertise-peer-urls': 'https://10.0.0.31:2380',
    'listen-peer-urls': 'https://10.0.0.31:2380',
    'initial-cluster': 'cp-1=https://10.0.0.11:2380,etcd-1=https://10.0.0.31:2380',
    'initial-cluster-token': 'kaudit-test-0f3a9c2e71b84d5a',
    'client-transport-security': { 'client-cert-auth': false, 'auto-tls': true },
    'peer-transport-security': { 'client-cert-auth': false, 'auto-tls': true },
  }), OPEN);
  tree.write(host, '/etc/systemd/system/etcd.service', '[Unit]\nDescription=etcd\n\n[Service]\nExecStart=/usr/local/bin/etcd --config-file=/etc/etcd/etcd.conf.yml\nRestart=always\n', OPEN);
  tree.mkdir(host, '/var/lib/etcd/etcd-1/member', 0o755);
  tree.setMode(host, '/var/lib/etcd/etcd-1', OPEN_FOLDER);
  recordOwners(tree, host, ['/etc/systemd/system/etcd.service']);
  tree.setOwner(host, '/var/lib/etcd/etcd-1', 'root:root');
}

/** Writes the three hosts and their snapshot manifests. `version` picks the benchmark (1.31 → cis-1.11, 1.33 → cis-1.12). */
export async function writeFailingCluster(tree: TreeWriter, pki: PkiFactory, version: string): Promise<void> {
  const ca = await pki.ca('kubernetes');
  await controlPlane(tree, ca, version);
  worker(tree, ca, version);
  externalEtcd(tree);
  tree.writeSnapshotManifests();
}
