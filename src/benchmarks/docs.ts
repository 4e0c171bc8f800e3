/**
 * The generated benchmark docs: rules-docs/cis/controls.md (every control of every
 * benchmark with kaudit's coverage) and the page of each benchmark-only rule. Written by
 * `npm run make-benchmark-docs`; test/benchmarks/docs.test.ts fails when they differ.
 */
import { BENCHMARKS } from './index.js';
import { BENCHMARK_RULE_INFO, type BenchmarkRuleInfo } from './rules.js';
import { KUBE_BENCH_URL, describeCheck, describeRemediation, fixCoverage } from './describe.js';
import { planOnlyReason, type Benchmark, type Control } from './types.js';

export interface RuleSummary {
  id: string;
  level: string;
  fix: 'fix' | 'plan';
}

const TEMPLATE_DIR = 'templates';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** A rule's page, from rules-docs/cis/. */
function ruleLink(id: string): string {
  return `[\`${id}\`](../${id}.md)`;
}

function benchmarkTable(benchmark: Benchmark, rules: Map<string, RuleSummary>): string[] {
  const lines = [
    `## ${benchmark.title} (\`${benchmark.id}\`, Kubernetes ${benchmark.kubernetes.from}–${benchmark.kubernetes.to})`,
    '',
    `kube-bench: [cfg/${benchmark.id}](${KUBE_BENCH_URL}/${benchmark.id}/). Scored: CIS marks the control Automated (a failure is FAIL and an error); otherwise a failure is WARN and a warning.`,
    '',
    '| id | control | scored | template | test | rule | kaudit fix |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const control of benchmark.controls) {
    const template = `[${control.check.template}](${TEMPLATE_DIR}/${control.check.template}.md)`;
    const rule = control.rule ? ruleLink(control.rule) : '—';
    const fix = fixCoverage(control, rules.get(control.rule)?.fix);
    lines.push(`| ${control.id} | ${cell(control.text)} | ${control.scored ? 'yes' : 'no'} | ${template} | ${cell(describeCheck(control.check))} | ${rule} | ${cell(fix)} |`);
  }
  const planned = benchmark.controls.filter((c) => planOnlyReason(c) && c.check.template !== 'manual');
  lines.push(
    '',
    `### Plan-only controls of ${benchmark.id}`,
    '',
    `\`kaudit fix --benchmark ${benchmark.id}\` writes every other automated control where the component reads it (static pod, unit, env file, kubelet config file or drop-in, etcd or kube-proxy config file, the snapshot's modes and owners), with the files and mounts a flag needs. These ${planned.length} need a person's choice first; their steps are printed as the plan:`,
    '',
    ...planned.map((c) => `- ${c.id} ${c.text}: ${planOnlyReason(c)}.`),
    '',
  );
  return lines;
}

/** rules-docs/cis/controls.md */
export function controlsPage(rules: RuleSummary[]): string {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const automated = (b: Benchmark) => b.controls.filter((c) => c.check.template !== 'manual').length;
  return [
    '# CIS Kubernetes Benchmark: controls and kaudit\'s coverage',
    '',
    'Written by `npm run make-benchmark-docs` from `src/benchmarks/`; a test fails when this page',
    'and the data disagree. `kaudit scan PATH --benchmark cis` applies the benchmark that fits the',
    'cluster (`--benchmark cis-1.12` or `cis-1.11` to choose); each control is judged by one of the',
    `[check templates](${TEMPLATE_DIR}/) and reported under the rule named here. Where each layout`,
    'keeps what the controls judge, and which controls k3s and RKE2 satisfy by default:',
    '[distributions](distributions.md).',
    '',
    ...BENCHMARKS.map((b) => `- ${b.title}: ${b.controls.length} controls, ${automated(b)} with a test.`),
    '',
    ...[...BENCHMARKS].reverse().flatMap((b) => benchmarkTable(b, byId)),
  ].join('\n');
}

function controlsOfRule(id: string): Array<{ benchmark: Benchmark; control: Control }> {
  return BENCHMARKS.flatMap((benchmark) => benchmark.controls.filter((c) => c.rule === id).map((control) => ({ benchmark, control })));
}

/** rules-docs/<rule id>.md of a rule only the benchmark judges. */
export function benchmarkRulePage(info: BenchmarkRuleInfo, rule: RuleSummary): string {
  const entries = controlsOfRule(info.id);
  const byText = new Map<string, Array<{ benchmark: Benchmark; control: Control }>>();
  for (const entry of entries) {
    const key = `${entry.control.text}\u0000${describeCheck(entry.control.check)}`;
    byText.set(key, [...(byText.get(key) ?? []), entry]);
  }
  const what = [...byText.values()].map((group) => {
    const { control } = group[0];
    const ids = group.map(({ benchmark, control: c }) => `v${benchmark.version} ${c.id}`).join(', ');
    return `- CIS ${ids}${control.scored ? ' (scored)' : ''}: ${control.text}. Test: ${describeCheck(control.check)} ([${control.check.template} template](cis/${TEMPLATE_DIR}/${control.check.template}.md)).`;
  });
  const remedies = [...new Set(entries.flatMap(({ control }) => control.remediation.map(describeRemediation)))];
  const files = [...new Set(entries.map(({ benchmark, control }) => `[cfg/${benchmark.id}/${control.kubeBench}](${KUBE_BENCH_URL}/${benchmark.id}/${control.kubeBench})`))];
  const depth = '../'.repeat(info.id.split('/').length - 1);
  return [
    `# ${info.id}`,
    '',
    `**Level:** ${rule.level} · **Fix:** ${rule.fix === 'fix' ? 'an edit where the setting lives; otherwise a plan' : 'plan'} · **Runs with:** \`--benchmark\``,
    '',
    '## What it checks',
    'A CIS Kubernetes Benchmark control that no other kaudit rule judges; it runs only when a',
    'benchmark is asked for (`kaudit scan --benchmark cis`, or `benchmark:` in `.kaudit.yaml`).',
    ...what.map((line) => line.replace('](cis/', `](${depth}cis/`)),
    '',
    '## Why it matters',
    info.why,
    '',
    '## How to fix',
    ...remedies.map((r) => `- ${r}`),
    '',
    '## References',
    ...files.map((f) => `- kube-bench: ${f}`),
    `- [Every CIS control and kaudit's coverage](${depth}cis/controls.md)`,
    '',
  ].join('\n');
}

export { BENCHMARK_RULE_INFO };
