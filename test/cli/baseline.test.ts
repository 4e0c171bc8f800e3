import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, kaudit } from '../support/cli.js';
import { copyTree } from '../support/files.js';

describe('baseline', () => {
  let dir: string;
  let baseline: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-baseline-'));
    copyTree('fixtures/example-cluster', path.join(dir, 'cluster'));
    baseline = path.join(dir, 'baseline.json');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records a broken cluster (exit 0), then fails only on a new defect, and counts what is known and gone', () => {
    const cluster = path.join(dir, 'cluster');
    const write = kaudit(['scan', cluster, '--now', '2026-12-01', '--baseline-write', baseline]);
    expect(write.status).toBe(0);
    expect(write.stderr.trim()).toBe(`kaudit: baseline of 28 findings written to ${baseline}`);
    expect(kaudit(['scan', cluster, '--now', '2026-12-01', '--baseline', baseline]).status).toBe(0);

    // A new defect: a second apiserver on master-count. And one baselined defect fixed: the weave leftover removed.
    const pod = path.join(cluster, 'cp-3/etc/kubernetes/manifests/kube-apiserver.yaml');
    fs.writeFileSync(pod, fs.readFileSync(pod, 'utf8').replace('    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n', '    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n    - --endpoint-reconciler-type=master-count\n'));
    fs.rmSync(path.join(cluster, 'worker-1/etc/cni/net.d/10-weave.conf'));
    const run = kaudit(['scan', cluster, '--now', '2026-12-01', '--baseline', baseline, '--format', 'json', '--fail-on', 'warning']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; host: string }>; baseline: { known: number; gone: number } };
    expect(report.findings.map((f) => `${f.ruleId} ${f.host}`)).toEqual(['apiserver/master-count-reconciler cp-3']);
    expect(report.baseline).toMatchObject({ known: 26, gone: 2 });
    const text = kaudit(['scan', cluster, '--now', '2026-12-01', '--baseline', baseline], { env: cliEnv({ COLUMNS: '250' }) }); // no line wrapped
    expect(text.stdout).toContain(`26 findings left out as in the baseline ${baseline}; 2 of its findings are gone`);
  });

  it('says in one line when the baseline is not one', () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"not": "a baseline"}');
    const run = kaudit(['scan', 'fixtures/example-cluster', '--baseline', path.join(dir, 'bad.json')]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`kaudit: --baseline ${path.join(dir, 'bad.json')}: not a kaudit baseline (write one with --baseline-write)`);
  });
});
