import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, writeKubeadmCluster } from './support/kubeadm.js';
import { PkiFactory } from './support/pki.js';
import { scanPaths, summarize } from './support/scan.js';
import { TreeWriter } from './support/tree.js';

describe('a healthy, hardened kubeadm HA cluster', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeKubeadmCluster(tree, new PkiFactory(), { ...DEFAULT_SPEC, hardened: true });
  });
  afterAll(() => tree.cleanup());

  it('gives no finding and no warning', () => {
    const { cluster, findings } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    expect(summarize(findings)).toEqual([]);
    expect(cluster.hosts.map((h) => h.name)).toEqual(['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2']);
    expect(cluster.componentsOf('etcd')).toHaveLength(3);
    expect(cluster.componentsOf('kubelet')).toHaveLength(5);
  });
});
