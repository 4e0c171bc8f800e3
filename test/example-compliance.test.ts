import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';

/** The README shows the example cluster's compliance report as `kaudit scan --benchmark cis` prints it. */
describe('the compliance report of fixtures/example-cluster in the README', () => {
  it('is what kaudit prints after the findings', () => {
    const run = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--benchmark', 'cis']);
    expect(run.stderr).toBe('');
    const view = run.stdout.slice(run.stdout.indexOf('CIS Kubernetes Benchmark v'));
    const readme = fs.readFileSync('README.md', 'utf8');
    const start = readme.indexOf('```text\nCIS Kubernetes Benchmark v');
    expect(start).toBeGreaterThan(0);
    const block = readme.slice(start + '```text\n'.length, readme.indexOf('\n```', start + 8));
    expect(`${block}\n`).toBe(view);
  });
});
