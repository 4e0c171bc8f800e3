/**
 * A kubespray cluster as its roles render it. Written after, never copied from,
 * kubernetes-sigs/kubespray at 46dbdd3994b32640bcd806b0097f50e8fdf1d514 (see
 * /work/shared/realworld/SOURCES.md):
 * - roles/etcd/templates/etcd.env.j2 and etcd-host.service.j2: etcd as a host unit reading
 *   /etc/etcd.env, certificates in /etc/ssl/etcd/ssl (member-, admin-, node-<host>.pem);
 * - roles/kubernetes/control-plane/templates/kubeadm-config.v1beta4.yaml.j2: kubeadm's static
 *   pods with certificatesDir /etc/kubernetes/ssl and an external etcd;
 * - roles/kubernetes/node/templates/kubelet.service.j2 and kubelet.env.v1beta1.j2 (at
 *   21015e7d / 8e3e95d9): the kubelet unit expanding KUBELET_ARGS from /etc/kubernetes/kubelet.env;
 * - roles/kubespray_defaults/defaults/main/main.yml: kube_cert_dir, etcd_cert_dir, etcd names;
 * - addons (dashboard, metrics-server…) under /etc/kubernetes/addons, applied by kubespray itself.
 */
import { privateKeyPem, publicKeyPem } from '../../src/pki/issue.js';
import { ADMISSION_CONFIG, AUDIT_POLICY, EVENT_RATE_LIMIT, apiserverManifest, controllerManagerManifest, encryptionConfig, kubeconfig, kubeletConfig, makeCAs, schedulerManifest, writeKubeletClient, type ClusterCAs, type KubeadmSpec, type Node } from './kubeadm.js';
import type { Issued, PkiFactory } from './pki.js';
import type { TreeWriter } from './tree.js';

export const KUBESPRAY_SPEC: KubeadmSpec = {
  controlPlanes: [
    { name: 'node1', ip: '10.0.3.11' },
    { name: 'node2', ip: '10.0.3.12' },
    { name: 'node3', ip: '10.0.3.13' },
  ],
  workers: [{ name: 'node4', ip: '10.0.3.21' }],
  version: '1.31.4',
  etcdVersion: '3.5.16',
  serviceCidr: '10.233.0.0/18',
  podCidr: '10.233.64.0/18',
  endpoint: 'lb-apiserver.kubernetes.local:6443',
  hardened: true,
};

const CERT = 0o644;
const KEY = 0o600;
const SSL = '/etc/kubernetes/ssl';
const ETCD_SSL = '/etc/ssl/etcd/ssl';

export function etcdEnv(node: Node, members: Node[], overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    ETCD_DATA_DIR: '/var/lib/etcd',
    ETCD_ADVERTISE_CLIENT_URLS: `https://${node.ip}:2379`,
    ETCD_INITIAL_ADVERTISE_PEER_URLS: `https://${node.ip}:2380`,
    ETCD_INITIAL_CLUSTER_STATE: 'existing',
    ETCD_METRICS: 'basic',
    ETCD_LISTEN_CLIENT_URLS: `https://${node.ip}:2379,https://127.0.0.1:2379`,
    ETCD_ELECTION_TIMEOUT: '5000',
    ETCD_HEARTBEAT_INTERVAL: '250',
    ETCD_INITIAL_CLUSTER_TOKEN: 'k8s_etcd',
    ETCD_LISTEN_PEER_URLS: `https://${node.ip}:2380`,
    ETCD_NAME: `etcd${members.indexOf(node) + 1}`,
    ETCD_PROXY: 'off',
    ETCD_INITIAL_CLUSTER: members.map((m, i) => `etcd${i + 1}=https://${m.ip}:2380`).join(','),
    ETCD_AUTO_COMPACTION_RETENTION: '8',
    ETCD_SNAPSHOT_COUNT: '10000',
    ...overrides,
  };
  const tls: Record<string, string> = {
    ETCD_TRUSTED_CA_FILE: `${ETCD_SSL}/ca.pem`,
    ETCD_CERT_FILE: `${ETCD_SSL}/member-${node.name}.pem`,
    ETCD_KEY_FILE: `${ETCD_SSL}/member-${node.name}-key.pem`,
    ETCD_CLIENT_CERT_AUTH: 'true',
    '': '',
    ETCD_PEER_TRUSTED_CA_FILE: `${ETCD_SSL}/ca.pem`,
    ETCD_PEER_CERT_FILE: `${ETCD_SSL}/member-${node.name}.pem`,
    ETCD_PEER_KEY_FILE: `${ETCD_SSL}/member-${node.name}-key.pem`,
    ETCD_PEER_CLIENT_CERT_AUTH: overrides.ETCD_PEER_CLIENT_CERT_AUTH ?? 'true',
  };
  return [
    '# Environment file for etcd v3.5.16',
    ...Object.entries(values).filter(([k]) => k !== 'ETCD_PEER_CLIENT_CERT_AUTH').map(([k, v]) => `${k}=${v}`),
    '',
    '# TLS settings',
    ...Object.entries(tls).map(([k, v]) => (k ? `${k}=${v}` : '')),
    '',
    '# CLI settings',
    'ETCDCTL_ENDPOINTS=https://127.0.0.1:2379',
    `ETCDCTL_CACERT=${ETCD_SSL}/ca.pem`,
    `ETCDCTL_KEY=${ETCD_SSL}/admin-${node.name}-key.pem`,
    `ETCDCTL_CERT=${ETCD_SSL}/admin-${node.name}.pem`,
    '',
  ].join('\n');
}

const ETCD_UNIT = `[Unit]
Description=etcd
After=network.target

[Service]
Type=notify
User=root
EnvironmentFile=/etc/etcd.env
ExecStart=/usr/local/bin/etcd
NotifyAccess=all
Restart=always
RestartSec=10s
LimitNOFILE=40000

[Install]
WantedBy=multi-user.target
`;

const KUBELET_UNIT = `[Unit]
Description=Kubernetes Kubelet Server
Documentation=https://github.com/GoogleCloudPlatform/kubernetes
After=containerd.service
Wants=containerd.service

[Service]
User=root
EnvironmentFile=-/etc/kubernetes/kubelet.env
ExecStart=/usr/local/bin/kubelet \\
\t\t$KUBE_LOGTOSTDERR \\
\t\t$KUBE_LOG_LEVEL \\
\t\t$KUBELET_API_SERVER \\
\t\t$KUBELET_ADDRESS \\
\t\t$KUBELET_PORT \\
\t\t$KUBELET_HOSTNAME \\
\t\t$KUBELET_ARGS \\
\t\t$DOCKER_SOCKET \\
\t\t$KUBELET_NETWORK_PLUGIN \\
\t\t$KUBELET_VOLUME_PLUGIN \\
\t\t$KUBELET_CLOUDPROVIDER
Restart=always
RestartSec=10s

[Install]
WantedBy=multi-user.target
`;

function kubeletEnv(node: Node): string {
  return [
    'KUBE_LOGTOSTDERR="--logtostderr=true"',
    'KUBE_LOG_LEVEL="--v=2"',
    `KUBELET_ADDRESS="--node-ip=${node.ip}"`,
    `KUBELET_HOSTNAME="--hostname-override=${node.name}"`,
    '',
    'KUBELET_ARGS="--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \\',
    '--config=/etc/kubernetes/kubelet-config.yaml \\',
    '--kubeconfig=/etc/kubernetes/kubelet.conf \\',
    '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock \\',
    '--runtime-cgroups=/system.slice/containerd.service \\',
    '  "',
    'KUBELET_CLOUDPROVIDER=""',
    '',
    'PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '',
  ].join('\n');
}

/** kubeadm's static pods as kubespray renders them: certificates in /etc/kubernetes/ssl, etcd on the hosts. */
export function kubesprayApiserver(spec: KubeadmSpec, node: Node, etcdServers: string): string {
  return apiserverManifest(spec, node)
    .replaceAll('/etc/kubernetes/pki/etcd/ca.crt', `${ETCD_SSL}/ca.pem`)
    .replace('/etc/kubernetes/pki/apiserver-etcd-client.crt', `${ETCD_SSL}/node-${node.name}.pem`)
    .replace('/etc/kubernetes/pki/apiserver-etcd-client.key', `${ETCD_SSL}/node-${node.name}-key.pem`)
    .replace('--etcd-servers=https://127.0.0.1:2379', `--etcd-servers=${etcdServers}`)
    .replaceAll('/etc/kubernetes/pki', SSL)
    .replace('  volumes:\n', `  volumes:\n  - hostPath:\n      path: ${ETCD_SSL}\n      type: DirectoryOrCreate\n    name: etcd-certs-0\n`)
    .replace('    volumeMounts:\n', `    volumeMounts:\n    - mountPath: ${ETCD_SSL}\n      name: etcd-certs-0\n      readOnly: true\n`);
}

async function writePair(tree: TreeWriter, host: string, cert: string, key: string, issued: Issued): Promise<void> {
  tree.write(host, cert, issued.certPem, CERT);
  tree.write(host, key, issued.keyPem, KEY);
}

/** The kubelet of every kubespray node, and its rotated client certificates (the oldest one expired: history). */
async function writeNode(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node): Promise<void> {
  const host = node.name;
  tree.write(host, '/etc/hostname', `${host}\n`);
  tree.recordVersion(host, 'kubelet', spec.version); // `kaudit collect` records `kubelet --version`
  tree.write(host, `${SSL}/ca.crt`, cas.ca.certPem, CERT);
  tree.write(host, '/etc/systemd/system/kubelet.service', KUBELET_UNIT);
  tree.write(host, '/etc/kubernetes/kubelet.env', kubeletEnv(node));
  tree.write(host, '/etc/kubernetes/kubelet-config.yaml', kubeletConfig().replace('/etc/kubernetes/pki/ca.crt', `${SSL}/ca.crt`).replace('10.96.0.10', '10.233.0.3'), KEY);
  tree.write(host, '/etc/kubernetes/kubelet.conf', kubeconfig(spec.endpoint, cas.ca, 'default-auth', undefined, '/var/lib/kubelet/pki/kubelet-client-current.pem'), KEY);
  // A year ago's client certificate, rotated out: the kubelet keeps it, nothing uses it.
  const old = await pki.leaf(cas.ca, `system:node:${host}`, { organizations: ['system:nodes'], usages: ['clientAuth'], validFromDays: -400, validForDays: -35 });
  tree.write(host, '/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem', old.certPem + old.keyPem, KEY);
  await writeKubeletClient(tree, pki, cas, node);
  tree.write(host, '/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256/0f1e/manifest.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - command: [kube-apiserver, --anonymous-auth=true]\n');
}

/** A control plane: kubeadm's static pods, etcd as a unit with /etc/etcd.env, and kubespray's addons. */
export async function writeKubesprayControlPlane(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node, etcdCa: Issued): Promise<void> {
  const host = node.name;
  await writeNode(tree, pki, spec, cas, node);
  tree.write(host, `${SSL}/ca.key`, cas.ca.keyPem, KEY);
  tree.write(host, `${SSL}/front-proxy-ca.crt`, cas.frontProxyCa.certPem, CERT);
  tree.write(host, `${SSL}/front-proxy-ca.key`, cas.frontProxyCa.keyPem, KEY);
  tree.write(host, `${SSL}/sa.key`, privateKeyPem(cas.serviceAccount), KEY);
  tree.write(host, `${SSL}/sa.pub`, publicKeyPem(cas.serviceAccount), CERT);
  const firstServiceIp = spec.serviceCidr.replace(/\.0\/\d+$/, '.1');
  await writePair(tree, host, `${SSL}/apiserver.crt`, `${SSL}/apiserver.key`, await pki.leaf(cas.ca, 'kube-apiserver', {
    dnsNames: ['lb-apiserver.kubernetes.local', host, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: [firstServiceIp, node.ip, '127.0.0.1'],
    usages: ['serverAuth'],
  }));
  await writePair(tree, host, `${SSL}/apiserver-kubelet-client.crt`, `${SSL}/apiserver-kubelet-client.key`, await pki.leaf(cas.ca, 'kube-apiserver-kubelet-client', { organizations: ['kubeadm:cluster-admins'], usages: ['clientAuth'] }));
  await writePair(tree, host, `${SSL}/front-proxy-client.crt`, `${SSL}/front-proxy-client.key`, await pki.leaf(cas.frontProxyCa, 'front-proxy-client', { usages: ['clientAuth'] }));
  tree.write(host, '/etc/kubernetes/enc/encryption-config.yaml', encryptionConfig(cas.encryptionKey), KEY);
  // The hardened apiserver flags name an audit policy and an admission configuration: kubespray writes them (its audit and
  // admission templates in kubernetes-sigs/kubespray roles/kubernetes/control-plane/templates: apiserver-audit-policy.yaml.j2,
  // admission-controls.yaml.j2, eventratelimit.yaml.j2).
  tree.write(host, '/etc/kubernetes/audit/policy.yaml', AUDIT_POLICY, KEY);
  tree.write(host, '/etc/kubernetes/admission/admission-config.yaml', ADMISSION_CONFIG, KEY);
  tree.write(host, '/etc/kubernetes/admission/event-rate-limit.yaml', EVENT_RATE_LIMIT, KEY);
  tree.write(host, '/etc/kubernetes/kubeadm-config.yaml', 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\ncertificatesDir: /etc/kubernetes/ssl\netcd:\n  external:\n    endpoints: []\n', KEY);

  // etcd: kubespray's own certificates and unit.
  const members = spec.controlPlanes;
  tree.write(host, `${ETCD_SSL}/ca.pem`, etcdCa.certPem, CERT);
  tree.write(host, `${ETCD_SSL}/ca-key.pem`, etcdCa.keyPem, KEY);
  const names = { dnsNames: [host, 'localhost'], ipAddresses: [node.ip, '127.0.0.1'] };
  await writePair(tree, host, `${ETCD_SSL}/member-${host}.pem`, `${ETCD_SSL}/member-${host}-key.pem`, await pki.leaf(etcdCa, `etcd-member-${host}`, { ...names, usages: ['serverAuth', 'clientAuth'] }));
  await writePair(tree, host, `${ETCD_SSL}/admin-${host}.pem`, `${ETCD_SSL}/admin-${host}-key.pem`, await pki.leaf(etcdCa, `etcd-admin-${host}`, { usages: ['clientAuth'] }));
  await writePair(tree, host, `${ETCD_SSL}/node-${host}.pem`, `${ETCD_SSL}/node-${host}-key.pem`, await pki.leaf(etcdCa, `etcd-node-${host}`, { usages: ['clientAuth'] }));
  tree.write(host, '/etc/etcd.env', etcdEnv(node, members), KEY);
  tree.write(host, '/etc/systemd/system/etcd.service', ETCD_UNIT);

  const etcdServers = members.map((m) => `https://${m.ip}:2379`).join(',');
  tree.write(host, '/etc/kubernetes/manifests/kube-apiserver.yaml', kubesprayApiserver(spec, node, etcdServers), KEY);
  tree.write(host, '/etc/kubernetes/manifests/kube-controller-manager.yaml', controllerManagerManifest(spec).replaceAll('/etc/kubernetes/pki', SSL), KEY);
  tree.write(host, '/etc/kubernetes/manifests/kube-scheduler.yaml', schedulerManifest(spec), KEY);
  const local = `${node.ip}:6443`;
  tree.write(host, '/etc/kubernetes/controller-manager.conf', kubeconfig(local, cas.ca, 'system:kube-controller-manager', await pki.leaf(cas.ca, 'system:kube-controller-manager', { usages: ['clientAuth'] })), KEY);
  tree.write(host, '/etc/kubernetes/scheduler.conf', kubeconfig(local, cas.ca, 'system:kube-scheduler', await pki.leaf(cas.ca, 'system:kube-scheduler', { usages: ['clientAuth'] })), KEY);
  tree.write(host, '/etc/kubernetes/admin.conf', kubeconfig(spec.endpoint, cas.ca, 'kubernetes-admin', await pki.leaf(cas.ca, 'kubernetes-admin', { organizations: ['kubeadm:cluster-admins'], usages: ['clientAuth'] })), KEY);
  // kubespray applies its addons itself (kubectl apply): no addon manager, no mode label.
  tree.write(host, '/etc/kubernetes/addons/dashboard/dashboard.yml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  labels:\n    k8s-app: kubernetes-dashboard\n  name: kubernetes-dashboard\n  namespace: kube-system\n');
}

export async function writeKubesprayCluster(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec = KUBESPRAY_SPEC): Promise<{ cas: ClusterCAs; etcdCa: Issued }> {
  const cas = await makeCAs(pki);
  const etcdCa = await pki.ca('etcd-ca');
  for (const node of spec.controlPlanes) await writeKubesprayControlPlane(tree, pki, spec, cas, node, etcdCa);
  for (const node of spec.workers) await writeNode(tree, pki, spec, cas, node);
  tree.writeSnapshotManifests();
  return { cas, etcdCa };
}
