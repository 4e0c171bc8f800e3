/**
 * kubeadm with external etcd (test/support/kubeadm-variants.ts follows the kubernetes.io
 * guide "Set up a High Availability etcd Cluster with kubeadm"): etcd hosts whose kubelet
 * only runs etcd, control planes that reach every etcd host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setting } from '../../src/model/cluster.js';
import { apiserverManifest, etcdManifest } from '../support/kubeadm.js';
import { ETCD_HOSTS, EXTERNAL_SPEC, etcdServiceManagerDropIn, writeExternalEtcdCluster } from '../support/kubeadm-variants.js';
import { fixAndRescan, lines, serious } from '../support/distribution-check.js';
import { PkiFactory } from '../support/pki.js';
import { scanPaths } from '../support/scan.js';
import { TreeWriter } from '../support/tree.js';

describe('kubeadm with an external etcd cluster', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeExternalEtcdCluster(tree, new PkiFactory());
  });
  afterAll(() => tree.cleanup());

  it('reads etcd hosts as such: the kubelet drop-in that only runs etcd, one etcd cluster of three', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    expect(cluster.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.role}`)).toEqual([
      'cp-1: kubeadm control-plane',
      'cp-2: kubeadm control-plane',
      'etcd-1: kubeadm etcd',
      'etcd-2: kubeadm etcd',
      'etcd-3: kubeadm etcd',
      'worker-1: kubeadm worker',
    ]);
    const kubelet = cluster.components.find((c) => c.host === 'etcd-2' && c.kind === 'kubelet')!;
    expect(setting(kubelet, 'pod-manifest-path')?.at.file).toBe('etcd-2/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf');
    const apiserver = cluster.components.find((c) => c.host === 'cp-1' && c.kind === 'kube-apiserver')!;
    expect(setting(apiserver, 'etcd-servers')?.value).toBe('https://10.0.4.11:2379,https://10.0.4.12:2379,https://10.0.4.13:2379');
  });

  it('gives no finding', () => {
    expect(lines(scanPaths([tree.dir]).findings)).toEqual([]);
  });
});

describe('kubeadm with an external etcd cluster, with planted defects', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeExternalEtcdCluster(tree, new PkiFactory());
    // etcd-2's manifest lost --peer-client-cert-auth; etcd-3's kubelet drop-in is the guide's, unhardened.
    tree.write('etcd-2', '/etc/kubernetes/manifests/etcd.yaml', etcdManifest(EXTERNAL_SPEC, ETCD_HOSTS[1], ETCD_HOSTS, 'new').replace('    - --peer-client-cert-auth=true\n', ''), 0o600);
    tree.write('etcd-3', '/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf', etcdServiceManagerDropIn(false));
    // cp-2's apiserver knows a single etcd host.
    tree.write('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml', apiserverManifest(EXTERNAL_SPEC, EXTERNAL_SPEC.controlPlanes[1]).replace('--etcd-servers=https://127.0.0.1:2379', '--etcd-servers=https://10.0.4.11:2379'), 0o600);
    tree.writeSnapshotManifests();
  });
  afterAll(() => tree.cleanup());

  /** The 1-based line of a text's first line that holds `needle`. */
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

  it('reports each defect at its file and line', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([
      `etcd/single-endpoint cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:${lineOf(tree.read('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml'), '--etcd-servers=')}`,
      // the flag is not written: the finding goes where etcd's flags are
      'etcd/no-client-cert-auth etcd-2 etcd-2/etc/kubernetes/manifests/etcd.yaml:12',
      // the guide's drop-in as written: anonymous requests, and AlwaysAllow for them
      'auth/anonymous-auth etcd-3 etcd-3/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf:4',
      'auth/insecure-authorization etcd-3 etcd-3/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf:4',
    ]);
  });

  it('fixes the static pod, the apiserver and the drop-in', async () => {
    expect(lines(serious(await fixAndRescan(tree.dir, scanPaths([tree.dir]))))).toEqual([]);
  });
});
