/** The benchmark docs are what the data says: a test fails when the pages and the tables disagree. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/benchmarks/index.js';
import { BENCHMARK_RULE_INFO, benchmarkRulePage, controlsPage } from '../../src/benchmarks/docs.js';
import { RULES, docPath } from '../../src/rules/index.js';

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
