/** Which benchmark a scan gets and why; what a plain scan runs; unknowns and findings in the report. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/benchmarks/index.js';
import { collect } from '../../src/collectors/index.js';
import { complianceReport, evaluateBenchmark } from '../../src/compliance/engine.js';
import { chooseBenchmark } from '../../src/compliance/index.js';
import { Cluster } from '../../src/model/cluster.js';
import type { Component } from '../../src/model/types.js';
import { scan } from '../../src/pipeline/scan.js';
import { staticPod, unit } from '../support/hosts.js';
import { TreeWriter } from '../support/tree.js';

const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));
function tree(): TreeWriter {
  const t = TreeWriter.temp('kaudit-cis-pipeline-');
  trees.push(t);
  return t;
}

const now = new Date('2026-06-01T00:00:00Z');

describe('benchmark selection', () => {
  const apiservers = (...versions: string[]) => {
    const t = tree();
    versions.forEach((v, i) => staticPod(t, `cp-${i + 1}`, 'kube-apiserver', ['--profiling=false'], { image: `registry.k8s.io/kube-apiserver:v${v}` }));
    return t;
  };

  it.each([
    [['1.33.1', '1.31.2'], 'cis-1.11', 'Kubernetes 1.31.2, the lowest kube-apiserver version (on cp-2): CIS Kubernetes Benchmark v1.11 covers 1.29–1.31', undefined],
    [['1.32.0'], 'cis-1.12', 'Kubernetes 1.32.0, the lowest kube-apiserver version (on cp-1): CIS Kubernetes Benchmark v1.12 covers 1.32–1.34', undefined],
    [['1.34.9'], 'cis-1.12', 'Kubernetes 1.34.9, the lowest kube-apiserver version (on cp-1): CIS Kubernetes Benchmark v1.12 covers 1.32–1.34', undefined],
    [['1.28.5'], 'cis-1.11', 'Kubernetes 1.28.5, the lowest kube-apiserver version (on cp-1): outside the versions the benchmarks cover (1.29–1.34); CIS Kubernetes Benchmark v1.11 is the nearest', 'Kubernetes 1.28.5 is outside 1.29–1.34'],
    [['1.36.0'], 'cis-1.12', 'Kubernetes 1.36.0, the lowest kube-apiserver version (on cp-1): outside the versions the benchmarks cover (1.29–1.34); CIS Kubernetes Benchmark v1.12 is the nearest', 'Kubernetes 1.36.0 is outside 1.29–1.34'],
  ])('apiservers %j get %s', (versions, id, why, note) => {
    const selection = chooseBenchmark(collect([apiservers(...versions).dir]), 'cis');
    expect(selection.benchmark.id).toBe(id);
    expect(selection.why).toBe(why);
    if (note) expect(selection.note).toContain(note);
    else expect(selection.note).toBeUndefined();
  });

  it("follows the kubelets' versions (recorded by kaudit collect) when no apiserver is scanned", () => {
    const t = tree();
    for (const [host, version] of [['w1', 'v1.33.2'], ['w2', 'v1.32.7']]) {
      unit(t, host, 'kubelet', ['--v=2']);
      fs.writeFileSync(path.join(t.dir, host, '.kaudit-snapshot.json'), JSON.stringify({ versions: { kubelet: version } }));
    }
    const selection = chooseBenchmark(collect([t.dir]), 'cis');
    expect(selection.benchmark.id).toBe('cis-1.12');
    expect(selection.why).toContain('Kubernetes 1.32.7, the lowest kubelet version (on w2)');
  });

  it('takes the newest, with a note, when no version is known; a benchmark asked for by name is taken as it is', () => {
    const t = tree();
    unit(t, 'cp', 'kube-apiserver', ['--v=2']);
    const cluster = collect([t.dir]);
    const unknown = chooseBenchmark(cluster, 'cis');
    expect(unknown.benchmark.id).toBe(BENCHMARKS[BENCHMARKS.length - 1].id);
    expect(unknown.note).toMatch(/no kube-apiserver or kubelet version is known .*the newest, is applied/);
    expect(chooseBenchmark(cluster, 'cis-1.11')).toMatchObject({ benchmark: { id: 'cis-1.11' }, why: 'asked for (--benchmark cis-1.11)' });
  });
});

describe('the scan pipeline', () => {
  const weak = () => {
    const t = tree();
    staticPod(t, 'cp', 'kube-apiserver', ['--authorization-mode=Node,RBAC'], { image: 'registry.k8s.io/kube-apiserver:v1.33.0' });
    return t;
  };

  it('runs only kaudit’s own rules without a benchmark: no benchmark finding, no compliance report', async () => {
    const result = await scan([weak().dir], { now, rule: [], disable: [] }, 'test');
    expect(result.compliance).toBeUndefined();
    expect(result.rules.some((r) => r.benchmarkOnly)).toBe(false);
    expect(result.findings.map((f) => f.ruleId)).not.toContain('apiserver/profiling-enabled');
    // Own rules' findings still carry their CIS ids.
    expect(result.findings.find((f) => f.ruleId === 'auth/anonymous-auth')?.cis).toEqual(['1.2.1']);
  });

  it('adds the benchmark’s rules and the report with --benchmark, and with a benchmark rule named by --rule', async () => {
    const withBenchmark = await scan([weak().dir], { now, rule: [], disable: [], benchmark: 'cis' }, 'test');
    expect(withBenchmark.compliance?.benchmark.id).toBe('cis-1.12');
    expect(withBenchmark.findings.find((f) => f.ruleId === 'apiserver/profiling-enabled')).toMatchObject({ level: 'error', cis: ['1.2.15'] });
    const byRule = await scan([weak().dir], { now, rule: ['apiserver/profiling-enabled'], disable: [] }, 'test');
    expect(byRule.compliance?.benchmark.id).toBe('cis-1.12');
    expect(byRule.findings.map((f) => f.ruleId)).toEqual(['apiserver/profiling-enabled']);
  });

  it('reads benchmark: from .kaudit.yaml, and --benchmark wins', async () => {
    const t = weak();
    fs.writeFileSync(path.join(t.dir, 'config.yaml'), 'benchmark: cis-1.11\n');
    const fromConfig = await scan([t.dir], { now, rule: [], disable: [], config: path.join(t.dir, 'config.yaml') }, 'test');
    expect(fromConfig.compliance?.benchmark.id).toBe('cis-1.11');
    const fromFlag = await scan([t.dir], { now, rule: [], disable: [], config: path.join(t.dir, 'config.yaml'), benchmark: 'cis-1.12' }, 'test');
    expect(fromFlag.compliance?.benchmark.id).toBe('cis-1.12');
  });

  it('turns a control whose rule or id an unknown names into UNKNOWN, never PASS', () => {
    const t = tree();
    unit(t, 'cp', 'kube-apiserver', ['--profiling=false']);
    const cluster = collect([t.dir]);
    cluster.liveKube = { server: 'https://10.0.0.1:6443', nodes: 0, pods: 0, schedulerNames: new Map(), bootstrapTokens: [], endpoints: [], workloads: [], rbac: {} };
    const benchmark = BENCHMARKS.find((b) => b.id === 'cis-1.12')!;
    const evaluation = evaluateBenchmark(cluster, benchmark, 'test', [], () => true);
    const report = complianceReport(evaluation, [], [
      { what: 'RBAC of the cluster', why: 'GET /apis/rbac.authorization.k8s.io/v1/clusterrolebindings answered 403', supply: 'list on clusterrolebindings', affects: ['rbac/cluster-admin-binding'] },
      { what: 'the apiserver on cp', why: 'a test cause', supply: 'nothing', at: { host: 'cp', root: 0, file: 'cp/x' }, affects: ['1.2.15'] },
    ]);
    const status = (id: string, host: string) => report.results.find((r) => r.control.id === id && r.host === host)!;
    expect(status('5.1.1', 'kubernetes')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('answered 403') });
    expect(status('5.1.2', 'kubernetes').status).toBe('PASS');
    expect(status('1.2.15', 'cp').status).toBe('UNKNOWN');
    expect(report.totals.UNKNOWN).toBe(report.results.filter((r) => r.status === 'UNKNOWN').length);
  });

  it('fails a control that a finding of a rule names, though its kube-bench test passes (2.7: a CA shared with the cluster)', () => {
    const t = tree();
    unit(t, 'e', 'etcd', ['--trusted-ca-file=/etc/etcd/ca.crt']);
    const cluster = collect([t.dir]);
    const evaluation = evaluateBenchmark(cluster, BENCHMARKS[1], 'test', [], () => true);
    expect(evaluation.results.find((r) => r.control.id === '2.7')!.status).toBe('PASS');
    const finding = { ruleId: 'pki/shared-ca', level: 'warning' as const, message: 'etcd trusts the cluster CA', at: { host: 'e', root: 0, file: 'e/etc/systemd/system/etcd.service', line: 6 }, related: [], fingerprint: 'f1', cis: ['2.7'], fixes: [] };
    const report = complianceReport(evaluation, [finding], []);
    expect(report.results.find((r) => r.control.id === '2.7')).toMatchObject({ status: 'WARN', failed: true, findings: ['f1'], reason: 'pki/shared-ca: etcd trusts the cluster CA' });
  });

  it('takes a distribution default as an effective value, and says so', () => {
    const cluster = new Cluster();
    cluster.hosts.push({ name: 'k3s-1', root: 0, prefix: 'k3s-1', modes: 'filesystem', owners: 'unknown' });
    const at = { host: 'k3s-1', root: 0, file: 'k3s-1/etc/systemd/system/k3s.service', line: 8 };
    const apiserver: Component = { kind: 'kube-apiserver', host: 'k3s-1', source: 'systemd', definedAt: at, settings: [{ name: 'profiling', value: 'false', origin: 'distribution-default', at, sourceKey: 'k3s server defaults' }], mounts: [] };
    cluster.components.push(apiserver);
    const result = evaluateBenchmark(cluster, BENCHMARKS[1], 'test', [], () => true).results.find((r) => r.control.id === '1.2.15')!;
    expect(result).toMatchObject({ status: 'PASS', reason: '--profiling=false (distribution default, k3s server defaults)', source: { origin: 'distribution-default' } });
  });

  it('is UNKNOWN for settings of a kubelet known only through the API, and for files of a control plane seen only through it', () => {
    const cluster = new Cluster();
    const nodeAt = { host: 'node-1', root: -1, file: 'https://10.0.0.1:6443/api/v1/nodes/node-1' };
    const podAt = { host: 'cp-1', root: -1, file: 'https://10.0.0.1:6443/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-1' };
    cluster.components.push({ kind: 'kubelet', host: 'node-1', source: 'live', definedAt: nodeAt, settings: [], mounts: [], version: '1.33.1' });
    cluster.components.push({ kind: 'kube-apiserver', host: 'cp-1', source: 'static-pod', definedAt: podAt, flagsAt: podAt, settings: [{ name: 'profiling', value: 'false', origin: 'flag', at: podAt }], mounts: [] });
    const results = evaluateBenchmark(cluster, BENCHMARKS[1], 'test', [], () => true).results;
    const status = (id: string, host: string) => results.find((r) => r.control.id === id && r.host === host)!;
    expect(status('4.2.1', 'node-1')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('only the version of kubelet on node-1 is known') });
    expect(status('1.2.15', 'cp-1').status).toBe('PASS');
    expect(status('1.1.1', 'cp-1')).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('is known only from https://10.0.0.1:6443/') });
  });
});

