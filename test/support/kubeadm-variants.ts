/**
 * kubeadm clusters other than the stacked one of kubeadm.ts:
 * - external etcd, as https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/setup-ha-etcd-with-kubeadm/
 *   builds it (kubernetes/website content/en/docs/setup/production-environment/tools/kubeadm/setup-ha-etcd-with-kubeadm.md
 *   at 0189ae0f6bf2a79ff2e4bfd5f9ec0da98d64c5d2): etcd hosts whose kubelet only runs etcd's static pod
 *   (20-etcd-service-manager.conf), the CA key left on the first etcd host only, control planes with
 *   --etcd-servers listing every etcd host (https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/#external-etcd-nodes);
 * - a node copied with its running processes (proc/<pid>/cmdline), as `kaudit collect` leaves it.
 */
import { DEFAULT_SPEC, apiserverManifest, etcdManifest, makeCAs, writeControlPlane, writeKubeadmCluster, writeWorker, type ClusterCAs, type KubeadmSpec, type Node } from './kubeadm.js';
import type { Issued, PkiFactory } from './pki.js';
import type { TreeWriter } from './tree.js';

export const ETCD_HOSTS: Node[] = [
  { name: 'etcd-1', ip: '10.0.4.11' },
  { name: 'etcd-2', ip: '10.0.4.12' },
  { name: 'etcd-3', ip: '10.0.4.13' },
];

export const EXTERNAL_SPEC: KubeadmSpec = {
  ...DEFAULT_SPEC,
  controlPlanes: [
    { name: 'cp-1', ip: '10.0.4.21' },
    { name: 'cp-2', ip: '10.0.4.22' },
  ],
  workers: [{ name: 'worker-1', ip: '10.0.4.31' }],
  hardened: true,
};

/** The doc's drop-in (a kubelet that only starts etcd), with anonymous auth and the read-only port turned off. */
export function etcdServiceManagerDropIn(hardened: boolean): string {
  return [
    '[Service]',
    'ExecStart=',
    '#  Replace "systemd" with the cgroup driver of your container runtime. The default value in the kubelet is "cgroupfs".',
    `ExecStart=/usr/bin/kubelet --address=127.0.0.1 --pod-manifest-path=/etc/kubernetes/manifests --cgroup-driver=systemd${hardened ? ' --anonymous-auth=false --read-only-port=0' : ''}`,
    'Restart=always',
    '',
  ].join('\n');
}

export const ETCD_SERVERS = ETCD_HOSTS.map((h) => `https://${h.ip}:2379`).join(',');

const CERT = 0o644;
const KEY = 0o600;

function pair(tree: TreeWriter, host: string, base: string, issued: Issued): void {
  tree.write(host, `${base}.crt`, issued.certPem, CERT);
  tree.write(host, `${base}.key`, issued.keyPem, KEY);
}

/** An etcd host: `kubeadm init phase etcd local --config=/tmp/${HOST}/kubeadmcfg.yaml`, its certificates copied from the first. */
export async function writeEtcdHost(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node, first: boolean): Promise<void> {
  const host = node.name;
  tree.write(host, '/etc/hostname', `${host}\n`);
  tree.write(host, '/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf', etcdServiceManagerDropIn(spec.hardened ?? false));
  tree.write(host, '/usr/lib/systemd/system/kubelet.service', '[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n');
  tree.write(host, '/etc/kubernetes/pki/etcd/ca.crt', cas.etcdCa.certPem, CERT);
  // The doc deletes ca.key from the copies: only the host that made the CA keeps it.
  if (first) tree.write(host, '/etc/kubernetes/pki/etcd/ca.key', cas.etcdCa.keyPem, KEY);
  const names = { dnsNames: [host, 'localhost'], ipAddresses: [node.ip, '127.0.0.1', '::1'] };
  pair(tree, host, '/etc/kubernetes/pki/etcd/server', await pki.leaf(cas.etcdCa, host, { ...names, usages: ['serverAuth', 'clientAuth'] }));
  pair(tree, host, '/etc/kubernetes/pki/etcd/peer', await pki.leaf(cas.etcdCa, host, { ...names, usages: ['serverAuth', 'clientAuth'] }));
  pair(tree, host, '/etc/kubernetes/pki/etcd/healthcheck-client', await pki.leaf(cas.etcdCa, 'kube-etcd-healthcheck-client', { usages: ['clientAuth'] }));
  tree.write(host, '/etc/kubernetes/manifests/etcd.yaml', etcdManifest(spec, node, ETCD_HOSTS, 'new'), KEY);
}

/** A control plane of an external-etcd cluster: no local etcd; --etcd-servers lists the etcd hosts. */
export async function writeExternalControlPlane(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node, index: number, etcdServers = ETCD_SERVERS): Promise<void> {
  await writeControlPlane(tree, pki, spec, cas, node, index);
  tree.remove(node.name, '/etc/kubernetes/manifests/etcd.yaml');
  for (const file of ['server', 'peer', 'healthcheck-client']) {
    tree.remove(node.name, `/etc/kubernetes/pki/etcd/${file}.crt`);
    tree.remove(node.name, `/etc/kubernetes/pki/etcd/${file}.key`);
  }
  tree.remove(node.name, '/etc/kubernetes/pki/etcd/ca.key');
  tree.write(node.name, '/etc/kubernetes/manifests/kube-apiserver.yaml', apiserverManifest(spec, node).replace('--etcd-servers=https://127.0.0.1:2379', `--etcd-servers=${etcdServers}`), KEY);
}

export async function writeExternalEtcdCluster(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec = EXTERNAL_SPEC): Promise<ClusterCAs> {
  const cas = await makeCAs(pki);
  for (const [index, node] of ETCD_HOSTS.entries()) await writeEtcdHost(tree, pki, spec, cas, node, index === 0);
  for (const [index, node] of spec.controlPlanes.entries()) await writeExternalControlPlane(tree, pki, spec, cas, node, index);
  for (const node of spec.workers) await writeWorker(tree, pki, spec, cas, node);
  tree.writeSnapshotManifests();
  return cas;
}

/** The command line of a static pod's container as the process runs it (`command` then `args`, NUL-separated). */
export function cmdlineOfManifest(manifest: string): string {
  const words: string[] = [];
  let inCommand = false;
  for (const line of manifest.split('\n')) {
    if (/^\s{2}- command:$/.test(line) || /^\s{4}command:$/.test(line)) {
      inCommand = true;
      continue;
    }
    const item = /^\s{4}- (.*)$/.exec(line);
    if (inCommand && item) words.push(item[1]);
    else if (inCommand) break;
  }
  return `${words.join('\0')}\0`;
}

/** A kubeadm cluster whose hosts were copied with their processes: each static pod's container and the kubelet. */
export async function writeClusterWithProcesses(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec): Promise<ClusterCAs> {
  const cas = await writeKubeadmCluster(tree, pki, spec);
  writeProcessesOf(tree, spec);
  return cas;
}

/** The processes the hosts run now: each static pod's container as its manifest reads, and the kubelet. */
export function writeProcessesOf(tree: TreeWriter, spec: KubeadmSpec): void {
  for (const node of spec.controlPlanes) {
    let pid = 1100;
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      tree.write(node.name, `/proc/${pid++}/cmdline`, cmdlineOfManifest(tree.read(node.name, `/etc/kubernetes/manifests/${component}.yaml`)));
    }
  }
  for (const node of [...spec.controlPlanes, ...spec.workers]) {
    tree.write(node.name, '/proc/900/cmdline', ['/usr/bin/kubelet', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--config=/var/lib/kubelet/config.yaml', '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock', '--pod-infra-container-image=registry.k8s.io/pause:3.9', ''].join('\0'));
  }
}
