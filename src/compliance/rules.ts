/**
 * Findings of the benchmark: rules that report the failing controls of the evaluation.
 * A control only the benchmark judges is reported under its benchmark rule; a control
 * kaudit's own rule judges is reported by that rule — and, where the benchmark's test
 * fails a case that rule lets pass (CIS wants a setting stated that defaults to the safe
 * value), by the same rule ID with the benchmark's message. Never twice for one defect:
 * a control that a finding of an own rule already reports on a host is left to it.
 */
import { BENCHMARKS } from '../benchmarks/index.js';
import { BENCHMARK_RULE_INFO } from '../benchmarks/rules.js';
import { planOnlyReason, type Control } from '../benchmarks/types.js';
import { runRules } from '../engine.js';
import type { Cluster } from '../model/cluster.js';
import type { Finding } from '../model/finding.js';
import { defineRule, type Rule, type RuleContext, type RuleOptions } from '../rules/rule.js';
import { API_HOST } from './engine.js';
import type { ComplianceEvaluation, ControlResult } from './types.js';

function controlsOf(ruleId: string): Control[] {
  return BENCHMARKS.flatMap((b) => b.controls.filter((c) => c.rule === ruleId));
}

/** The failing results of an evaluation by rule, indexed once for all its rules. */
const failingByRule = new WeakMap<ComplianceEvaluation, Map<string, ControlResult[]>>();
function failingOf(evaluation: ComplianceEvaluation, ruleId: string): ControlResult[] {
  let index = failingByRule.get(evaluation);
  if (!index) {
    index = new Map();
    for (const result of evaluation.results) {
      if (!result.failed) continue;
      const list = index.get(result.control.rule);
      if (list) list.push(result);
      else index.set(result.control.rule, [result]);
    }
    failingByRule.set(evaluation, index);
  }
  return index.get(ruleId) ?? [];
}

/** Reports the failing controls of a rule that no own rule's finding reports yet. */
const reportFailures: (ruleId: string) => Rule['check'] = (ruleId) => (_cluster, context, report) => {
  const compliance = context.compliance;
  if (!compliance) return;
  context.each(
    failingOf(compliance.evaluation, ruleId),
    (result) => {
      if (compliance.reported.has(`${result.control.id}\u0000${result.host}`)) return;
      for (const defect of result.defects) report({ message: defect.message, at: defect.at, key: defect.key, fix: defect.fixes, cis: [result.control.id] });
    },
    (result) => result.defects[0]?.at,
  );
};

/** The rules only the benchmark judges, from their data (src/benchmarks/rules.ts) and the controls that name them. */
export const BENCHMARK_RULES: readonly Rule[] = BENCHMARK_RULE_INFO.map((info) => {
  const controls = controlsOf(info.id);
  const ids = [...new Set(controls.map((c) => c.id))];
  const fixable = controls.some((c) => c.remediation.length > 0 && !planOnlyReason(c));
  return defineRule({
    id: info.id,
    level: controls.some((c) => c.scored) ? 'error' : 'warning',
    title: info.title,
    description: info.why,
    fix: fixable ? 'fix' : 'plan',
    tags: ['cis', info.id.split('/')[0], ...ids.map((id) => `CIS-${id}`)],
    ...(ids.length === 1 ? { cis: ids } : {}),
    benchmarkOnly: true,
    check: reportFailures(info.id),
  });
});

/** The controls (id NUL host) that findings of kaudit's own rules report. */
function reportedBy(findings: Finding[], evaluation: ComplianceEvaluation): Set<string> {
  const hosts = new Set(evaluation.results.map((r) => r.host));
  const clusterWide = new Set(evaluation.benchmark.controls.filter((c) => c.node === 'policies').map((c) => c.id));
  const reported = new Set<string>();
  for (const finding of findings) {
    for (const id of finding.cis) {
      if (clusterWide.has(id)) reported.add(`${id}\u0000${API_HOST}`);
      for (const host of [finding.at.host, ...finding.related.map((r) => r.host)]) if (hosts.has(host)) reported.add(`${id}\u0000${host}`);
    }
  }
  return reported;
}

/**
 * Runs the benchmark's rules after kaudit's own: the selected benchmark-only rules, and
 * for each selected own rule that stands for a control, what the benchmark fails beyond it.
 */
export function runBenchmarkRules(cluster: Cluster, selected: readonly Rule[], own: Finding[], evaluation: ComplianceEvaluation, context: RuleOptions): Finding[] {
  const standIns = new Set(evaluation.benchmark.controls.map((c) => c.rule));
  const rules = selected.flatMap((rule): Rule[] => {
    if (rule.benchmarkOnly) return [rule];
    return standIns.has(rule.id) ? [{ ...rule, check: reportFailures(rule.id) }] : [];
  });
  return runRules(cluster, rules, { ...context, compliance: { evaluation, reported: reportedBy(own, evaluation) } });
}
