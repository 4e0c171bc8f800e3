/**
 * Writes fixtures/example-cluster: a kubeadm HA cluster (three control planes, two
 * workers) with planted pki defects. The README scans it with a fixed --now, so it
 * reads the same whatever the date. Run: npm run make-example
 */
import fs from 'node:fs';
import { generateKeyPair, privateKeyPem } from '../src/pki/issue.js';
import { randomBytes } from 'node:crypto';
import { WEAVE_CONFLIST } from '../test/support/cni.js';
import { ADDON_MANAGER_POD } from '../test/support/addon-manager.js';
import { DEFAULT_SPEC, apiserverManifest, encryptionConfig, etcdManifest, makeCAs, writeControlPlane, writeKubeletClient, writeWorker, type KubeadmSpec } from '../test/support/kubeadm.js';
import { procNetRoute } from '../test/support/routes.js';
import { PkiFactory } from '../test/support/pki.js';
import { TreeWriter } from '../test/support/tree.js';

/** The clock the example is made for; the README scans it with --now 2026-12-01. */
export const EXAMPLE_NOW = new Date('2026-12-01T00:00:00Z');
const target = new URL('../fixtures/example-cluster/', import.meta.url).pathname;

async function main(): Promise<void> {
  fs.rmSync(target, { recursive: true, force: true });
  const tree = new TreeWriter(target);
  // Certificates were issued about a year before the scan date, as kubeadm init would have.
  const pki = new PkiFactory(EXAMPLE_NOW);
  const spec = DEFAULT_SPEC;
  const cas = await makeCAs(pki);
  for (const [index, node] of spec.controlPlanes.entries()) await writeControlPlane(tree, pki, spec, cas, node, index);
  for (const node of spec.workers) await writeWorker(tree, pki, spec, cas, node);
  const [cp1, cp2, cp3] = spec.controlPlanes;
  const [worker1, worker2] = spec.workers;

  // cp-2's apiserver certificate was copied from cp-1: it lacks cp-2's own address.
  tree.write(cp2.name, '/etc/kubernetes/pki/apiserver.crt', tree.read(cp1.name, '/etc/kubernetes/pki/apiserver.crt'));
  tree.write(cp2.name, '/etc/kubernetes/pki/apiserver.key', tree.read(cp1.name, '/etc/kubernetes/pki/apiserver.key'), 0o600);

  // worker-1 and worker-2 were cloned from one image: their kubelets share a key pair.
  const cloned = await generateKeyPair({ algorithm: 'ec', curve: 'P-256' });
  await writeKubeletClient(tree, pki, cas, worker1, { key: cloned });
  tree.remove(worker2.name, '/var/lib/kubelet/pki');
  // ... and worker-2's kubelet does not rotate: its client certificate expired.
  await writeKubeletClient(tree, pki, cas, worker2, { key: cloned, validFromDays: -400, validForDays: -35 });

  // cp-3's front-proxy client certificate expires within the 30-day window.
  const frontProxy = await pki.leaf(cas.frontProxyCa, 'front-proxy-client', { usages: ['clientAuth'], validForDays: 12 });
  tree.write(cp3.name, '/etc/kubernetes/pki/front-proxy-client.crt', frontProxy.certPem);
  tree.write(cp3.name, '/etc/kubernetes/pki/front-proxy-client.key', frontProxy.keyPem, 0o600);

  // cp-3's apiserver-etcd-client was signed by the cluster CA, not etcd's: etcd rejects it.
  const etcdClient = await pki.leaf(cas.ca, 'kube-apiserver-etcd-client', { usages: ['clientAuth'] });
  tree.write(cp3.name, '/etc/kubernetes/pki/apiserver-etcd-client.crt', etcdClient.certPem);
  tree.write(cp3.name, '/etc/kubernetes/pki/apiserver-etcd-client.key', etcdClient.keyPem, 0o600);

  // cp-1: a key left world-readable, and an old 1024-bit RSA kubelet client certificate.
  tree.write(cp1.name, '/etc/kubernetes/pki/apiserver-etcd-client.key', tree.read(cp1.name, '/etc/kubernetes/pki/apiserver-etcd-client.key'), 0o644);
  const weak = await pki.leaf(cas.ca, 'kube-apiserver-kubelet-client', { organizations: ['kubeadm:cluster-admins'], usages: ['clientAuth'], spec: { algorithm: 'rsa', bits: 1024 } });
  tree.write(cp1.name, '/etc/kubernetes/pki/apiserver-kubelet-client.crt', weak.certPem);
  tree.write(cp1.name, '/etc/kubernetes/pki/apiserver-kubelet-client.key', weak.keyPem, 0o600);

  // cp-2's etcd peer key was regenerated without its certificate.
  const stray = await generateKeyPair({ algorithm: 'ec', curve: 'P-256' });
  tree.write(cp2.name, '/etc/kubernetes/pki/etcd/peer.key', privateKeyPem(stray), 0o600);

  // cp-1's etcd peer certificate was re-issued by hand as a server-only certificate.
  const peer = await pki.leaf(cas.etcdCa, cp1.name, { dnsNames: [cp1.name, 'localhost'], ipAddresses: [cp1.ip, '127.0.0.1'], usages: ['serverAuth'] });
  tree.write(cp1.name, '/etc/kubernetes/pki/etcd/peer.crt', peer.certPem);
  tree.write(cp1.name, '/etc/kubernetes/pki/etcd/peer.key', peer.keyPem, 0o600);

  // cp-2's front-proxy client certificate was issued for 20 years: it outlives its CA.
  const longLived = await pki.leaf(cas.frontProxyCa, 'front-proxy-client', { usages: ['clientAuth'], validForDays: 7300 });
  tree.write(cp2.name, '/etc/kubernetes/pki/front-proxy-client.crt', longLived.certPem);
  tree.write(cp2.name, '/etc/kubernetes/pki/front-proxy-client.key', longLived.keyPem, 0o600);

  // cp-3's front-proxy CA bundle was deleted.
  tree.remove(cp3.name, '/etc/kubernetes/pki/front-proxy-ca.crt');

  await plantClusterDefects(tree, spec);
  tree.writeSnapshotManifests();
  process.stdout.write(`wrote ${target}\n`);
}

/** Defects of etcd, the apiserver, encryption, addons, scheduling, CNI, networking and upgrades. */
async function plantClusterDefects(tree: TreeWriter, spec: KubeadmSpec): Promise<void> {
  const [cp1, cp2, cp3] = spec.controlPlanes;
  const [worker1, worker2] = spec.workers;

  // cp-2's apiserver was set up from an old guide: the master-count endpoint reconciler.
  const cp2Apiserver = apiserverManifest(spec, cp2, ['--endpoint-reconciler-type=master-count']);
  tree.write(cp2.name, '/etc/kubernetes/manifests/kube-apiserver.yaml', cp2Apiserver, 0o600);

  // cp-3 joined with a typo in cp-2's peer URL.
  const members = spec.controlPlanes.map((n) => (n.name === cp2.name ? { ...n, ip: '10.0.0.21' } : n));
  tree.write(cp3.name, '/etc/kubernetes/manifests/etcd.yaml', etcdManifest(spec, cp3, members, 'existing'), 0o600);

  // cp-1 encrypts Secrets, but a migration left identity first.
  tree.write(cp1.name, '/etc/kubernetes/enc/encryption-config.yaml', encryptionConfig(randomBytes(32).toString('base64')).replace(
    '    providers:\n',
    '    providers:\n      - identity: {}\n',
  ), 0o600);
  const cp1Apiserver = apiserverManifest(spec, cp1, ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml'])
    .replace('  volumes:\n', '  volumes:\n  - hostPath:\n      path: /etc/kubernetes/enc\n      type: DirectoryOrCreate\n    name: k8s-enc\n')
    .replace('    volumeMounts:\n', '    volumeMounts:\n    - mountPath: /etc/kubernetes/enc\n      name: k8s-enc\n      readOnly: true\n');
  tree.write(cp1.name, '/etc/kubernetes/manifests/kube-apiserver.yaml', cp1Apiserver, 0o600);

  // Addons applied by the addon manager (its static pod on cp-1): one without its mode label, one asking for a scheduler nobody runs.
  tree.write(cp1.name, '/etc/kubernetes/manifests/kube-addon-manager.yaml', ADDON_MANAGER_POD, 0o600);
  tree.write(cp1.name, '/etc/kubernetes/addons/metrics-server/service-account.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: metrics-server\n  namespace: kube-system\n  labels:\n    k8s-app: metrics-server\n');
  tree.write(cp1.name, '/etc/kubernetes/addons/batch/nightly-report.yaml', [
    'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', '  name: nightly-report', '  namespace: kube-system', '  labels:', '    addonmanager.kubernetes.io/mode: Reconcile',
    'spec:', '  schedule: "0 2 * * *"', '  jobTemplate:', '    spec:', '      template:', '        spec:', '          schedulerName: batch-scheduler',
    '          restartPolicy: OnFailure', '          containers:', '          - name: report', '            image: registry.example.internal/report:1.4', '',
  ].join('\n'));

  // Weave was upgraded on worker-1 but its old 10-weave.conf stayed; worker-2 is clean.
  tree.write(worker1.name, '/etc/cni/net.d/10-weave.conf', JSON.stringify({ name: 'weave', type: 'weave-net', hairpinMode: true }, null, 4));
  for (const worker of [worker1, worker2]) tree.write(worker.name, '/etc/cni/net.d/10-weave.conflist', WEAVE_CONFLIST);

  // cp-3 runs no kube-proxy (a nodeSelector keeps the DaemonSet off it) and has no route to the service network.
  tree.write(cp3.name, '/proc/net/route', procNetRoute([['eth0', '0.0.0.0/0', '10.0.0.1'], ['eth0', '10.0.0.0/24'], ['weave', '10.32.0.0/12']]));
  tree.write(cp3.name, '/etc/systemd/network/10-eth0.network', '[Match]\nName=eth0\n\n[Network]\nAddress=10.0.0.13/24\nGateway=10.0.0.1\nDNS=10.0.0.1\n');
  // Its kubelet as it runs: the command line its unit, drop-in and kubeadm-flags.env give it.
  tree.write(cp3.name, '/proc/812/cmdline', ['/usr/bin/kubelet', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--config=/var/lib/kubelet/config.yaml', '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock', '--pod-infra-container-image=registry.k8s.io/pause:3.9', ''].join('\0'));

  // worker-2 got the next kubelet before the control plane, and kept a flag 1.27 removed.
  tree.write(worker2.name, '/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime=remote --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n');
  versionsOf.set(worker2.name, { kubelet: 'v1.30.2' });
}

/** Versions that `kaudit collect` records (kubelet --version), merged into the snapshot manifests. */
const versionsOf = new Map<string, Record<string, string>>();

await main();
for (const [host, versions] of versionsOf) {
  const file = `${target}${host}/.kaudit-snapshot.json`;
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, `${JSON.stringify({ ...manifest, versions }, null, 2)}\n`);
}
