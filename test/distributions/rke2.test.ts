/**
 * An RKE2 cluster (three servers, one agent) with the CIS profile of its hardening guide,
 * as its tarball install and first start leave it (test/support/rancher.ts names the
 * upstream files each part follows). Its static pods are generated at each start: what
 * runs, not what is defined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setting } from '../../src/model/cluster.js';
import { formatJson } from '../../src/reporters/json.js';
import { RULES } from '../../src/rules/index.js';
import { fixAndRescan, lines, serious } from '../support/distribution-check.js';
import { PkiFactory } from '../support/pki.js';
import { RKE2_SPEC, writeRancherCluster, type RancherCAs } from '../support/rancher.js';
import { scanPaths } from '../support/scan.js';
import { TreeWriter } from '../support/tree.js';

describe('an RKE2 cluster with the CIS profile', () => {
  let tree: TreeWriter;
  let cas: RancherCAs;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    cas = await writeRancherCluster(tree, new PkiFactory(), RKE2_SPEC);
  });
  afterAll(() => tree.cleanup());

  it('is read whole: the release from its data folder, one component per kind, its generated pods as what runs', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.diagnostics).toEqual([]);
    expect(cluster.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.version} ${h.distribution?.role}`)).toEqual([
      'rke2-agent-1: rke2 v1.31.4+rke2r1 agent',
      'rke2-server-1: rke2 v1.31.4+rke2r1 server',
      'rke2-server-2: rke2 v1.31.4+rke2r1 server',
      'rke2-server-3: rke2 v1.31.4+rke2r1 server',
    ]);
    for (const host of ['rke2-server-1', 'rke2-server-2', 'rke2-server-3']) {
      expect(cluster.components.filter((c) => c.host === host).map((c) => c.kind)).toEqual(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy']);
    }
    const apiserver = cluster.components.find((c) => c.host === 'rke2-server-1' && c.kind === 'kube-apiserver')!;
    expect(apiserver).toMatchObject({ source: 'distribution', version: '1.31.4', running: { source: 'generated', at: { file: 'rke2-server-1/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml' } } });
    // The CIS profile's flags: the operator's explicit one, and those RKE2 adds for the profile.
    expect(setting(apiserver, 'service-account-extend-token-expiration')).toMatchObject({ value: 'false', origin: 'flag', sourceKey: 'kube-apiserver-arg' });
    expect(setting(apiserver, 'audit-log-maxage')?.value).toBe('30');
    // RKE2 always encrypts Secrets (secrets-encryption is forced on).
    expect(setting(apiserver, 'encryption-provider-config')?.value).toBe('/var/lib/rancher/rke2/server/cred/encryption-config.json');
    expect(cluster.hosts[1].distribution!.settings.find((s) => s.name === 'token')).toMatchObject({ origin: 'config-file', secret: true, at: { file: 'rke2-server-1/etc/rancher/rke2/config.yaml', line: 3 } });
    expect(formatJson({ cluster, findings: [], rules: RULES, now: new Date(), toolVersion: 'test' })).not.toContain(cas.token);
  });

  it('gives no finding at warning or above', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([]);
    expect(lines(findings)).toEqual(['etcd/weak-cluster-token rke2-server-1 rke2-server-1/etc/rancher/rke2/config.yaml:1']);
  });
});

const AGENT_TOKEN = 'K10agentsecret0123456789abcdef::node:0123456789abcdef';

describe('an RKE2 cluster with planted defects', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const cas = await writeRancherCluster(tree, pki, RKE2_SPEC);
    // Added to config.yaml after the last start (with an agent token): the generated pod still runs without it.
    const config = tree.read('rke2-server-1', '/etc/rancher/rke2/config.yaml').replace('kube-apiserver-arg:', `agent-token: ${AGENT_TOKEN}\nkube-apiserver-arg:`);
    tree.write('rke2-server-1', '/etc/rancher/rke2/config.yaml', `${config}  - "anonymous-auth=true"\n`, 0o600);
    // server-2's etcd peer certificate was issued by the etcd server CA, which its peers do not trust for peers.
    const wrong = await pki.leaf(cas.etcdServerCa, 'etcd-peer', { dnsNames: ['localhost', 'rke2-server-2'], ipAddresses: ['127.0.0.1', '10.0.2.12'], usages: ['serverAuth', 'clientAuth'] });
    tree.write('rke2-server-2', '/var/lib/rancher/rke2/server/tls/etcd/peer-server-client.crt', wrong.certPem + cas.etcdServerCa.certPem, 0o644);
    tree.write('rke2-server-2', '/var/lib/rancher/rke2/server/tls/etcd/peer-server-client.key', wrong.keyPem, 0o600);
    // write-kubeconfig-mode: "0644" on server-3 (the docs' example), with the client key inside.
    tree.write('rke2-server-3', '/etc/rancher/rke2/rke2.yaml', tree.read('rke2-server-3', '/etc/rancher/rke2/rke2.yaml'), 0o644);
    // The agent's kubelet serving certificate expired (RKE2 renews it only when it starts).
    const serving = await pki.leaf(cas.serverCa, 'rke2-agent-1', { dnsNames: ['rke2-agent-1'], ipAddresses: ['10.0.2.21'], usages: ['serverAuth'], validFromDays: -400, validForDays: -5 });
    tree.write('rke2-agent-1', '/var/lib/rancher/rke2/agent/serving-kubelet.crt', serving.certPem + cas.serverCa.certPem, 0o644);
    tree.write('rke2-agent-1', '/var/lib/rancher/rke2/agent/serving-kubelet.key', serving.keyPem, 0o600);
    tree.writeSnapshotManifests();
  });
  afterAll(() => tree.cleanup());

  it('reports each defect at its file and line, and the restart the new config waits for', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(findings.filter((f) => f.ruleId !== 'etcd/weak-cluster-token'))).toEqual([
      'pki/cert-expired rke2-agent-1 rke2-agent-1/var/lib/rancher/rke2/agent/serving-kubelet.crt:1',
      // the kube-apiserver-arg item, and the note that the generated pod still runs without it
      'component/restart-pending rke2-server-1 rke2-server-1/etc/rancher/rke2/config.yaml:1',
      'auth/anonymous-auth rke2-server-1 rke2-server-1/etc/rancher/rke2/config.yaml:10',
      // where etcd's peer certificate is named: the config file RKE2 wrote for etcd
      'pki/untrusted-chain rke2-server-2 rke2-server-2/var/lib/rancher/rke2/server/db/etcd/config:23',
      'pki/key-permissions rke2-server-3 rke2-server-3/etc/rancher/rke2/rke2.yaml:19',
    ]);
    const pending = findings.find((f) => f.ruleId === 'component/restart-pending')!;
    expect(pending.message).toBe('kube-apiserver on rke2-server-1 needs a restart: what its distribution generated at the last start differs from its definition (--anonymous-auth runs as false, set to true)');
    expect(pending.related.map((r) => `${r.file}:${r.line}`)).toEqual(['rke2-server-1/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml:1', 'rke2-server-1/etc/rancher/rke2/config.yaml:10']);
  });

  it('fixes the definition (config.yaml), never the generated pod; the next scan shows neither the finding nor a pending restart', async () => {
    const scan = scanPaths([tree.dir]);
    // The dry run's diff of config.yaml shows the agent token beside the change only masked.
    const { planFixes } = await import('../../src/fixers/index.js');
    const { renderChanges } = await import('../../src/fixers/render.js');
    const dryRun = renderChanges(await planFixes(scan.cluster, scan.findings.filter((f) => f.ruleId === 'auth/anonymous-auth'), { now: new Date() }));
    expect(dryRun).toContain('+  - "anonymous-auth=false"');
    expect(dryRun).toContain(' agent-token: *****');
    expect(dryRun).not.toContain(AGENT_TOKEN);
    const pod = tree.read('rke2-server-1', '/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml');
    const after = await fixAndRescan(tree.dir, scan, ['auth/anonymous-auth', 'pki/key-permissions']);
    expect(tree.read('rke2-server-1', '/etc/rancher/rke2/config.yaml')).toContain('  - "anonymous-auth=false"\n');
    expect(tree.read('rke2-server-1', '/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml')).toBe(pod);
    expect(lines(after).filter((l) => /anonymous-auth|key-permissions|restart-pending/.test(l))).toEqual([]);
  });
});
