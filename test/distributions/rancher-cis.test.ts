/**
 * k3s and RKE2 servers and agents judged with `--benchmark cis`, as their own CIS guides
 * judge them: the hardened clusters of the hardening guides give no FAIL; a subject the
 * distribution does not have is N/A with its reason; a control only a default satisfies
 * passes with that default, cited; planted defects FAIL the right controls at the line of
 * config.yaml (or its drop-in) where the setting is written, or where a missing one belongs;
 * and fixes written where the distribution reads pass on the next scan.
 *
 * The expected statuses are the distributions' own (not kaudit's tables):
 * - k3s: https://docs.k3s.io/security/self-assessment-1.12 (k3s-io/docs
 *   docs/security/self-assessment-1.12.md at 18ee0839809e3d8b6ef3d4af18b65f01bbfecdb1) and
 *   kube-bench cfg/k3s-cis-1.9 (aquasecurity/kube-bench a73ce378: its `type: skip` controls);
 * - RKE2: https://docs.rke2.io/security/cis_self_assessment112 (rancher/rke2-docs
 *   docs/security/cis_self_assessment112.md at 9477b7b1df1f0bd431cdabbb39fbdcd21cb82602).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlResult } from '../../src/compliance/types.js';
import { planFixes } from '../../src/fixers/index.js';
import { writeChanges } from '../../src/fixers/writer.js';
import { scan } from '../../src/pipeline/scan.js';
import type { ScanResult } from '../../src/reporters/result.js';
import { kaudit } from '../support/cli.js';
import { PkiFactory } from '../support/pki.js';
import { K3S_SPEC, RKE2_SPEC, dataDir, writeRancherCluster, type RancherSpec } from '../support/rancher.js';
import { TreeWriter } from '../support/tree.js';

const now = new Date();
const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));

/** v1.33 releases: their guides are the CIS 1.12 ones, and the benchmark follows the version. */
const K3S: RancherSpec = { ...K3S_SPEC, version: 'v1.33.1+k3s1', nodes: [K3S_SPEC.nodes[0], K3S_SPEC.nodes[3]] };
const RKE2: RancherSpec = { ...RKE2_SPEC, version: 'v1.33.1+rke2r1', nodes: [RKE2_SPEC.nodes[0], RKE2_SPEC.nodes[3]] };

/** A cluster whose snapshots record owners as `kaudit collect` on the nodes would: root's, and etcd's data folder under RKE2's CIS profile. */
async function cluster(spec: RancherSpec, plant?: (tree: TreeWriter) => void): Promise<TreeWriter> {
  const tree = TreeWriter.temp('kaudit-rancher-cis-');
  trees.push(tree);
  await writeRancherCluster(tree, new PkiFactory(), spec);
  for (const node of spec.nodes) tree.ownAll(node.name, 'root:root');
  if (spec.program === 'rke2') for (const node of spec.nodes.filter((n) => n.role === 'server')) tree.setOwner(node.name, `${dataDir('rke2')}/server/db/etcd`, 'etcd:etcd');
  plant?.(tree);
  tree.writeSnapshotManifests();
  return tree;
}

function judge(tree: TreeWriter): Promise<ScanResult> {
  return scan([tree.dir], { now, rule: [], disable: [], benchmark: 'cis' }, 'test');
}

/** Statuses of the controls with a test (sections 1–4) on one host. */
function statuses(result: ScanResult, host: string): Map<string, string> {
  return new Map(result.compliance!.results.filter((r) => r.host === host && r.control.check.template !== 'manual').map((r) => [r.control.id, r.status]));
}

/** Every control of sections 1–4 the host's node types run PASS, but those named. */
function expected(result: ScanResult, host: string, others: Record<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of statuses(result, host).keys()) out.set(id, 'PASS');
  for (const [status, ids] of Object.entries(others)) for (const id of ids) out.set(id, status);
  return out;
}

/** The manual controls the guides leave to the operator, which warn on the hardened clusters too. */
const K3S_WARN = ['1.2.3', '1.2.11', '4.2.13', '4.2.14'];
const RKE2_WARN = ['1.2.3', '1.2.9', '1.2.11', '4.2.12', '4.2.13', '4.2.14'];

/** "host id STATUS file:line" of each failing control (but the guide's own WARNs), at each finding that reports it. */
function failures(result: ScanResult, guideWarns: string[]): string[] {
  const byPrint = new Map(result.findings.map((f) => [f.fingerprint, f]));
  return result.compliance!.results
    .filter((r) => r.failed && r.host !== 'kubernetes' && !(r.status === 'WARN' && guideWarns.includes(r.control.id)))
    .flatMap((r) => r.findings.map((print) => byPrint.get(print)!).map((f) => `${r.host} ${r.control.id} ${r.status} ${f.at.file}:${f.at.line ?? ''}`))
    .sort();
}

function result(r: ScanResult, host: string, id: string): ControlResult {
  return r.compliance!.results.find((x) => x.host === host && x.control.id === id)!;
}

/** The controls rules-docs/cis/distributions.md says the distribution's defaults satisfy, with the flags it names. */
function satisfiedByDefault(program: 'k3s' | 'RKE2'): Array<{ id: string; flags: string[] }> {
  const page = fs.readFileSync('rules-docs/cis/distributions.md', 'utf8');
  const start = page.indexOf(`## ${program}\n`);
  const section = page.slice(start, page.indexOf('\n## ', start + 1));
  return section
    .split('\n')
    .filter((line) => /\| satisfied by its default/.test(line))
    .map((line) => ({ id: line.split('|')[1].trim(), flags: [...line.matchAll(/`--([a-z-]+)=/g)].map((m) => m[1]) }))
    .filter((row) => row.flags.length > 0);
}

describe.each([
  {
    spec: K3S,
    title: 'k3s',
    server: 'k3s-server-1',
    agent: 'k3s-agent-1',
    // The self-assessment's Not Applicable (kube-bench k3s-cis-1.9 skips the same); its WARNs on
    // the manual controls the hardening guide leaves to the operator. The guide's config.yaml sets
    // the kubelet's ciphers, so 4.2.12 passes here where the assessed cluster warned.
    serverOthers: { 'N/A': ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.12', '4.1.1', '4.1.2', '4.2.7'], WARN: K3S_WARN },
    agentOthers: { 'N/A': ['4.1.1', '4.1.2', '4.2.7'], WARN: ['4.2.13', '4.2.14'] },
  },
  {
    spec: RKE2,
    title: 'RKE2',
    server: 'rke2-server-1',
    agent: 'rke2-agent-1',
    // The self-assessment's Not Applicable and WARN, but 4.1.9 and 4.1.10: kaudit judges the
    // KubeletConfiguration drop-in RKE2 writes (rules-docs/cis/distributions.md says why), and
    // 1.1.9 (WARN there): this cluster's CNI files are 0600.
    serverOthers: { 'N/A': ['4.1.1', '4.1.2', '4.2.7'], WARN: RKE2_WARN },
    agentOthers: { 'N/A': ['4.1.1', '4.1.2', '4.2.7'], WARN: ['4.2.12', '4.2.13', '4.2.14'] },
  },
])('a hardened $title server and agent with --benchmark cis', ({ spec, title, server, agent, serverOthers, agentOthers }) => {
  let judged: ScanResult;
  beforeAll(async () => {
    judged = await judge(await cluster(spec));
  });

  it('are judged against CIS 1.12, chosen from the release, and give no FAIL', () => {
    expect(judged.compliance!.benchmark.id).toBe('cis-1.12');
    expect(judged.cluster.diagnostics).toEqual([]);
    expect(judged.compliance!.totals.FAIL).toBe(0);
    expect(judged.compliance!.results.filter((r) => r.host !== 'kubernetes' && r.status === 'UNKNOWN').map((r) => `${r.host} ${r.control.id}: ${r.reason}`)).toEqual([]);
  });

  it("get the statuses of the distribution's own CIS guide, control by control", () => {
    expect(Object.fromEntries(statuses(judged, server))).toEqual(Object.fromEntries(expected(judged, server, serverOthers)));
    expect(Object.fromEntries(statuses(judged, agent))).toEqual(Object.fromEntries(expected(judged, agent, agentOthers)));
    // An agent runs no control plane: sections 1–3 do not apply to it.
    expect([...statuses(judged, agent).keys()].every((id) => id.startsWith('4.'))).toBe(true);
  });

  it('say why a subject the distribution does not have is not applicable', () => {
    for (const host of [server, agent]) expect(result(judged, host, '4.1.1').reason).toMatch(new RegExp(`^the kubelet is (embedded in|started by) the ${spec.program === 'k3s' ? 'k3s' : 'RKE2'} process: there is no kubelet service file`));
    expect(result(judged, agent, '4.2.7').reason).toContain('always passes --hostname-override');
    if (spec.program === 'k3s') {
      expect(result(judged, server, '1.1.1').reason).toContain('k3s runs the API server, controller manager, scheduler and etcd inside its own process: there is no pod specification file (https://docs.k3s.io/security/self-assessment-1.12');
      expect(result(judged, server, '1.1.12').reason).toContain('there is no etcd user');
    } else {
      // RKE2's pod specifications are the manifests it generates at each start.
      expect(result(judged, server, '1.1.1')).toMatchObject({ status: 'PASS', source: { key: '/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml', value: '0600' } });
      expect(result(judged, server, '1.1.12')).toMatchObject({ status: 'PASS', source: { key: '/var/lib/rancher/rke2/server/db/etcd', value: 'etcd:etcd' } });
    }
    expect(result(judged, server, '1.1.13').reason).toBe('2 files, all with mode 0600 or stricter');
    expect(result(judged, server, '1.1.9').status).toBe('PASS');
  });

  it(`passes the controls ${title}'s defaults satisfy with that default as evidence, cited, as rules-docs/cis/distributions.md says`, () => {
    const rows = satisfiedByDefault(title as 'k3s' | 'RKE2');
    expect(rows.length).toBeGreaterThan(25);
    let byDefault = 0;
    for (const { id, flags } of rows) {
      const r = result(judged, id.startsWith('4.') ? agent : server, id);
      expect(r.status, `${id}: ${r.reason}`).toBe('PASS');
      if (r.source?.origin === 'distribution-default') {
        byDefault++;
        expect(flags).toContain(r.source.key!.replace(/^--/, ''));
        expect(r.reason, id).toMatch(/\(distribution default, https:\/\/(docs\.k3s\.io|docs\.rke2\.io|github\.com\/rancher\/rke2)\//);
      } else {
        // Only where the operator's config.yaml states it again (the hardening guide's admission plugins).
        expect(r.source, `${id}: ${r.reason}`).toMatchObject({ origin: expect.stringMatching(/^(flag|config-file)$/) });
      }
    }
    expect(byDefault).toBeGreaterThan(20);
    // RKE2's profiling=false, located where RKE2 generated it, and k3s's encryption with secrets-encryption set.
    const profiling = result(judged, server, '1.2.15');
    expect(profiling.source).toMatchObject({ origin: 'distribution-default', key: '--profiling', value: 'false' });
    if (spec.program === 'rke2') expect(profiling.source!.at!.file).toBe('rke2-server-1/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml');
    else {
      // Located at the option that brings it, which the operator set.
      const encryption = result(judged, server, '1.2.27');
      expect(encryption.reason).toBe('--encryption-provider-config=/var/lib/rancher/k3s/server/cred/encryption-config.json (distribution default, https://docs.k3s.io/security/self-assessment-1.12; with secrets-encryption: true)');
      expect(encryption.source!.at).toMatchObject({ file: 'k3s-server-1/etc/rancher/k3s/config.yaml', line: 7 });
    }
    if (spec.program === 'rke2') expect(result(judged, server, '1.2.16').reason).toContain('; with profile: cis)');
  });
});

describe('a k3s server and agent with planted defects, with --benchmark cis', () => {
  let tree: TreeWriter;
  let before: ScanResult;
  beforeAll(async () => {
    tree = await cluster(K3S, (t) => {
      const server = 'k3s-server-1';
      // A debugging drop-in appends to the apiserver's flags, over k3s's default.
      t.write(server, '/etc/rancher/k3s/config.yaml.d/90-debug.yaml', '# profiling for a support case, 2025-04\nkube-apiserver-arg+:\n  - "profiling=true"\n', 0o600);
      // secrets-encryption left out of config.yaml: the apiserver gets no encryption config.
      t.write(server, '/etc/rancher/k3s/config.yaml', t.read(server, '/etc/rancher/k3s/config.yaml').replace('secrets-encryption: true\n', ''), 0o600);
      // The admin kubeconfig copied to a user, and etcd's data folder opened.
      t.setOwner(server, '/var/lib/rancher/k3s/server/cred/admin.kubeconfig', 'ubuntu:ubuntu');
      t.setMode(server, '/var/lib/rancher/k3s/server/db/etcd', 0o755);
      // The agent's kubelet: the read-only port back, iptables chains off, its kubeconfig world-readable.
      const agent = 'k3s-agent-1';
      const config = t.read(agent, '/etc/rancher/k3s/config.yaml').replace("'make-iptables-util-chains=true'", "'make-iptables-util-chains=false'");
      t.write(agent, '/etc/rancher/k3s/config.yaml', `${config}  - 'read-only-port=10255'\n`, 0o600);
      t.write(agent, '/var/lib/rancher/k3s/agent/kubelet.kubeconfig', t.read(agent, '/var/lib/rancher/k3s/agent/kubelet.kubeconfig'), 0o644);
    });
    before = await judge(tree);
  });

  it('fails the right controls at the line where the setting is written, or where a missing one belongs', () => {
    expect(failures(before, K3S_WARN)).toEqual([
      'k3s-agent-1 4.1.5 FAIL k3s-agent-1/var/lib/rancher/k3s/agent/kubelet.kubeconfig:',
      // kubelet-arg: the new last item, and the item that turns the chains off
      'k3s-agent-1 4.2.4 WARN k3s-agent-1/etc/rancher/k3s/config.yaml:9',
      'k3s-agent-1 4.2.6 FAIL k3s-agent-1/etc/rancher/k3s/config.yaml:7',
      'k3s-server-1 1.1.11 FAIL k3s-server-1/var/lib/rancher/k3s/server/db/etcd:',
      'k3s-server-1 1.1.14 FAIL k3s-server-1/var/lib/rancher/k3s/server/cred/admin.kubeconfig:',
      // the drop-in's list item, which wins over k3s's --profiling=false
      'k3s-server-1 1.2.15 FAIL k3s-server-1/etc/rancher/k3s/config.yaml.d/90-debug.yaml:3',
      // secrets-encryption is missing: where the apiserver's flags are last written (the drop-in's kube-apiserver-arg+)
      'k3s-server-1 1.2.27 WARN k3s-server-1/etc/rancher/k3s/config.yaml.d/90-debug.yaml:2',
      'k3s-server-1 1.2.28 WARN k3s-server-1/etc/rancher/k3s/config.yaml.d/90-debug.yaml:2',
    ]);
    expect(result(before, 'k3s-server-1', '1.2.15').reason).toBe('--profiling=true; wants --profiling=false');
    // Still not applicable, defects or not.
    expect(result(before, 'k3s-server-1', '1.1.12').status).toBe('N/A');
  });

  it('writes the fixes where k3s reads them, never in what it generates; a new scan passes the written controls', async () => {
    const generated = ['/var/lib/rancher/k3s/server/db/etcd/config', '/var/lib/rancher/k3s/agent/etc/kubelet.conf.d/00-k3s-defaults.conf'].map((p) => [p, tree.read('k3s-server-1', p)]);
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(changes.conflicts).toEqual([]);
    expect(writeChanges(changes, { now }).error).toBeUndefined();
    const after = await judge(tree);
    const written = ['1.2.15', '1.2.27', '1.2.28', '4.2.4', '4.2.6'];
    expect(failures(after, K3S_WARN).filter((line) => written.includes(line.split(' ')[1]))).toEqual([]);
    expect(tree.read('k3s-server-1', '/etc/rancher/k3s/config.yaml.d/90-debug.yaml')).toContain('"profiling=false"');
    expect(tree.read('k3s-server-1', '/etc/rancher/k3s/config.yaml')).toMatch(/\nsecrets-encryption: true\n$/);
    expect(tree.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml')).toContain("'make-iptables-util-chains=true'");
    expect(tree.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml')).toContain("'read-only-port=0'");
    for (const [p, text] of generated) expect(tree.read('k3s-server-1', p), p).toBe(text);
    // The owner of the admin kubeconfig is written, or planned with its real path.
    const chowned = !failures(after, K3S_WARN).some((line) => line.includes(' 1.1.14 '));
    expect(chowned || changes.plan.some((p) => p.commands.includes('chown root:root /var/lib/rancher/k3s/server/cred/admin.kubeconfig'))).toBe(true);
  });
});

describe('an RKE2 server and agent with planted defects, with --benchmark cis', () => {
  let tree: TreeWriter;
  let before: ScanResult;
  beforeAll(async () => {
    tree = await cluster(RKE2, (t) => {
      const server = 'rke2-server-1';
      // The CIS profile dropped from config.yaml since the last start, and anonymous requests let in.
      const config = t.read(server, '/etc/rancher/rke2/config.yaml').replace('profile: "cis"\n', '');
      t.write(server, '/etc/rancher/rke2/config.yaml', `${config}  - "anonymous-auth=true"\n`, 0o600);
      // etcd's data folder back to root (no etcd user), and a pod specification opened.
      t.setOwner(server, '/var/lib/rancher/rke2/server/db/etcd', 'root:root');
      t.write(server, '/var/lib/rancher/rke2/agent/pod-manifests/kube-scheduler.yaml', t.read(server, '/var/lib/rancher/rke2/agent/pod-manifests/kube-scheduler.yaml'), 0o644);
      // The agent's kubelet told not to rotate its certificates.
      t.write('rke2-agent-1', '/etc/rancher/rke2/config.yaml', `${t.read('rke2-agent-1', '/etc/rancher/rke2/config.yaml')}kubelet-arg:\n  - "rotate-certificates=false"\n`, 0o600);
    });
    before = await judge(tree);
  });

  it('fails the right controls at config.yaml, where RKE2 reads them, not at the manifests it generates', () => {
    expect(failures(before, RKE2_WARN)).toEqual([
      // the kubelet-arg item
      'rke2-agent-1 4.2.10 FAIL rke2-agent-1/etc/rancher/rke2/config.yaml:7',
      'rke2-server-1 1.1.12 FAIL rke2-server-1/var/lib/rancher/rke2/server/db/etcd:',
      'rke2-server-1 1.1.5 FAIL rke2-server-1/var/lib/rancher/rke2/agent/pod-manifests/kube-scheduler.yaml:',
      // the kube-apiserver-arg item
      'rke2-server-1 1.2.1 WARN rke2-server-1/etc/rancher/rke2/config.yaml:8',
      // without the profile, RKE2 will start the apiserver without an audit log: where its flags are written (kube-apiserver-arg)
      'rke2-server-1 1.2.16 FAIL rke2-server-1/etc/rancher/rke2/config.yaml:6',
      'rke2-server-1 1.2.17 FAIL rke2-server-1/etc/rancher/rke2/config.yaml:6',
      'rke2-server-1 1.2.18 FAIL rke2-server-1/etc/rancher/rke2/config.yaml:6',
      'rke2-server-1 1.2.19 FAIL rke2-server-1/etc/rancher/rke2/config.yaml:6',
      'rke2-server-1 3.2.1 WARN rke2-server-1/etc/rancher/rke2/config.yaml:6',
    ]);
    // What still runs from the last start is a pending restart, said once.
    const pending = before.findings.filter((f) => f.ruleId === 'component/restart-pending' && f.at.host === 'rke2-server-1');
    expect(pending.map((f) => f.message)).toEqual([expect.stringMatching(/^kube-apiserver on rke2-server-1 needs a restart: .*--audit-log-path=\/var\/lib\/rancher\/rke2\/server\/logs\/audit\.log runs but is no longer set/)]);
  });

  it('writes the flag fixes into config.yaml, never into the generated manifests; a new scan passes them', async () => {
    const pods = ['kube-apiserver', 'kube-scheduler', 'etcd'].map((name) => `/var/lib/rancher/rke2/agent/pod-manifests/${name}.yaml`);
    const generated = pods.map((p) => [p, tree.read('rke2-server-1', p)]);
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(changes.conflicts).toEqual([]);
    expect(writeChanges(changes, { now }).error).toBeUndefined();
    const after = await judge(tree);
    const written = ['1.2.1', '1.2.17', '1.2.18', '1.2.19', '4.2.10'];
    expect(failures(after, RKE2_WARN).filter((line) => written.includes(line.split(' ')[1]))).toEqual([]);
    const config = tree.read('rke2-server-1', '/etc/rancher/rke2/config.yaml');
    expect(config).toContain('  - "anonymous-auth=false"\n');
    expect(config).toContain('  - "audit-log-maxage=30"\n');
    expect(tree.read('rke2-agent-1', '/etc/rancher/rke2/config.yaml')).toContain('  - "rotate-certificates=true"');
    for (const [p, text] of generated) expect(tree.read('rke2-server-1', p), p).toBe(text);
    // The audit log needs a file (and, here, the profile back): written, or planned with the real names.
    const logged = !failures(after, RKE2_WARN).some((line) => line.includes(' 1.2.16 '));
    expect(logged || changes.plan.some((p) => p.title.includes('--audit-log-path') && p.title.includes('rke2-server-1'))).toBe(true);
  });
});

describe('kaudit fix --write --benchmark cis on a k3s agent, as a user runs it', () => {
  it('writes kubelet-arg entries into config.yaml, and the next scan --benchmark cis passes them', async () => {
    const tree = await cluster(K3S, (t) => {
      const config = t.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml').replace("'make-iptables-util-chains=true'", "'make-iptables-util-chains=false'");
      t.write('k3s-agent-1', '/etc/rancher/k3s/config.yaml', `${config}  - 'read-only-port=10255'\n`, 0o600);
    });
    const statusOf = (ids: string[]) => {
      const run = kaudit(['scan', tree.dir, '--benchmark', 'cis', '--format', 'json']);
      const report = JSON.parse(run.stdout) as { compliance: { results: Array<{ host: string; id: string; status: string; source: { file?: string; line?: number } | null }> } };
      return ids.map((id) => report.compliance.results.find((r) => r.host === 'k3s-agent-1' && r.id === id)!);
    };
    expect(statusOf(['4.2.4', '4.2.6']).map((r) => `${r.id} ${r.status} ${r.source?.file}:${r.source?.line}`)).toEqual([
      '4.2.4 WARN k3s-agent-1/etc/rancher/k3s/config.yaml:9',
      '4.2.6 FAIL k3s-agent-1/etc/rancher/k3s/config.yaml:7',
    ]);
    const fix = kaudit(['fix', tree.dir, '--write', '--benchmark', 'cis']);
    expect(fix.status, fix.stderr).toBe(0);
    expect(fix.stdout).toContain("+  - 'read-only-port=0'");
    expect(statusOf(['4.2.4', '4.2.6']).map((r) => `${r.id} ${r.status}`)).toEqual(['4.2.4 PASS', '4.2.6 PASS']);
    expect(tree.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml')).toContain("  - 'read-only-port=0'\n");
  });
});
