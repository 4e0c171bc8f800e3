/**
 * A kubespray cluster (three control planes with etcd as a host unit, one node), as its
 * roles render it (test/support/kubespray.ts names the templates each part follows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setting } from '../../src/model/cluster.js';
import { fixAndRescan, lines, serious } from '../support/distribution-check.js';
import { KUBESPRAY_SPEC, etcdEnv, kubesprayApiserver, writeKubesprayCluster } from '../support/kubespray.js';
import { PkiFactory } from '../support/pki.js';
import { scanPaths } from '../support/scan.js';
import { TreeWriter } from '../support/tree.js';

describe('a kubespray cluster', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeKubesprayCluster(tree, new PkiFactory());
  });
  afterAll(() => tree.cleanup());

  it('is read whole: etcd from its unit and /etc/etcd.env, the kubelet from kubelet.env, certificates in /etc/kubernetes/ssl', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    expect(cluster.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.version} ${h.distribution?.role}`)).toEqual([
      'node1: kubespray v1.31.4 control-plane',
      'node2: kubespray v1.31.4 control-plane',
      'node3: kubespray v1.31.4 control-plane',
      'node4: kubespray v1.31.4 worker',
    ]);
    const etcd = cluster.components.find((c) => c.host === 'node2' && c.kind === 'etcd')!;
    expect(etcd.source).toBe('systemd');
    expect(setting(etcd, 'peer-client-cert-auth')).toMatchObject({ value: 'true', origin: 'env', sourceKey: 'ETCD_PEER_CLIENT_CERT_AUTH', at: { file: 'node2/etc/etcd.env', line: 27 } });
    const kubelet = cluster.components.find((c) => c.host === 'node4' && c.kind === 'kubelet')!;
    expect(setting(kubelet, 'config')).toMatchObject({ value: '/etc/kubernetes/kubelet-config.yaml', at: { file: 'node4/etc/kubernetes/kubelet.env', line: 6 } });
    // The kubelet's rotated-out client certificate is history, not a credential.
    const history = cluster.certificates.find((c) => c.host === 'node4' && c.hostPath.endsWith('kubelet-client-2025-01-01-00-00-00.pem'))!;
    expect(history.supersededBy).toBe('/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
  });

  it('gives no finding at warning or above: an expired rotated-out kubelet certificate and label-less addons kubespray applies itself are fine', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([]);
    expect(lines(findings)).toEqual(['etcd/weak-cluster-token node1 node1/etc/etcd.env:10']);
  });
});

describe('a kubespray cluster with planted defects', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const { etcdCa } = await writeKubesprayCluster(tree, pki);
    const [node1, node2, node3] = KUBESPRAY_SPEC.controlPlanes;
    tree.write('node2', '/etc/etcd.env', etcdEnv(node2, KUBESPRAY_SPEC.controlPlanes, { ETCD_PEER_CLIENT_CERT_AUTH: 'false' }), 0o600);
    tree.write('node1', '/etc/kubernetes/manifests/kube-apiserver.yaml', kubesprayApiserver(KUBESPRAY_SPEC, node1, `https://${node2.ip}:2379`), 0o600);
    const member = await pki.leaf(etcdCa, 'etcd-member-node3', { dnsNames: ['node3', 'localhost'], ipAddresses: ['127.0.0.1'], usages: ['serverAuth', 'clientAuth'] });
    tree.write('node3', '/etc/ssl/etcd/ssl/member-node3.pem', member.certPem, 0o644);
    tree.write('node3', '/etc/ssl/etcd/ssl/member-node3-key.pem', member.keyPem, 0o600);
    tree.writeSnapshotManifests();
    void node3;
  });
  afterAll(() => tree.cleanup());

  /** The 1-based line of a text's first line that holds `needle`. */
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

  it('reports each defect at its file and line', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([
      `etcd/single-endpoint node1 node1/etc/kubernetes/manifests/kube-apiserver.yaml:${lineOf(tree.read('node1', '/etc/kubernetes/manifests/kube-apiserver.yaml'), '--etcd-servers=')}`,
      'etcd/no-client-cert-auth node2 node2/etc/etcd.env:27',
      // one certificate serves clients and peers: one finding naming both needs
      'pki/missing-san node3 node3/etc/ssl/etcd/ssl/member-node3.pem:1',
    ]);
    expect(findings.find((f) => f.ruleId === 'etcd/no-client-cert-auth')!.message).toContain('peers are not authenticated');
  });

  it('fixes the env file, the static pod and the certificate; a new scan shows none of them', async () => {
    const after = await fixAndRescan(tree.dir, scanPaths([tree.dir]));
    expect(lines(serious(after))).toEqual([]);
    expect(tree.read('node2', '/etc/etcd.env')).toContain('ETCD_PEER_CLIENT_CERT_AUTH=true\n');
  });
});
