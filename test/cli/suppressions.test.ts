import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, kaudit } from '../support/cli.js';
import { copyTree } from '../support/files.js';
import { validateForGitHub } from '../support/sarif-multitool.js';
import { TreeWriter } from '../support/tree.js';

interface JsonReport {
  findings: Array<{ ruleId: string; host: string; file: string }>;
  suppressed: Array<{ ruleId: string; host: string; suppression: { kind: string; reason: string; line: number } }>;
  unusedSuppressions: Array<{ host: string; file: string; line: number; problem: string }>;
}

interface SarifReport {
  runs: Array<{
    results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }>;
    invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
  }>;
}

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} lacks ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

describe('inline suppressions', () => {
  let dir: string;
  let cluster: string;
  const scanJson = (...extra: string[]) => {
    const run = kaudit(['scan', cluster, '--now', '2026-12-01', '--format', 'json', '--fail-on', 'none', ...extra]);
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-suppress-'));
    cluster = path.join(dir, 'cluster');
    copyTree('fixtures/example-cluster', cluster);
    // A comment above a flag of a static pod.
    edit(
      path.join(cluster, 'cp-2/etc/kubernetes/manifests/kube-apiserver.yaml'),
      '    - --endpoint-reconciler-type=master-count\n',
      '    # kaudit-ignore apiserver/master-count-reconciler: lease reconciler rolls out with the 1.30 upgrade (OPS-12)\n    - --endpoint-reconciler-type=master-count\n',
    );
    // An annotation on a manifest.
    edit(
      path.join(cluster, 'cp-1/etc/kubernetes/addons/metrics-server/service-account.yaml'),
      '  labels:\n',
      '  annotations:\n    kaudit.io/ignore: "addons/missing-mode-label, pki/*: applied by hand, not by the addon manager"\n  labels:\n',
    );
    // A comment that covers nothing, one naming no rule, and one without a reason.
    edit(
      path.join(cluster, 'cp-1/etc/kubernetes/manifests/kube-apiserver.yaml'),
      '    - --allow-privileged=true\n',
      '    # kaudit-ignore apiserver/master-count-reconciler: stale\n    - --allow-privileged=true\n    # kaudit-ignore apiserver/no-such-rule: typo\n    # kaudit-ignore auth/anonymous-auth\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sets aside what a comment or an annotation covers, with its reason', () => {
    const { run, report } = scanJson();
    expect(run.status).toBe(0);
    const visible = report.findings.map((f) => `${f.ruleId} ${f.host}`);
    expect(visible).not.toContain('apiserver/master-count-reconciler cp-2');
    expect(visible).not.toContain('addons/missing-mode-label cp-1');
    expect(report.suppressed.map((s) => [s.ruleId, s.host, s.suppression.kind, s.suppression.reason])).toEqual([
      ['addons/missing-mode-label', 'cp-1', 'annotation', 'applied by hand, not by the addon manager'],
      ['apiserver/master-count-reconciler', 'cp-2', 'comment', 'lease reconciler rolls out with the 1.30 upgrade (OPS-12)'],
    ]);
    expect(report.findings.length + report.suppressed.length).toBe(28);
  });

  it('does not fail on suppressed findings', () => {
    const only = ['--rule', 'apiserver/master-count-reconciler', '--fail-on', 'warning'];
    expect(kaudit(['scan', cluster, '--now', '2026-12-01', ...only]).status).toBe(0);
    expect(kaudit(['scan', cluster, '--now', '2026-12-01', '--no-inline-ignores', ...only]).status).toBe(1);
  });

  it('reports a suppression that covers nothing or names no rule, and warns of one without a reason', () => {
    const { run, report } = scanJson();
    expect(report.unusedSuppressions.map((u) => `${u.file}:${u.line} ${u.problem}`)).toEqual([
      'cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:15 matches no finding of apiserver/master-count-reconciler',
      'cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:17 names no kaudit rule: apiserver/no-such-rule',
    ]);
    expect(run.stderr).toContain('kaudit: warning: cp-1/etc/kubernetes/manifests/kube-apiserver.yaml: line 18: kaudit-ignore must read "# kaudit-ignore <rule-id>[,<rule-id>…]: <reason>"; ignored');
    // Wide enough that no line of the report is wrapped.
    const text = kaudit(['scan', cluster, '--now', '2026-12-01', '--fail-on', 'none'], { env: cliEnv({ COLUMNS: '250' }) });
    expect(text.stdout).toContain('2 findings suppressed inline (--no-inline-ignores shows them)');
    expect(text.stdout).toContain('unused suppression at cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:15: matches no finding of apiserver/master-count-reconciler');
  });

  it('does not call a suppression unused when its rule did not run', () => {
    const { report } = scanJson('--rule', 'auth/*');
    expect(report.unusedSuppressions.map((u) => u.problem)).toEqual(['names no kaudit rule: apiserver/no-such-rule']);
  });

  it('kaudit fix leaves suppressed findings alone', () => {
    const run = kaudit(['fix', cluster, '--rule', 'apiserver/master-count-reconciler', '--now', '2026-12-01']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('Nothing to fix.');
  });

  it('--no-inline-ignores reports everything', () => {
    const { report } = scanJson('--no-inline-ignores');
    expect(report.findings).toHaveLength(28);
    expect(report.suppressed).toEqual([]);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('writes SARIF suppressions with the justification, and unused ones as warnings at their line', () => {
    const file = path.join(dir, 'suppressed.sarif');
    kaudit(['scan', cluster, '--now', '2026-12-01', '--format', 'sarif', '--output', file, '--fail-on', 'none']);
    const sarif = JSON.parse(fs.readFileSync(file, 'utf8')) as SarifReport;
    const suppressed = sarif.runs[0].results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => [r.ruleId, r.suppressions?.[0].kind, r.suppressions?.[0].justification])).toEqual([
      ['addons/missing-mode-label', 'inSource', 'applied by hand, not by the addon manager'],
      ['apiserver/master-count-reconciler', 'inSource', 'lease reconciler rolls out with the 1.30 upgrade (OPS-12)'],
    ]);
    expect(sarif.runs[0].results).toHaveLength(28);
    const unused = sarif.runs[0].invocations[0].toolExecutionNotifications.filter((n) => n.message.text.startsWith('unused suppression'));
    expect(unused.map((n) => [n.level, n.locations?.[0].physicalLocation.region.startLine])).toEqual([
      ['warning', 15],
      ['warning', 17],
    ]);
    expect(validateForGitHub(file)).toEqual([]);
  }, 120_000);
});

describe('inline suppressions in units and env files', () => {
  const tree = TreeWriter.temp();
  afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

  it('a comment inside a continued ExecStart covers the flag below it', () => {
    const unitText = (comment: string) =>
      [
        '[Service]',
        'ExecStart=/usr/local/bin/kubelet \\',
        '  --kubeconfig=/var/lib/kubelet/kubeconfig \\',
        comment,
        '  --anonymous-auth=true \\',
        '  --v=2',
        '',
      ].join('\n');
    tree.write('w', '/etc/systemd/system/kubelet.service', unitText('  # kaudit-ignore auth/anonymous-auth: lab node, firewalled'));
    const scan = (...extra: string[]) => JSON.parse(kaudit(['scan', tree.dir, '--rule', 'auth/anonymous-auth', '--format', 'json', '--fail-on', 'none', ...extra]).stdout) as JsonReport;
    expect(scan().findings).toEqual([]);
    expect(scan().suppressed.map((s) => [s.ruleId, s.suppression.line])).toEqual([['auth/anonymous-auth', 4]]);
    expect(scan('--no-inline-ignores').findings.map((f) => f.ruleId)).toEqual(['auth/anonymous-auth']);
  });

  it('a comment in an env file covers the variable below it', () => {
    tree.write('w', '/etc/systemd/system/kubelet.service', '[Service]\nEnvironmentFile=/etc/default/kubelet\nExecStart=/usr/local/bin/kubelet $KUBELET_ARGS\n');
    tree.write('w', '/etc/default/kubelet', '# kaudit-ignore auth/anonymous-auth: lab node, firewalled\nKUBELET_ARGS="--anonymous-auth=true"\n');
    const report = JSON.parse(kaudit(['scan', tree.dir, '--rule', 'auth/anonymous-auth', '--format', 'json', '--fail-on', 'none']).stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.suppressed.map((s) => s.suppression.line)).toEqual([1]);
  });
});
