/**
 * The compliance step of the pipeline: which benchmark, its verdicts, the findings it adds
 * to kaudit's own, and the report that joins them.
 */
import { benchmarkById, benchmarkForVersion, type Selection, type VersionEvidence } from '../benchmarks/index.js';
import { compareFindings } from '../engine.js';
import type { Cluster } from '../model/cluster.js';
import type { Finding } from '../model/finding.js';
import type { ComponentKind } from '../model/types.js';
import { parseVersion } from '../rules/lib/versions.js';
import type { Rule, RuleOptions } from '../rules/rule.js';
import { complianceReport, evaluateBenchmark } from './engine.js';
import { runBenchmarkRules } from './rules.js';
import type { ComplianceEvaluation, ComplianceReport } from './types.js';

export { BENCHMARK_RULES } from './rules.js';

/** The lowest version of a component kind in the scan, and where it runs. */
function lowestVersion(cluster: Cluster, kind: ComponentKind): VersionEvidence | undefined {
  let lowest: { version: string; host: string; parsed: NonNullable<ReturnType<typeof parseVersion>> } | undefined;
  for (const component of cluster.components) {
    if (component.kind !== kind || !component.version) continue;
    const parsed = parseVersion(component.version);
    if (!parsed) continue;
    if (!lowest || parsed.major < lowest.parsed.major || (parsed.major === lowest.parsed.major && (parsed.minor < lowest.parsed.minor || (parsed.minor === lowest.parsed.minor && parsed.patch < lowest.parsed.patch)))) {
      lowest = { version: parsed.text, host: component.host, parsed };
    }
  }
  return lowest ? { version: lowest.version, from: `the lowest ${kind} version (on ${lowest.host})` } : undefined;
}

/**
 * `cis` follows the cluster: the lowest apiserver version, else the lowest kubelet version,
 * mapped as kube-bench maps versions; a benchmark id is taken as asked.
 */
export function chooseBenchmark(cluster: Cluster, choice: string): Selection {
  const asked = benchmarkById(choice);
  if (asked) return { benchmark: asked, why: `asked for (--benchmark ${choice})` };
  return benchmarkForVersion(lowestVersion(cluster, 'kube-apiserver') ?? lowestVersion(cluster, 'kubelet'));
}

/** Evaluates the chosen benchmark; `ruleExists` tells which rules this build has (section 5's come through the API). */
export function evaluateCompliance(cluster: Cluster, choice: string, ruleExists: (id: string) => boolean): ComplianceEvaluation {
  const selection = chooseBenchmark(cluster, choice);
  return evaluateBenchmark(cluster, selection.benchmark, selection.why, selection.note ? [selection.note] : [], ruleExists);
}

/** The findings the benchmark adds to those of kaudit's own rules, all of them sorted. */
export function withBenchmarkFindings(cluster: Cluster, selected: readonly Rule[], own: Finding[], evaluation: ComplianceEvaluation, context: RuleOptions): Finding[] {
  return [...own, ...runBenchmarkRules(cluster, selected, own, evaluation, context)].sort(compareFindings);
}

export function buildComplianceReport(evaluation: ComplianceEvaluation, findings: Finding[], cluster: Cluster): ComplianceReport {
  return complianceReport(evaluation, findings, cluster.unknowns);
}
