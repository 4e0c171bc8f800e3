/**
 * Writes fixtures/example-cluster: a kubeadm HA cluster (three control planes, two
 * workers) with planted pki defects. The README scans it with a fixed --now, so it
 * reads the same whatever the date. Run: npm run make-example
 */
import fs from 'node:fs';
import { generateKeyPair, privateKeyPem } from '../src/pki/issue.js';
import { DEFAULT_SPEC, makeCAs, writeControlPlane, writeKubeletClient, writeWorker } from '../test/support/kubeadm.js';
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

  tree.writeSnapshotManifests();
  process.stdout.write(`wrote ${target}\n`);
}

await main();
