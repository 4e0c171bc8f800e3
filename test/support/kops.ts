/**
 * A kOps cluster's nodes as nodeup writes them. Written after, never copied from, the
 * golden files of kubernetes/kops at 268927e26409f861634e18f3632c9dd483c350cf
 * (see /work/shared/realworld/SOURCES.md):
 * - nodeup/pkg/model/tests/golden/minimal/tasks-kube-apiserver.yaml, tasks-kube-controller-manager.yaml,
 *   tasks-kube-scheduler.yaml, tasks-kube-proxy.yaml: `*.manifest` static pods started by /go-runner,
 *   certificates under /srv/kubernetes, kubeconfigs under /var/lib/kube-*;
 * - nodeup/pkg/model/tests/kubelet/featuregates/tasks.yaml: /etc/sysconfig/kubelet (DAEMON_ARGS)
 *   and /var/lib/kubelet/kubelet.conf;
 * - tests/integration/update_cluster/minimal-1.36/data/aws_s3_object_manifests-etcdmanager-{main,events}-…:
 *   the etcd-manager static pods (client ports 4001/4002, peer 2380/2381, host / at /rootfs);
 * - kubernetes-sigs/etcd-manager pkg/etcd/etcdprocess.go and etcdserver.go at 12a1729b / 722a92ad:
 *   etcd started with ETCD_* variables only, its PKI and data under the volume's pki/<token> and data/<token>.
 */
import { randomBytes } from 'node:crypto';
import { generateKeyPair, privateKeyPem, publicKeyPem, type KeyPair } from '../../src/pki/issue.js';
import type { Issued, PkiFactory } from './pki.js';
import type { TreeWriter } from './tree.js';
import { writePair } from './hosts.js';

export interface KopsNode {
  name: string;
  ip: string;
  /** etcd-manager's member name (`etcd-a`), for control planes. */
  member?: string;
}

export const KOPS_CLUSTER = 'prod.example.com';
export const KOPS_CONTROL_PLANES: KopsNode[] = [
  { name: 'i-0a1', ip: '172.20.32.11', member: 'etcd-a' },
  { name: 'i-0b2', ip: '172.20.64.12', member: 'etcd-b' },
  { name: 'i-0c3', ip: '172.20.96.13', member: 'etcd-c' },
];
export const KOPS_NODES: KopsNode[] = [{ name: 'i-0d4', ip: '172.20.40.21' }];
const VERSION = 'v1.33.0';

export interface KopsCAs {
  ca: Issued;
  aggregatorCa: Issued;
  /** kOps's etcd-clients-ca: one CA for the clients of both etcd clusters (the apiserver uses one client certificate). */
  etcdClients: Issued;
  etcdPeers: { main: Issued; events: Issued };
  serviceAccount: KeyPair;
  encryptionKey: string;
  /** etcd-manager's cluster tokens (the names of the pki/ and data/ folders). */
  tokens: { main: string; events: string };
}

export async function makeKopsCAs(pki: PkiFactory): Promise<KopsCAs> {
  return {
    ca: await pki.ca('kubernetes-ca'),
    aggregatorCa: await pki.ca('apiserver-aggregator-ca'),
    etcdClients: await pki.ca('etcd-clients-ca'),
    etcdPeers: { main: await pki.ca('etcd-peers-ca-main'), events: await pki.ca('etcd-peers-ca-events') },
    serviceAccount: await generateKeyPair({ algorithm: 'rsa', bits: 2048 }),
    encryptionKey: randomBytes(32).toString('base64'),
    tokens: { main: `etcd-cluster-token-${randomBytes(8).toString('hex')}`, events: `etcd-cluster-token-${randomBytes(8).toString('hex')}` },
  };
}

const CERT = 0o644;
const KEY = 0o600;

function kubeconfig(server: string, ca: string, cert: string, key: string, user: string): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority: ${ca}`,
    `    server: ${server}`,
    '  name: local',
    'contexts:',
    '- context:',
    '    cluster: local',
    `    user: ${user}`,
    '  name: service-account-context',
    'current-context: service-account-context',
    'kind: Config',
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate: ${cert}`,
    `    client-key: ${key}`,
    '',
  ].join('\n');
}

/** A nodeup static pod: /go-runner logs and execs the component; its certificate folders are hostPath volumes. */
export function kopsPod(name: string, flags: string[], volumes: Array<[string, string]>, extra: string[] = []): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  labels:',
    `    k8s-app: ${name}`,
    `  name: ${name}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - args:',
    `    - --log-file=/var/log/${name}.log`,
    '    - --also-stdout',
    `    - /usr/local/bin/${name}`,
    ...flags.map((f) => `    - ${f}`),
    '    command:',
    '    - /go-runner',
    `    image: registry.k8s.io/${name}:${VERSION}`,
    `    name: ${name}`,
    ...extra,
    '    volumeMounts:',
    ...volumes.map(([n, p]) => `    - mountPath: ${p}\n      name: ${n}\n      readOnly: true`),
    '  hostNetwork: true',
    '  priorityClassName: system-cluster-critical',
    '  volumes:',
    ...volumes.map(([n, p]) => `  - hostPath:\n      path: ${p}\n    name: ${n}`),
    'status: {}',
    '',
  ].join('\n');
}

export function apiserverFlags(extra: string[] = []): string[] {
  const k = '/srv/kubernetes/kube-apiserver';
  return [
    '--allow-privileged=true',
    '--anonymous-auth=false',
    '--api-audiences=kubernetes.svc.default',
    '--apiserver-count=3',
    '--authorization-mode=Node,RBAC',
    '--bind-address=0.0.0.0',
    '--client-ca-file=/srv/kubernetes/ca.crt',
    '--enable-admission-plugins=DefaultStorageClass,DefaultTolerationSeconds,LimitRanger,MutatingAdmissionWebhook,NamespaceLifecycle,NodeRestriction,ResourceQuota,RuntimeClass,ServiceAccount,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook',
    `--encryption-provider-config=${k}/encryptionconfig.yaml`,
    `--etcd-cafile=${k}/etcd-ca.crt`,
    `--etcd-certfile=${k}/etcd-client.crt`,
    `--etcd-keyfile=${k}/etcd-client.key`,
    '--etcd-servers-overrides=/events#https://127.0.0.1:4002',
    '--etcd-servers=https://127.0.0.1:4001',
    `--kubelet-client-certificate=${k}/kubelet-api.crt`,
    `--kubelet-client-key=${k}/kubelet-api.key`,
    '--kubelet-preferred-address-types=InternalIP,Hostname,ExternalIP',
    `--proxy-client-cert-file=${k}/apiserver-aggregator.crt`,
    `--proxy-client-key-file=${k}/apiserver-aggregator.key`,
    '--requestheader-allowed-names=aggregator',
    `--requestheader-client-ca-file=${k}/apiserver-aggregator-ca.crt`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    '--secure-port=443',
    `--service-account-issuer=https://api.internal.${KOPS_CLUSTER}`,
    `--service-account-key-file=${k}/service-account.pub`,
    `--service-account-signing-key-file=${k}/service-account.key`,
    '--service-cluster-ip-range=100.64.0.0/13',
    '--storage-backend=etcd3',
    `--tls-cert-file=${k}/server.crt`,
    `--tls-private-key-file=${k}/server.key`,
    '--v=2',
    ...extra,
  ];
}

/** The etcd-manager pod of one etcd cluster (main or events); pod env holds no ETCD_* of etcd's. */
export function etcdManagerPod(cluster: 'main' | 'events', env: Array<[string, string]> = []): string {
  const client = cluster === 'main' ? 4001 : 4002;
  const peer = cluster === 'main' ? 2380 : 2381;
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  labels:',
    `    k8s-app: etcd-manager-${cluster}`,
    `  name: etcd-manager-${cluster}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - args:',
    `    - --log-file=/var/log/etcd${cluster === 'main' ? '' : '-events'}.log`,
    '    - --also-stdout',
    '    - /ko-app/etcd-manager',
    `    - --backup-store=s3://kops-state/${KOPS_CLUSTER}/backups/etcd/${cluster}`,
    `    - --client-urls=https://__name__:${client}`,
    `    - --cluster-name=etcd${cluster === 'main' ? '' : '-events'}`,
    '    - --containerized=true',
    `    - --dns-suffix=.internal.${KOPS_CLUSTER}`,
    `    - --grpc-port=${cluster === 'main' ? 3996 : 3997}`,
    `    - --peer-urls=https://__name__:${peer}`,
    `    - --quarantine-client-urls=https://__name__:${cluster === 'main' ? 3994 : 3995}`,
    '    - --v=6',
    `    - --volume-name-tag=k8s.io/etcd/${cluster}`,
    '    - --volume-provider=aws',
    '    command:',
    '    - /go-runner',
    '    env:',
    '    - name: ETCD_MANAGER_DAILY_BACKUPS_RETENTION',
    '      value: 90d',
    ...env.flatMap(([name, value]) => [`    - name: ${name}`, `      value: "${value}"`]),
    '    image: registry.k8s.io/etcd-manager/etcd-manager-slim:v3.0.20260707',
    '    name: etcd-manager',
    '    securityContext:',
    '      privileged: true',
    '    volumeMounts:',
    '    - mountPath: /rootfs',
    '      name: rootfs',
    '    - mountPath: /run',
    '      name: run',
    '    - mountPath: /etc/kubernetes/pki/etcd-manager',
    '      name: pki',
    '  hostNetwork: true',
    '  hostPID: true',
    '  priorityClassName: system-cluster-critical',
    '  volumes:',
    '  - hostPath:',
    '      path: /',
    '      type: Directory',
    '    name: rootfs',
    '  - hostPath:',
    '      path: /run',
    '      type: DirectoryOrCreate',
    '    name: run',
    '  - hostPath:',
    `      path: /etc/kubernetes/pki/etcd-manager-${cluster}`,
    '      type: DirectoryOrCreate',
    '    name: pki',
    'status: {}',
    '',
  ].join('\n');
}

const ENCRYPTION = (key: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- providers:
  - aescbc:
      keys:
      - name: key1
        secret: ${key}
  - identity: {}
  resources:
  - secrets
`;

/** The kubelet of every kOps node: a unit reading DAEMON_ARGS from /etc/sysconfig/kubelet, and its KubeletConfiguration. */
async function writeKubelet(tree: TreeWriter, pki: PkiFactory, cas: KopsCAs, node: KopsNode): Promise<void> {
  const host = node.name;
  tree.write(host, '/etc/hostname', `${host}\n`);
  tree.write(host, '/srv/kubernetes/ca.crt', cas.ca.certPem, KEY);
  tree.write(host, '/etc/sysconfig/kubelet', 'DAEMON_ARGS="--cloud-provider=external --kubeconfig=/var/lib/kubelet/kubeconfig --register-schedulable=true --v=2 --config=/var/lib/kubelet/kubelet.conf"\nHOME="/root"\n');
  tree.write(host, '/lib/systemd/system/kubelet.service', [
    '[Unit]',
    'Description=Kubernetes Kubelet Server',
    'Documentation=https://github.com/kubernetes/kubernetes',
    'After=containerd.service',
    '',
    '[Service]',
    'EnvironmentFile=/etc/sysconfig/kubelet',
    'ExecStart=/usr/local/bin/kubelet "$DAEMON_ARGS"',
    'Restart=always',
    'RestartSec=2s',
    'StartLimitInterval=0',
    'KillMode=process',
    'User=root',
    'CPUAccounting=true',
    'MemoryAccounting=true',
    '',
  ].join('\n'));
  tree.write(host, '/var/lib/kubelet/kubelet.conf', [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'authentication:',
    '  anonymous:',
    '    enabled: false',
    '  webhook:',
    '    cacheTTL: 0s',
    '    enabled: true',
    '  x509:',
    '    clientCAFile: /srv/kubernetes/ca.crt',
    'authorization:',
    '  mode: Webhook',
    'cgroupDriver: systemd',
    'clusterDNS:',
    '- 100.64.0.10',
    'clusterDomain: cluster.local',
    'kind: KubeletConfiguration',
    'rotateCertificates: true',
    'staticPodPath: /etc/kubernetes/manifests',
    'tlsCertFile: /srv/kubernetes/kubelet-server.crt',
    'tlsPrivateKeyFile: /srv/kubernetes/kubelet-server.key',
    '',
  ].join('\n'), KEY);
  writePair(tree, host, '/srv/kubernetes/kubelet-server', await pki.leaf(cas.ca, host, { dnsNames: [host], ipAddresses: [node.ip], usages: ['serverAuth'] }));
  const client = await pki.leaf(cas.ca, `system:node:${host}`, { organizations: ['system:nodes'], usages: ['clientAuth'] });
  writePair(tree, host, '/var/lib/kubelet/kubelet', client);
  tree.write(host, '/var/lib/kubelet/kubeconfig', kubeconfig(`https://api.internal.${KOPS_CLUSTER}`, '/srv/kubernetes/ca.crt', '/var/lib/kubelet/kubelet.crt', '/var/lib/kubelet/kubelet.key', 'kubelet'), 0o400);
  const proxy = await pki.leaf(cas.ca, 'system:kube-proxy', { usages: ['clientAuth'] });
  writePair(tree, host, '/var/lib/kube-proxy/kube-proxy', proxy);
  tree.write(host, '/var/lib/kube-proxy/kubeconfig', kubeconfig(`https://api.internal.${KOPS_CLUSTER}`, '/srv/kubernetes/ca.crt', '/var/lib/kube-proxy/kube-proxy.crt', '/var/lib/kube-proxy/kube-proxy.key', 'kube-proxy'), 0o400);
  tree.write(host, '/etc/kubernetes/manifests/kube-proxy.manifest', kopsPod('kube-proxy', ['--cluster-cidr=100.96.0.0/11', '--conntrack-max-per-core=131072', `--hostname-override=${host}`, '--kubeconfig=/var/lib/kube-proxy/kubeconfig', '--master=https://api.internal.prod.example.com', '--oom-score-adj=-998', '--v=2'], [['kubeconfig', '/var/lib/kube-proxy/kubeconfig'], ['ssl-certs', '/etc/ssl/certs']]));
  // containerd's image layers: nothing there is this node's configuration.
  tree.write(host, '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/7/fs/etc/ssl/certs/ca-certificates.crt', cas.ca.certPem);
}

/** A kOps control-plane node: the component pods, /srv/kubernetes, etcd-manager's pods and PKI. */
export async function writeKopsControlPlane(tree: TreeWriter, pki: PkiFactory, cas: KopsCAs, node: KopsNode): Promise<void> {
  const host = node.name;
  await writeKubelet(tree, pki, cas, node);
  const k = '/srv/kubernetes/kube-apiserver';
  writePair(tree, host, `${k}/server`, await pki.leaf(cas.ca, 'kubernetes-master', {
    dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', `api.${KOPS_CLUSTER}`, `api.internal.${KOPS_CLUSTER}`],
    ipAddresses: ['100.64.0.1', '127.0.0.1'],
    usages: ['serverAuth'],
  }));
  tree.write(host, `${k}/etcd-ca.crt`, cas.etcdClients.certPem, CERT);
  writePair(tree, host, `${k}/etcd-client`, await pki.leaf(cas.etcdClients, 'kube-apiserver', { usages: ['clientAuth'] }));
  writePair(tree, host, `${k}/kubelet-api`, await pki.leaf(cas.ca, 'kubelet-api', { usages: ['clientAuth'] }));
  tree.write(host, `${k}/apiserver-aggregator-ca.crt`, cas.aggregatorCa.certPem, CERT);
  writePair(tree, host, `${k}/apiserver-aggregator`, await pki.leaf(cas.aggregatorCa, 'aggregator', { usages: ['clientAuth'] }));
  tree.write(host, `${k}/service-account.key`, privateKeyPem(cas.serviceAccount), KEY);
  tree.write(host, `${k}/service-account.pub`, publicKeyPem(cas.serviceAccount), CERT);
  tree.write(host, `${k}/encryptionconfig.yaml`, ENCRYPTION(cas.encryptionKey), KEY);
  tree.write(host, '/etc/kubernetes/manifests/kube-apiserver.manifest', kopsPod('kube-apiserver', apiserverFlags(), [['srvkca', '/srv/kubernetes/ca.crt'], ['srvkapi', '/srv/kubernetes/kube-apiserver'], ['etcssl', '/etc/ssl']]));

  const cm = '/srv/kubernetes/kube-controller-manager';
  tree.write(host, `${cm}/ca.crt`, cas.ca.certPem, KEY);
  tree.write(host, `${cm}/ca.key`, cas.ca.keyPem, KEY);
  writePair(tree, host, `${cm}/server`, await pki.leaf(cas.ca, 'kube-controller-manager', { dnsNames: ['kube-controller-manager.kube-system.svc.cluster.local'], usages: ['serverAuth'] }));
  tree.write(host, `${cm}/service-account.key`, privateKeyPem(cas.serviceAccount), KEY);
  writePair(tree, host, '/var/lib/kube-controller-manager/client', await pki.leaf(cas.ca, 'system:kube-controller-manager', { usages: ['clientAuth'] }));
  tree.write(host, '/var/lib/kube-controller-manager/kubeconfig', kubeconfig('https://127.0.0.1', '/srv/kubernetes/ca.crt', '/var/lib/kube-controller-manager/client.crt', '/var/lib/kube-controller-manager/client.key', 'kube-controller-manager'), 0o400);
  tree.write(host, '/etc/kubernetes/manifests/kube-controller-manager.manifest', kopsPod('kube-controller-manager', [
    '--allocate-node-cidrs=true',
    '--authentication-kubeconfig=/var/lib/kube-controller-manager/kubeconfig',
    '--authorization-kubeconfig=/var/lib/kube-controller-manager/kubeconfig',
    '--cloud-provider=external',
    '--cluster-cidr=100.96.0.0/11',
    `--cluster-name=${KOPS_CLUSTER}`,
    `--cluster-signing-cert-file=${cm}/ca.crt`,
    `--cluster-signing-key-file=${cm}/ca.key`,
    '--kubeconfig=/var/lib/kube-controller-manager/kubeconfig',
    '--leader-elect=true',
    '--root-ca-file=/srv/kubernetes/ca.crt',
    `--service-account-private-key-file=${cm}/service-account.key`,
    `--tls-cert-file=${cm}/server.crt`,
    `--tls-private-key-file=${cm}/server.key`,
    '--use-service-account-credentials=true',
    '--v=2',
  ], [['srvkca', '/srv/kubernetes/ca.crt'], ['srvkcm', cm], ['varlibkcm', '/var/lib/kube-controller-manager']]));

  const sch = '/srv/kubernetes/kube-scheduler';
  writePair(tree, host, `${sch}/server`, await pki.leaf(cas.ca, 'kube-scheduler', { dnsNames: ['kube-scheduler.kube-system.svc.cluster.local'], usages: ['serverAuth'] }));
  writePair(tree, host, '/var/lib/kube-scheduler/client', await pki.leaf(cas.ca, 'system:kube-scheduler', { usages: ['clientAuth'] }));
  tree.write(host, '/var/lib/kube-scheduler/kubeconfig', kubeconfig('https://127.0.0.1', '/srv/kubernetes/ca.crt', '/var/lib/kube-scheduler/client.crt', '/var/lib/kube-scheduler/client.key', 'kube-scheduler'), 0o400);
  tree.write(host, '/var/lib/kube-scheduler/config.yaml', 'apiVersion: kubescheduler.config.k8s.io/v1\nclientConnection:\n  kubeconfig: /var/lib/kube-scheduler/kubeconfig\nkind: KubeSchedulerConfiguration\n', 0o400);
  tree.write(host, '/etc/kubernetes/manifests/kube-scheduler.manifest', kopsPod('kube-scheduler', [
    '--authentication-kubeconfig=/var/lib/kube-scheduler/kubeconfig',
    '--authorization-kubeconfig=/var/lib/kube-scheduler/kubeconfig',
    '--config=/var/lib/kube-scheduler/config.yaml',
    '--leader-elect=true',
    `--tls-cert-file=${sch}/server.crt`,
    `--tls-private-key-file=${sch}/server.key`,
    '--v=2',
  ], [['varlibkubescheduler', '/var/lib/kube-scheduler'], ['srvscheduler', sch]]));

  for (const cluster of ['main', 'events'] as const) {
    const dir = `/etc/kubernetes/pki/etcd-manager-${cluster}`;
    tree.write(host, `${dir}/etcd-clients-ca.crt`, cas.etcdClients.certPem, CERT);
    tree.write(host, `${dir}/etcd-clients-ca.key`, cas.etcdClients.keyPem, KEY);
    tree.write(host, `${dir}/etcd-peers-ca-${cluster}.crt`, cas.etcdPeers[cluster].certPem, CERT);
    tree.write(host, `${dir}/etcd-peers-ca-${cluster}.key`, cas.etcdPeers[cluster].keyPem, KEY);
    tree.write(host, `/etc/kubernetes/manifests/etcd-manager-${cluster}.manifest`, etcdManagerPod(cluster));
  }
}

export interface EtcdProcessOptions {
  /** Variables in place of the ones etcd-manager generates (to plant a defect). */
  override?: Record<string, string>;
}

/**
 * etcd as etcd-manager started it on a control plane: the PKI and data on the etcd volume,
 * and the process (its argv and ETCD_* environment) in a snapshot of /proc.
 */
export async function writeEtcdProcesses(tree: TreeWriter, pki: PkiFactory, cas: KopsCAs, node: KopsNode, pids: { main: number; events: number }, options: EtcdProcessOptions = {}): Promise<void> {
  const host = node.name;
  const volume = `/mnt/master-vol-${Buffer.from(host).toString('hex')}`;
  for (const cluster of ['main', 'events'] as const) {
    const client = cluster === 'main' ? 4001 : 4002;
    const peer = cluster === 'main' ? 2380 : 2381;
    const token = cas.tokens[cluster];
    const base = `${volume}/${cluster}`;
    const dns = (n: KopsNode) => `${n.member}.internal.${KOPS_CLUSTER}`;
    const names = { dnsNames: [dns(node), `${dns(node).replace('.internal', '')}`, 'localhost'], ipAddresses: ['127.0.0.1', node.ip] };
    tree.write(host, `${base}/pki/${token}/clients/ca.crt`, cas.etcdClients.certPem, CERT);
    writePair(tree, host, `${base}/pki/${token}/clients/server`, await pki.leaf(cas.etcdClients, `etcd-${node.member}`, { ...names, usages: ['serverAuth', 'clientAuth'] }));
    tree.write(host, `${base}/pki/${token}/peers/ca.crt`, cas.etcdPeers[cluster].certPem, CERT);
    writePair(tree, host, `${base}/pki/${token}/peers/me`, await pki.leaf(cas.etcdPeers[cluster], `etcd-${node.member}`, { ...names, usages: ['serverAuth', 'clientAuth'] }));
    const rootfs = (p: string) => `/rootfs${p}`;
    const env: Record<string, string> = {
      ETCD_DATA_DIR: rootfs(`${base}/data/${token}`),
      ETCD_LOGGER: 'zap',
      ETCD_LOG_OUTPUTS: 'stdout',
      ETCD_LISTEN_PEER_URLS: `https://0.0.0.0:${peer}`,
      ETCD_LISTEN_CLIENT_URLS: `https://0.0.0.0:${client}`,
      ETCD_ADVERTISE_CLIENT_URLS: `https://${dns(node)}:${client}`,
      ETCD_INITIAL_ADVERTISE_PEER_URLS: `https://${dns(node)}:${peer}`,
      ETCD_INITIAL_CLUSTER_STATE: 'existing',
      ETCD_ENABLE_V2: 'false',
      ETCD_NAME: node.member!,
      ETCD_INITIAL_CLUSTER_TOKEN: token,
      ETCD_INITIAL_CLUSTER: KOPS_CONTROL_PLANES.map((n) => `${n.member}=https://${dns(n)}:${peer}`).join(','),
      ETCD_STRICT_RECONFIG_CHECK: 'true',
      ETCD_PEER_CLIENT_CERT_AUTH: 'true',
      ETCD_PEER_TRUSTED_CA_FILE: rootfs(`${base}/pki/${token}/peers/ca.crt`),
      ETCD_PEER_CERT_FILE: rootfs(`${base}/pki/${token}/peers/me.crt`),
      ETCD_PEER_KEY_FILE: rootfs(`${base}/pki/${token}/peers/me.key`),
      ETCD_CLIENT_CERT_AUTH: 'true',
      ETCD_TRUSTED_CA_FILE: rootfs(`${base}/pki/${token}/clients/ca.crt`),
      ETCD_CERT_FILE: rootfs(`${base}/pki/${token}/clients/server.crt`),
      ETCD_KEY_FILE: rootfs(`${base}/pki/${token}/clients/server.key`),
      ETCD_EXPERIMENTAL_INITIAL_CORRUPT_CHECK: 'true',
      ...(cluster === 'main' ? options.override : {}),
    };
    const pid = pids[cluster];
    tree.write(host, `/proc/${pid}/cmdline`, ['/opt/etcd-v3.5.21/etcd', ''].join('\0'));
    // The process environment also carries the pod's own variables, which kaudit never reads.
    tree.write(host, `/proc/${pid}/environ`, [...Object.entries(env).map(([n, v]) => `${n}=${v}`), 'AWS_REGION=us-east-1', 'AWS_SECRET_ACCESS_KEY=do-not-read-me', ''].join('\0'));
  }
}

/** A whole kOps cluster: three control planes, one node. */
export async function writeKopsCluster(tree: TreeWriter, pki: PkiFactory): Promise<KopsCAs> {
  const cas = await makeKopsCAs(pki);
  for (const node of KOPS_CONTROL_PLANES) await writeKopsControlPlane(tree, pki, cas, node);
  for (const node of KOPS_NODES) await writeKubelet(tree, pki, cas, node);
  tree.writeSnapshotManifests();
  return cas;
}
