/**
 * A kOps cluster (three control planes, one node) as nodeup writes it, its etcd started by
 * etcd-manager (test/support/kops.ts names the upstream golden files each part follows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setting } from '../../src/model/cluster.js';
import { formatJson } from '../../src/reporters/json.js';
import { RULES } from '../../src/rules/index.js';
import { fixAndRescan, lines, serious } from '../support/distribution-check.js';
import { KOPS_CONTROL_PLANES, etcdManagerPod, kopsPod, apiserverFlags, writeEtcdProcesses, writeKopsCluster } from '../support/kops.js';
import { PkiFactory } from '../support/pki.js';
import { scanPaths } from '../support/scan.js';
import { TreeWriter } from '../support/tree.js';

describe('a kOps cluster, scanned from its files', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeKopsCluster(tree, new PkiFactory());
  });
  afterAll(() => tree.cleanup());

  it('reads the *.manifest static pods started by go-runner, and etcd from etcd-manager with its documented defaults', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    expect(cluster.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.version} ${h.distribution?.role}`)).toEqual([
      'i-0a1: kops v1.33.0 control-plane',
      'i-0b2: kops v1.33.0 control-plane',
      'i-0c3: kops v1.33.0 control-plane',
      'i-0d4: kops v1.33.0 worker',
    ]);
    const apiserver = cluster.components.find((c) => c.host === 'i-0a1' && c.kind === 'kube-apiserver')!;
    // go-runner's own flags are not the apiserver's.
    expect(setting(apiserver, 'log-file')).toBeUndefined();
    expect(setting(apiserver, 'anonymous-auth')).toMatchObject({ value: 'false', at: { file: 'i-0a1/etc/kubernetes/manifests/kube-apiserver.manifest', line: 15 } });
    const etcds = cluster.components.filter((c) => c.host === 'i-0a1' && c.kind === 'etcd');
    expect(etcds.map((e) => e.definedAt.file)).toEqual(['i-0a1/etc/kubernetes/manifests/etcd-manager-events.manifest', 'i-0a1/etc/kubernetes/manifests/etcd-manager-main.manifest']);
    expect(setting(etcds[1], 'peer-client-cert-auth')).toMatchObject({ value: 'true', origin: 'distribution-default', sourceKey: 'https://github.com/kubernetes-sigs/etcd-manager/blob/12a1729b11c8d483849dc9639dc36a746423ace3/pkg/etcd/etcdprocess.go' });
    // What etcd-manager generates at start is said once per etcd, not guessed.
    expect(cluster.unknowns.map((u) => u.what.split(':')[0])).toEqual([
      'etcd of etcd-manager-events.manifest on i-0a1',
      'etcd of etcd-manager-main.manifest on i-0a1',
      'etcd of etcd-manager-events.manifest on i-0b2',
      'etcd of etcd-manager-main.manifest on i-0b2',
      'etcd of etcd-manager-events.manifest on i-0c3',
      'etcd of etcd-manager-main.manifest on i-0c3',
    ]);
    expect(cluster.unknowns[0].affects).toContain('etcd/inconsistent-membership');
  });

  it('gives no finding: etcd membership it cannot see is unknown, not a one-member cluster', () => {
    expect(lines(scanPaths([tree.dir]).findings)).toEqual([]);
  });
});

describe('a kOps control plane with a snapshot of its processes', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const cas = await writeKopsCluster(tree, pki);
    await writeEtcdProcesses(tree, pki, cas, KOPS_CONTROL_PLANES[0], { main: 3101, events: 3102 });
  });
  afterAll(() => tree.cleanup());

  it("reads etcd's settings from the ETCD_* variables of each etcd process, each to its own etcd-manager, and nothing else of the environment", () => {
    const { cluster, findings } = scanPaths([tree.dir]);
    const etcds = cluster.components.filter((c) => c.host === 'i-0a1' && c.kind === 'etcd');
    expect(etcds.map((e) => [e.definedAt.file.split('/').pop(), e.running?.at.file, e.version, setting(e, 'listen-client-urls')?.value])).toEqual([
      ['etcd-manager-events.manifest', 'i-0a1/proc/3102/cmdline', '3.5.21', 'https://0.0.0.0:4002'],
      ['etcd-manager-main.manifest', 'i-0a1/proc/3101/cmdline', '3.5.21', 'https://0.0.0.0:4001'],
    ]);
    expect(setting(etcds[1], 'cert-file')).toMatchObject({ origin: 'env', sourceKey: 'ETCD_CERT_FILE', at: { file: 'i-0a1/proc/3101/environ' } });
    // The path etcd sees under /rootfs is the host's own.
    expect(cluster.referenceOf(etcds[1], 'cert-file')).toMatchObject({ exists: true, hostPath: expect.stringMatching(/^\/mnt\/master-vol-\w+\/main\/pki\/etcd-cluster-token-\w+\/clients\/server\.crt$/) });
    expect(cluster.unknowns.some((u) => u.what.includes('on i-0a1'))).toBe(false);
    expect(lines(findings)).toEqual([]);
    const json = formatJson({ cluster, findings, rules: RULES, now: new Date(), toolVersion: 'test' });
    expect(json).not.toContain('do-not-read-me');
    expect(json).not.toContain('AWS_');
  });
});

describe('a kOps cluster with planted defects', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const cas = await writeKopsCluster(tree, pki);
    tree.write('i-0b2', '/etc/kubernetes/manifests/kube-apiserver.manifest', kopsPod('kube-apiserver', apiserverFlags().map((f) => (f === '--anonymous-auth=false' ? '--anonymous-auth=true' : f)), [['srvkca', '/srv/kubernetes/ca.crt'], ['srvkapi', '/srv/kubernetes/kube-apiserver'], ['etcssl', '/etc/ssl']]));
    // The cluster spec's etcdClusters[].manager.env reaches etcd through etcd-manager's pod.
    tree.write('i-0c3', '/etc/kubernetes/manifests/etcd-manager-main.manifest', etcdManagerPod('main', [['ETCD_PEER_CLIENT_CERT_AUTH', 'false']]));
    tree.write('i-0a1', '/srv/kubernetes/kube-apiserver/server.key', tree.read('i-0a1', '/srv/kubernetes/kube-apiserver/server.key'), 0o644);
    const expired = await pki.leaf(cas.ca, 'i-0d4', { dnsNames: ['i-0d4'], usages: ['serverAuth'], validFromDays: -400, validForDays: -3 });
    tree.write('i-0d4', '/srv/kubernetes/kubelet-server.crt', expired.certPem, 0o644);
    tree.write('i-0d4', '/srv/kubernetes/kubelet-server.key', expired.keyPem, 0o600);
    tree.writeSnapshotManifests();
  });
  afterAll(() => tree.cleanup());

  it('reports each defect at its file and line', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(findings)).toEqual([
      'pki/key-permissions i-0a1 i-0a1/srv/kubernetes/kube-apiserver/server.key:1',
      'auth/anonymous-auth i-0b2 i-0b2/etc/kubernetes/manifests/kube-apiserver.manifest:15',
      'etcd/no-client-cert-auth i-0c3 i-0c3/etc/kubernetes/manifests/etcd-manager-main.manifest:31',
      'pki/cert-expired i-0d4 i-0d4/srv/kubernetes/kubelet-server.crt:1',
    ]);
    expect(findings[2].message).toBe('etcd on i-0c3: --peer-client-cert-auth=false; peers are not authenticated: any host that reaches the peer port can join the cluster or read its replication traffic');
  });

  it('fixes the static pod and the key; etcd-manager, rendered from the cluster spec, gets a plan', async () => {
    const scan = scanPaths([tree.dir]);
    const after = await fixAndRescan(tree.dir, scan, ['auth/anonymous-auth', 'pki/key-permissions']);
    expect(lines(after).filter((l) => /anonymous-auth|key-permissions/.test(l))).toEqual([]);
    const { planFixes } = await import('../../src/fixers/index.js');
    const plan = await planFixes(scan.cluster, scan.findings.filter((f) => f.ruleId === 'etcd/no-client-cert-auth'), { now: new Date() });
    expect(plan.edits.size).toBe(0);
    expect(plan.plan.map((p) => p.commands[0])).toEqual(['kops edit cluster   # spec.etcdClusters[].manager.env:']);
  });
});
