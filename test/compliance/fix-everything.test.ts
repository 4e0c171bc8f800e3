/**
 * `kaudit fix --write --benchmark cis` on a cluster that fails every automated control of
 * sections 1–4 (test/support/failing-cluster.ts), through the built CLI: the dry run says
 * each side effect beside its change, the write leaves every component able to start (no
 * static pod names a file it cannot open, no probe that anonymous auth off would break),
 * and a new scan passes every control but the plan-only ones, which the docs name with the
 * reason kaudit cannot write them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planOnlyReason, type Benchmark } from '../../src/benchmarks/types.js';
import { BENCHMARKS } from '../../src/benchmarks/index.js';
import { FILE_SETTINGS } from '../../src/collectors/references.js';
import { hostPathInPod } from '../../src/collectors/static-pod.js';
import { setting } from '../../src/model/cluster.js';
import { scan } from '../../src/pipeline/scan.js';
import { kaudit } from '../support/cli.js';
import { CONTROL_PLANE, ETCD_HOST, WORKER, writeFailingCluster } from '../support/failing-cluster.js';
import { hashTree, changedFiles } from '../support/files.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

/**
 * The controls a person must decide, written by hand from CIS's remediation texts: each
 * needs a certificate, a key or a CA to be chosen (or issued), or a value only the
 * workloads can tell, or would lock users out. Everything else must pass after the fix.
 */
const PLAN_ONLY_1_12 = ['1.2.2', '1.2.4', '1.2.5', '1.2.22', '1.2.23', '1.2.24', '1.2.25', '1.2.26', '1.3.4', '1.3.5', '2.1', '2.4', '2.7', '4.2.3', '4.2.7', '4.2.9', '4.2.13', '4.2.14'];
/** v1.11 adds 4.2.15 (IPAddressDeny=any on the kubelet's unit): its allow list depends on the networks. */
const PLAN_ONLY_1_11 = [...PLAN_ONLY_1_12, '4.2.15'];

/** What applies nowhere on these hosts (kube-proxy and its kubeconfig are on the worker only). */
const NOT_APPLICABLE = [`${CONTROL_PLANE} 4.1.3`, `${CONTROL_PLANE} 4.1.4`, `${CONTROL_PLANE} 4.3.1`];

interface Run {
  tree: TreeWriter;
  benchmark: Benchmark;
  dryRunText: string;
  dryRunJson: { changes: Array<{ file: string; action: string; sideEffects: string[] }>; manualSteps: Array<{ title: string; commands: string[] }> };
  before: Awaited<ReturnType<typeof scan>>;
  after: Awaited<ReturnType<typeof scan>>;
  writtenTree: Map<string, string>;
}

const runs: TreeWriter[] = [];
afterAll(() => runs.forEach((t) => t.cleanup()));

const judged = (benchmark: Benchmark) => benchmark.controls.filter((c) => c.node !== 'policies' && c.check.template !== 'manual');

describe.each([
  ['1.33.1', 'cis-1.12', PLAN_ONLY_1_12],
  ['1.31.4', 'cis-1.11', PLAN_ONLY_1_11],
])('kaudit fix --write --benchmark cis on a Kubernetes %s cluster that fails every control (%s)', (version, benchmarkId, planOnly) => {
  const run = {} as Run;
  beforeAll(async () => {
    run.tree = TreeWriter.temp('kaudit-fix-all-');
    runs.push(run.tree);
    await writeFailingCluster(run.tree, new PkiFactory(), version);
    const options = { now: new Date(), rule: [], disable: [], benchmark: 'cis' };
    run.before = await scan([run.tree.dir], options, 'test');
    run.benchmark = run.before.compliance!.benchmark;
    const dry = kaudit(['fix', run.tree.dir, '--benchmark', 'cis']);
    expect(dry.status, dry.stderr).toBe(0);
    run.dryRunText = dry.stdout;
    const json = kaudit(['fix', run.tree.dir, '--benchmark', 'cis', '--format', 'json']);
    run.dryRunJson = JSON.parse(json.stdout);
    const written = kaudit(['fix', run.tree.dir, '--benchmark', 'cis', '--write']);
    expect(written.status, `${written.stdout}\n${written.stderr}`).toBe(0);
    run.writtenTree = hashTree(run.tree.dir);
    run.after = await scan([run.tree.dir], options, 'test');
  }, 120_000);

  it(`picks ${benchmarkId} and fails every automated control of sections 1–4 on the hosts it applies to`, () => {
    expect(run.benchmark.id).toBe(benchmarkId);
    const results = run.before.compliance!.results.filter((r) => r.control.node !== 'policies' && r.control.check.template !== 'manual');
    const notFailing = results.filter((r) => !r.failed).map((r) => `${r.host} ${r.control.id}`);
    expect(notFailing.sort()).toEqual([...NOT_APPLICABLE].sort());
    const failedIds = new Set(results.filter((r) => r.failed).map((r) => r.control.id));
    expect(judged(run.benchmark).map((c) => c.id).filter((id) => !failedIds.has(id))).toEqual([]);
    expect(new Set(results.map((r) => r.host))).toEqual(new Set([CONTROL_PLANE, WORKER, ETCD_HOST]));
  });

  it('passes every control after the write but the plan-only ones, which the data and the docs name with their reason', () => {
    const open = run.after.compliance!.results.filter((r) => r.control.node !== 'policies' && r.control.check.template !== 'manual' && r.status !== 'PASS' && r.status !== 'N/A');
    expect(open.filter((r) => r.status === 'UNKNOWN').map((r) => `${r.host} ${r.control.id}: ${r.reason}`)).toEqual([]);
    expect([...new Set(open.map((r) => r.control.id))].sort()).toEqual([...planOnly].sort());
    // The hand-written list is the data's, and the generated page says why for each.
    expect(judged(run.benchmark).filter((c) => planOnlyReason(c)).map((c) => c.id).sort()).toEqual([...planOnly].sort());
    const page = fs.readFileSync('rules-docs/cis/controls.md', 'utf8');
    const section = page.slice(page.indexOf(`### Plan-only controls of ${benchmarkId}`));
    for (const id of planOnly) {
      const control = run.benchmark.controls.find((c) => c.id === id)!;
      expect(section, id).toContain(`- ${id} ${control.text}: ${planOnlyReason(control)}.`);
    }
  });

  it('leaves no static pod naming a file it cannot open, and no probe that anonymous auth off would break', () => {
    expect(run.after.findings.filter((f) => f.ruleId === 'pod/unmounted-file' || f.ruleId === 'pki/missing-file').map((f) => f.message)).toEqual([]);
    const pods = run.after.cluster.components.filter((c) => c.source === 'static-pod');
    expect(pods.map((c) => c.kind).sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    for (const pod of pods) {
      // Every file a flag names (and the audit log's folder) is inside a hostPath mount and on the host.
      const named = pod.settings.filter((s) => s.origin === 'flag' && (FILE_SETTINGS[pod.kind][s.name] || s.name === 'audit-log-path'));
      for (const s of named) {
        const onHost = hostPathInPod(pod.mounts, s.name === 'audit-log-path' ? path.dirname(s.value) : s.value);
        expect(onHost, `${pod.kind} --${s.name}=${s.value}`).toBeDefined();
        if (s.name !== 'audit-log-path') expect(fs.existsSync(run.tree.real(pod.host, onHost!)), `${pod.kind} --${s.name}: ${onHost}`).toBe(true);
      }
    }
    const apiserver = pods.find((c) => c.kind === 'kube-apiserver')!;
    expect(setting(apiserver, 'anonymous-auth')?.value).toBe('false');
    const container = (parse(run.tree.read(CONTROL_PLANE, '/etc/kubernetes/manifests/kube-apiserver.yaml')) as { spec: { containers: Array<Record<string, { httpGet?: unknown; tcpSocket?: { port: number } }>> } }).spec.containers[0];
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(container[probe].httpGet, probe).toBeUndefined();
      expect(container[probe].tcpSocket?.port, probe).toBe(6443);
    }
  });

  it('listed each side effect in the dry run, beside the change that sets it off', () => {
    const effects = run.dryRunJson.changes.flatMap((c) => c.sideEffects);
    for (const expected of [
      /kubeadm join with a bootstrap token cannot read the cluster-info ConfigMap in kube-public/,
      /httpGet probes would get 401 without anonymous access: they become tcpSocket probes/,
      /load balancers and monitors that call \/healthz, \/livez or \/readyz without credentials see 401/,
      /every container start pulls its image/,
      /Services with spec\.externalIPs are refused/,
      /etcd refuses clients without a certificate from its trusted CA/,
      /the read-only port 10255 closes/,
      /writes its audit log in this folder/,
      /kube-proxy metrics answer on localhost only/,
      /clients that offer none of these TLS cipher suites/,
      /calls to the kubelet API \(10250\) without credentials get 401/,
    ]) expect(effects.some((e) => expected.test(e)), String(expected)).toBe(true);
    // Each change's side effects are printed under its own header.
    const blocks = run.dryRunText.split(/\n(?=(?:edit|create|remove|mode|owner) {2,})/);
    for (const change of run.dryRunJson.changes) {
      const block = blocks.find((b) => new RegExp(`^(edit|create|remove|mode|owner) +${change.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[: ]`).test(b) && b.startsWith(change.action === 'chmod' ? 'mode' : change.action === 'chown' ? 'owner' : change.action));
      expect(block, change.file).toBeDefined();
      for (const effect of change.sideEffects) expect(block, `${change.file}: ${effect}`).toContain(`  side effect: ${effect}`);
    }
  });

  it('writes modes and owners into the snapshot manifests of the copied tree, and gives a plan step with its reason for each plan-only control', () => {
    const snapshot = JSON.parse(run.tree.read(CONTROL_PLANE, '/.kaudit-snapshot.json')) as { modes: Record<string, string>; owners: Record<string, string> };
    expect(snapshot.modes['/etc/kubernetes/manifests/kube-apiserver.yaml']).toBe('0600');
    expect(snapshot.modes['/var/lib/etcd']).toBe('0700');
    expect(snapshot.owners['/etc/kubernetes/pki/ca.key']).toBe('root:root');
    expect(snapshot.owners['/var/lib/etcd']).toBe('etcd:etcd');
    expect(JSON.parse(run.tree.read(ETCD_HOST, '/.kaudit-snapshot.json')).owners['/var/lib/etcd/etcd-1']).toBe('etcd:etcd');
    // The dry run shows owners and switches as they change: neither is a secret value.
    expect(run.dryRunText).toContain('+    "/var/lib/etcd": "etcd:etcd",');
    expect(run.dryRunText).toMatch(/-    "\/etc\/kubernetes\/pki\/ca\.key": "kube:kube",\n[\s\S]*\+    "\/etc\/kubernetes\/pki\/ca\.key": "root:root",/);
    expect(run.dryRunText).toContain('+    - --use-service-account-credentials=true');
    const reasons = run.dryRunJson.manualSteps.flatMap((s) => s.commands).filter((c) => c.startsWith('# not written by kaudit: '));
    for (const id of planOnly.filter((i) => i !== '1.2.2')) {
      const why = planOnlyReason(run.benchmark.controls.find((c) => c.id === id)!)!;
      expect(reasons, id).toContain(`# not written by kaudit: ${why}`);
    }
  });

  it('writes the etcd config file, not a flag etcd would ignore, and the worker kubelet\'s drop-in and kube-proxy\'s config file', () => {
    expect(run.tree.read(ETCD_HOST, '/etc/systemd/system/etcd.service')).toContain('ExecStart=/usr/local/bin/etcd --config-file=/etc/etcd/etcd.conf.yml\n');
    const etcdConfig = parse(run.tree.read(ETCD_HOST, '/etc/etcd/etcd.conf.yml'));
    expect(etcdConfig['client-transport-security']).toEqual({ 'client-cert-auth': true, 'auto-tls': false });
    expect(etcdConfig['peer-transport-security']).toEqual({ 'client-cert-auth': true, 'auto-tls': false });
    const dropIn = parse(run.tree.read(WORKER, '/etc/kubernetes/kubelet.conf.d/50-overrides.conf'));
    expect(dropIn.readOnlyPort).toBe(0);
    // A YAML list of strong suites (v1.11 also allows two RSA key-exchange GCM suites), not one string.
    expect(Array.isArray(dropIn.tlsCipherSuites)).toBe(true);
    expect((dropIn.tlsCipherSuites as string[]).filter((suite) => !/^TLS_(ECDHE_(RSA|ECDSA)|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305)$/.test(suite))).toEqual([]);
    expect(dropIn.featureGates).toEqual({ RotateKubeletServerCertificate: true });
    expect(parse(run.tree.read(WORKER, '/var/lib/kube-proxy/config.conf')).metricsBindAddress).toBe('127.0.0.1:10249');
  });

  it('changes nothing on a second fix --write', () => {
    const again = kaudit(['fix', run.tree.dir, '--benchmark', 'cis', '--write']);
    expect(again.status).toBe(0);
    expect(changedFiles(run.writtenTree, hashTree(run.tree.dir))).toEqual([]);
  });
});
