/** `kaudit scan --benchmark` as a user runs it: every format carries the compliance view; exit status by --fail-on. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from '../support/cli.js';
import { sarifValidator } from '../support/sarif-schema.js';
import { validateForGitHub } from '../support/sarif-multitool.js';

const EXAMPLE = ['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--benchmark', 'cis'];

interface ComplianceJson {
  benchmark: string;
  version: string;
  why: string;
  totals: Record<string, number>;
  hosts: Array<{ name: string; totals: Record<string, number> }>;
  sections: Array<{ id: string; title: string; totals: Record<string, number> }>;
  controls: Array<{ id: string; title: string; scored: boolean; automated: boolean; template: string; ruleId: string | null }>;
  results: Array<{ host: string; id: string; status: string; reason: string; source: { origin: string; file?: string; line?: number } | null; findings: string[] }>;
}

describe('kaudit scan --benchmark', () => {
  let dir: string;
  let report: { compliance: ComplianceJson; findings: Array<{ ruleId: string; fingerprint: string; cis: string[]; level: string }> };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-benchmark-cli-'));
    const run = kaudit([...EXAMPLE, '--format', 'json']);
    expect(run.status).toBe(1);
    report = JSON.parse(run.stdout);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('puts the compliance report under one top-level key, findings keeping their shape', () => {
    const { compliance } = report;
    expect(compliance).toMatchObject({ benchmark: 'cis-1.11', version: '1.11', why: 'Kubernetes 1.29.3, the lowest kube-apiserver version (on cp-1): CIS Kubernetes Benchmark v1.11 covers 1.29–1.31' });
    expect(compliance.hosts.map((h) => h.name)).toEqual(['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'kubernetes']);
    const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
    expect(sum(compliance.totals)).toBe(compliance.results.length);
    expect(compliance.hosts.reduce((n, h) => n + sum(h.totals), 0)).toBe(compliance.results.length);
    const profiling = compliance.results.find((r) => r.host === 'cp-2' && r.id === '1.2.15')!;
    expect(profiling).toMatchObject({ status: 'FAIL', source: { origin: 'default', key: '--profiling', value: 'true' } });
    expect(compliance.controls.find((c) => c.id === '1.2.15')).toEqual({ id: '1.2.15', title: 'Ensure that the --profiling argument is set to false', section: '1.2', scored: true, automated: true, template: 'setting', ruleId: 'apiserver/profiling-enabled' });
    // Every failing control is reported by findings the JSON holds, by fingerprint.
    const fingerprints = new Set(report.findings.map((f) => f.fingerprint));
    for (const r of compliance.results.filter((x) => x.status === 'FAIL')) {
      expect(r.findings.length, `${r.host} ${r.id}`).toBeGreaterThan(0);
      for (const f of r.findings) expect(fingerprints.has(f)).toBe(true);
    }
    const pass = compliance.results.find((r) => r.host === 'cp-1' && r.id === '1.2.8')!;
    expect(pass).toMatchObject({ status: 'PASS', reason: '--authorization-mode=Node,RBAC', source: { origin: 'flag', file: 'cp-1/etc/kubernetes/manifests/kube-apiserver.yaml' } });
  });

  it('gives SARIF with only the failing controls as results, valid for GitHub code scanning', () => {
    const file = path.join(dir, 'benchmark.sarif');
    kaudit([...EXAMPLE, '--format', 'sarif', '--output', file]);
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.properties.compliance).toMatchObject({ benchmark: 'cis-1.11', totals: report.compliance.totals });
    const failingIds = new Set(report.compliance.results.filter((r) => r.status === 'FAIL' || (r.status === 'WARN' && r.findings.length > 0)).map((r) => `${r.host} ${r.id}`));
    for (const result of run.results) {
      for (const id of result.properties.cis ?? []) expect(failingIds.has(`${result.properties.host} ${id}`), `${result.ruleId} ${id}`).toBe(true);
    }
    expect(run.results.some((r: { ruleId: string }) => r.ruleId === 'apiserver/profiling-enabled')).toBe(true);
    expect(run.tool.driver.rules.find((r: { id: string }) => r.id === 'apiserver/profiling-enabled').properties.cis).toEqual(['1.2.15']);
    expect(validateForGitHub(file)).toEqual([]);
  }, 120_000);

  it('gives JUnit with one test case per control and host, FAIL as a failure and the others skipped', () => {
    const run = kaudit([...EXAMPLE, '--format', 'junit']);
    const cases = run.stdout.match(/<testcase classname="cis-1\.11\.[^"]+"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
    expect(cases).toHaveLength(report.compliance.results.length);
    const failed = cases.filter((c) => c.includes('<failure'));
    expect(failed).toHaveLength(report.compliance.totals.FAIL);
    expect(cases.filter((c) => c.includes('<skipped'))).toHaveLength(report.compliance.results.length - report.compliance.totals.PASS - report.compliance.totals.FAIL);
    expect(run.stdout).toContain('name="1.2.15 cp-2: Ensure that the --profiling argument is set to false"');
  });

  it('adds a compliance section to the HTML report and a view after the findings in text', () => {
    const html = kaudit([...EXAMPLE, '--format', 'html']).stdout;
    expect(html).toContain('<section id="compliance"><h2>Compliance: CIS Kubernetes Benchmark v1.11</h2>');
    const text = kaudit(EXAMPLE).stdout;
    expect(text).toContain('CIS Kubernetes Benchmark v1.11 (cis-1.11)\nwhy this one: Kubernetes 1.29.3, the lowest kube-apiserver version (on cp-1)');
    expect(text).toContain('  [FAIL]    1.2.15  --profiling is not set (default: true); wants --profiling=false  apiserver/profiling-enabled');
    const { PASS, FAIL, WARN, UNKNOWN } = report.compliance.totals;
    expect(text).toContain(`cis-1.11: ${PASS} PASS, ${FAIL} FAIL, ${WARN} WARN, ${UNKNOWN} UNKNOWN`);
  });

  it('exits by --fail-on: scored FAILs are errors; never 2 for a version it has no benchmark for', () => {
    expect(kaudit([...EXAMPLE, '--format', 'json', '--fail-on', 'none']).status).toBe(0);
    expect(kaudit([...EXAMPLE, '--format', 'json', '--rule', 'scheduler/profiling-enabled']).status).toBe(1);
    const unknown = kaudit(['scan', 'fixtures/example-cluster/worker-1/etc/cni', '--benchmark', 'cis', '--format', 'json']);
    expect(unknown.status).toBe(0);
    expect(JSON.parse(unknown.stdout).compliance.notes[0]).toContain('no kube-apiserver or kubelet version is known');
    const bad = kaudit(['scan', 'fixtures/example-cluster', '--benchmark', 'cis-1.9']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("argument 'cis-1.9' is invalid");
  });

  it('takes --benchmark on kaudit fix: the dry run plans the benchmark’s controls too', () => {
    const run = kaudit(['fix', 'fixtures/example-cluster', '--now', '2026-12-01', '--benchmark', 'cis', '--rule', 'apiserver/profiling-enabled']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('+    - --profiling=false');
  });
});
