/** The benchmark docs are what the data says: a test fails when the pages and the tables disagree. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/benchmarks/index.js';
import { BENCHMARK_RULE_INFO, benchmarkRulePage, controlsPage } from '../../src/benchmarks/docs.js';
import { RULES, docPath } from '../../src/rules/index.js';
import { distributionsMarkdown } from '../../src/compliance/distribution-docs.js';

describe('benchmark docs', () => {
  it('has the page of every control that npm run make-benchmark-docs writes from the tables', () => {
    expect(fs.readFileSync('rules-docs/cis/controls.md', 'utf8')).toBe(controlsPage(RULES.map((r) => ({ id: r.id, level: r.level, fix: r.fix }))));
  });

  it('lists every control of every benchmark with its rule and template on that page', () => {
    const page = fs.readFileSync('rules-docs/cis/controls.md', 'utf8');
    for (const benchmark of BENCHMARKS) {
      const section = page.slice(page.indexOf(`(\`${benchmark.id}\``));
      for (const control of benchmark.controls) {
        const row = section.split('\n').find((line) => line.startsWith(`| ${control.id} |`));
        expect(row, `${benchmark.id} ${control.id}`).toBeDefined();
        expect(row).toContain(`[${control.check.template}](templates/${control.check.template}.md)`);
        if (control.rule) expect(row).toContain(`[\`${control.rule}\`](../${control.rule}.md)`);
      }
    }
  });

  it('has the page of each layout\'s places and of what k3s and RKE2 satisfy by default, as the data says', () => {
    const page = fs.readFileSync('rules-docs/cis/distributions.md', 'utf8');
    expect(page).toBe(distributionsMarkdown());
    const k3s = page.slice(page.indexOf('## k3s'), page.indexOf('## RKE2'));
    const rke2 = page.slice(page.indexOf('## RKE2'));
    const row = (section: string, id: string) => section.split('\n').find((line) => line.startsWith(`| ${id} |`)) ?? '';
    // Defaults that satisfy a control, and the condition they need.
    expect(row(rke2, '1.2.15')).toContain('satisfied by its default: `--profiling=false`');
    expect(row(k3s, '1.2.27')).toContain('(with `secrets-encryption: true` in config.yaml)');
    expect(row(rke2, '1.2.27')).not.toContain('with `secrets-encryption');
    expect(row(rke2, '1.2.16')).toContain('(with `profile: cis` in config.yaml)');
    expect(row(k3s, '1.2.16')).toContain('not satisfied by its default');
    // What does not exist there, with the distribution's reason.
    expect(row(k3s, '1.1.1')).toMatch(/^.*N\/A: k3s runs the API server/);
    expect(row(rke2, '1.1.1')).toContain('/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml');
    expect(row(k3s, '1.1.12')).toContain('N/A');
    expect(row(rke2, '1.1.12')).not.toContain('N/A');
    for (const section of [k3s, rke2]) for (const id of ['4.1.1', '4.1.2', '4.2.7']) expect(row(section, id), id).toContain('N/A');
  });

  it('has the generated page of every benchmark-only rule', () => {
    for (const info of BENCHMARK_RULE_INFO) {
      const rule = RULES.find((r) => r.id === info.id)!;
      expect(fs.readFileSync(docPath(rule), 'utf8'), info.id).toBe(benchmarkRulePage(info, rule));
    }
  });

  it('has one page per check template, and no page for a template that does not exist', () => {
    const used = new Set(BENCHMARKS.flatMap((b) => b.controls.map((c) => c.check.template)));
    const pages = fs.readdirSync('rules-docs/cis/templates').filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual([...used].sort());
    const index = fs.readFileSync('rules-docs/cis/templates/README.md', 'utf8');
    for (const template of used) expect(index).toContain(`[${template}](${template}.md)`);
  });
});
