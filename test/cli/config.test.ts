import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/cli/config.js';
import { kaudit } from '../support/cli.js';
import { validateForGitHub } from '../support/sarif-multitool.js';

interface JsonReport {
  findings: Array<{ ruleId: string; host: string; file: string; level: string }>;
  suppressed: Array<{ ruleId: string; host: string; suppression: { kind: string; reason: string; file: string; line: number } }>;
  unusedSuppressions: Array<{ file: string; line: number; problem: string }>;
}

const EXAMPLE = path.resolve('fixtures/example-cluster');

describe('.kaudit.yaml', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes the config into a working directory of its own and scans the example from there. */
  function scanWith(config: string, ...extra: string[]) {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    fs.writeFileSync(path.join(cwd, '.kaudit.yaml'), config);
    const format = extra.includes('--format') ? [] : ['--format', 'json'];
    const run = kaudit(['scan', EXAMPLE, '--now', '2026-12-01', ...format, '--fail-on', 'none', ...extra], { cwd });
    return { run, report: run.status === 0 && format.length > 0 ? (JSON.parse(run.stdout) as JsonReport) : undefined };
  }
  const rulesOf = (report: JsonReport | undefined) => new Set(report?.findings.map((f) => f.ruleId));

  it('turns rules and categories off, and changes levels (a rule over its category)', () => {
    const { report } = scanWith('rules:\n  pki/weak-key: off\n  etcd/*: off\n  auth/*: note\n  auth/anonymous-auth: error\n  addons/missing-mode-label: note\n');
    const rules = rulesOf(report);
    expect(rules.has('pki/weak-key')).toBe(false);
    expect([...rules].filter((r) => r.startsWith('etcd/'))).toEqual([]);
    expect(rules.has('pki/missing-san')).toBe(true);
    expect(new Set(report?.findings.filter((f) => f.ruleId === 'auth/anonymous-auth').map((f) => f.level))).toEqual(new Set(['error']));
    expect(report?.findings.find((f) => f.ruleId === 'addons/missing-mode-label')?.level).toBe('note');
  });

  it('sets the expiry window, which --expiry-window overrides', () => {
    // front-proxy-client on cp-3 expires in 12 days from --now.
    expect(rulesOf(scanWith('expiryWindow: 7d\n').report).has('pki/cert-expiring')).toBe(false);
    expect(rulesOf(scanWith('expiryWindow: 7d\n', '--expiry-window', '30d').report).has('pki/cert-expiring')).toBe(true);
  });

  it('leaves out findings in ignored paths', () => {
    const { report } = scanWith('ignorePaths:\n  - "cp-3/**"\n  - "*/etc/kubernetes/addons/**/*.yaml"\n');
    expect(report?.findings.filter((f) => f.host === 'cp-3')).toEqual([]);
    expect(report?.findings.filter((f) => f.file.includes('/addons/'))).toEqual([]);
    expect(report?.findings.some((f) => f.host === 'cp-2')).toBe(true);
  });

  it('ignores single findings with their reason until they expire, then brings them back', () => {
    const config = (expires: string) =>
      [
        'ignores:',
        '  - rule: pki/cert-expiring',
        '    host: cp-3',
        '    path: cp-3/etc/kubernetes/pki/*.crt',
        '    reason: renewed by the next kubeadm upgrade (OPS-7)',
        `    expires: ${expires}`,
        '  - rule: network/missing-service-route',
        '    reason: stale entry',
        '    host: cp-1',
        '',
      ].join('\n');
    const active = scanWith(config('2027-01-15'));
    expect(rulesOf(active.report).has('pki/cert-expiring')).toBe(false);
    expect(active.report?.suppressed.map((s) => [s.ruleId, s.suppression.kind, s.suppression.reason, s.suppression.line])).toEqual([
      ['pki/cert-expiring', 'config', 'renewed by the next kubeadm upgrade (OPS-7)', 2],
    ]);
    expect(active.report?.unusedSuppressions.map((u) => `${u.file}:${u.line} ${u.problem}`)).toEqual(['.kaudit.yaml:7 matches no finding of network/missing-service-route']);

    const expired = scanWith(config('2026-11-30'));
    expect(rulesOf(expired.report).has('pki/cert-expiring')).toBe(true);
    expect(expired.report?.suppressed).toEqual([]);
    expect(expired.run.stderr).toContain('kaudit: warning: .kaudit.yaml:2: the ignore of pki/cert-expiring expired on 2026-11-30; its findings are reported again');
  });

  it('writes config ignores to SARIF as external suppressions that GitHub accepts', () => {
    const file = path.join(dir, 'ignored.sarif');
    scanWith('ignores:\n  - rule: pki/weak-key\n    reason: HSM-bound key, replaced in Q1\n  - rule: pki/cert-expired\n    host: cp-1\n    reason: stale\n', '--format', 'sarif', '--output', file);
    const sarif = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }> }> };
    expect(sarif.runs[0].results.filter((r) => r.suppressions).map((r) => [r.ruleId, r.suppressions?.[0]])).toEqual([
      ['pki/weak-key', expect.objectContaining({ kind: 'external', justification: 'HSM-bound key, replaced in Q1' })],
    ]);
    expect(validateForGitHub(file)).toEqual([]);
  }, 120_000);

  it('is found in the scanned folder, or named by --config', () => {
    const folder = path.join(dir, 'with-config');
    fs.cpSync(EXAMPLE, folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '.kaudit.yaml'), 'rules:\n  pki/*: off\n');
    const inFolder = JSON.parse(kaudit(['scan', folder, '--now', '2026-12-01', '--format', 'json', '--fail-on', 'none'], { cwd: dir }).stdout) as JsonReport;
    expect([...rulesOf(inFolder)].filter((r) => r.startsWith('pki/'))).toEqual([]);
    const named = path.join(dir, 'named.yaml');
    fs.writeFileSync(named, 'rules:\n  etcd/*: off\n');
    const byFlag = JSON.parse(kaudit(['scan', folder, '--config', named, '--now', '2026-12-01', '--format', 'json', '--fail-on', 'none'], { cwd: dir }).stdout) as JsonReport;
    expect(rulesOf(byFlag).has('pki/missing-san')).toBe(true);
    expect([...rulesOf(byFlag)].filter((r) => r.startsWith('etcd/'))).toEqual([]);
  });

  it.each([
    ['rules:\n  pki/weak-key: of\n', '.kaudit.yaml:2: rules.pki/weak-key: must be one of off, on, error, warning, note'],
    ['expiryWindow: 30d\nignores:\n  - rule: pki/weak-key\n    path: cp-1/**\n', '.kaudit.yaml:3: ignores.0: missing "reason"'],
    ['ignores:\n  - rule: pki/weak-key\n    reason: r\n    expires: next week\n', '.kaudit.yaml:4: ignores.0.expires: must be a date (YYYY-MM-DD)'],
    ['rules:\n  pki/weak-key: off\nignore_paths: []\n', '.kaudit.yaml:3: the file: unknown key "ignore_paths" (expected one of the keys the schema lists)'],
    ['rules:\n  pki/no-such-rule: off\n', '.kaudit.yaml:2: rules: no kaudit rule "pki/no-such-rule" (see kaudit rules)'],
    ['rules:\n  pki/weak-key: [off\n', '.kaudit.yaml:3: YAML syntax error'],
  ])('a mistake gives its line and what was expected: %j', (config, message) => {
    const { run } = scanWith(config);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().startsWith(`kaudit: ${message}`)).toBe(true);
    expect(run.stderr).not.toContain('    at ');
  });

  it('matches globs as git and ESLint do', () => {
    expect(globToRegExp('cp-3/**').test('cp-3/etc/kubernetes/pki/a.crt')).toBe(true);
    expect(globToRegExp('*/etc/*.yaml').test('cp-1/etc/a.yaml')).toBe(true);
    expect(globToRegExp('*/etc/*.yaml').test('cp-1/etc/sub/a.yaml')).toBe(false);
    expect(globToRegExp('**/10-weave.conf').test('worker-1/etc/cni/net.d/10-weave.conf')).toBe(true);
    expect(globToRegExp('cp-?/a.crt').test('cp-12/a.crt')).toBe(false);
  });
});
