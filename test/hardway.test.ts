import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHardWayCluster } from './support/hardway.js';
import { PkiFactory } from './support/pki.js';
import { scanPaths, summarize } from './support/scan.js';
import { TreeWriter } from './support/tree.js';

describe('kubernetes-the-hard-way, as its guide builds it', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeHardWayCluster(tree, new PkiFactory());
  });
  afterAll(() => tree.cleanup());

  it('reads every component', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    const kinds = (kind: string) => cluster.components.filter((c) => c.kind === kind).map((c) => c.host);
    expect(kinds('etcd')).toEqual(['controller-0', 'controller-1', 'controller-2']);
    expect(kinds('kubelet')).toEqual(['worker-0', 'worker-1', 'worker-2']);
    expect(kinds('kube-proxy')).toEqual(['worker-0', 'worker-1', 'worker-2']);
  });

  it('reports what is really wrong with it, and nothing else', () => {
    const { findings } = scanPaths([tree.dir]);
    const perController = (rule: string, file: string) => [0, 1, 2].map((i) => `${rule} controller-${i} controller-${i}/${file}`);
    const perWorker = (rule: string, file: string) => [0, 1, 2].map((i) => `${rule} worker-${i} worker-${i}/${file}`);
    const expected = [
      // kubernetes.pem serves both the apiserver and etcd, on every controller.
      'pki/shared-keypair controller-0 controller-0/etc/etcd/kubernetes.pem:1',
      // etcd trusts the cluster CA: every kubelet certificate can read etcd.
      ...perController('pki/shared-ca', 'etc/systemd/system/etcd.service:13'),
      // "etcd-cluster-0" is 14 characters.
      'etcd/weak-cluster-token controller-0 controller-0/etc/systemd/system/etcd.service:21',
      // --anonymous-auth is left at its default, true.
      ...perController('auth/anonymous-auth', 'etc/systemd/system/kube-apiserver.service:6'),
      // Controllers run no kube-proxy and have no route to 10.32.0.0/24.
      ...perController('network/missing-service-route', 'proc/net/route:2'),
      // kind: EncryptionConfig, apiVersion: v1.
      ...perController('encryption/legacy-config', 'var/lib/kubernetes/encryption-config.yaml:1'),
      // The guide's hostnames read kubernetes.svc.cluster.local for kubernetes.default.svc.cluster.local.
      ...perController('pki/missing-san', 'var/lib/kubernetes/kubernetes.pem:1'),
      // 10-bridge.conf is loaded: a single plugin, no portmap, so no hostPort.
      ...perWorker('cni/no-portmap', 'etc/cni/net.d/10-bridge.conf:1'),
      // Kubelets run on static certificates with no rotation.
      ...perWorker('bootstrap/tls-bootstrap', 'etc/systemd/system/kubelet.service:6'),
    ];
    const sortKey = (line: string) => line.split(' ').slice(1).join(' ') + line.split(' ')[0];
    expect([...summarize(findings)].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual([...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
    expect(findings.find((f) => f.ruleId === 'pki/missing-san')?.message).toContain('lacks kubernetes.default.svc.cluster.local');

    // What is right with it, and must stay quiet: TLS everywhere, client certificate auth,
    // one consistent etcd membership of three, RBAC, aescbc first with a 32-byte key,
    // every chain verifying, 1.21 flags on 1.21 binaries, agreeing networks.
    const quiet = [
      'pki/untrusted-chain', 'pki/key-mismatch', 'pki/wrong-usage', 'pki/missing-file', 'pki/cert-expired', 'pki/weak-key', 'pki/key-permissions',
      'etcd/even-members', 'etcd/inconsistent-membership', 'etcd/plaintext-urls', 'etcd/no-client-cert-auth', 'etcd/single-endpoint',
      'apiserver/master-count-reconciler', 'apiserver/no-encryption-at-rest', 'encryption/no-aescbc-provider', 'encryption/weak-key',
      'auth/insecure-authorization', 'auth/static-credentials', 'auth/no-user-authn', 'cni/invalid-config', 'cni/shadowed-config',
      'network/cidr-conflict', 'upgrade/version-skew', 'upgrade/removed-flag',
    ];
    expect(findings.filter((f) => quiet.includes(f.ruleId))).toEqual([]);
  });

  it('reports the kubelet flags that 1.24 and 1.27 removed once the workers run 1.27', () => {
    for (const i of [0, 1, 2]) tree.write(`worker-${i}`, '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: '1.27.0', 'kube-proxy': '1.21.0' } }));
    const { findings } = scanPaths([tree.dir], { rules: ['upgrade/removed-flag', 'upgrade/version-skew'] });
    expect(summarize(findings).filter((f) => f.includes('worker-0'))).toEqual([
      'upgrade/version-skew worker-0 worker-0/.kaudit-snapshot.json:1', // a kubelet newer than its apiservers
      'upgrade/removed-flag worker-0 worker-0/etc/systemd/system/kubelet.service:8', // --container-runtime (1.27)
      'upgrade/removed-flag worker-0 worker-0/etc/systemd/system/kubelet.service:10', // --image-pull-progress-deadline (1.24)
      'upgrade/removed-flag worker-0 worker-0/etc/systemd/system/kubelet.service:12', // --network-plugin (1.24)
    ]);
  });
});
