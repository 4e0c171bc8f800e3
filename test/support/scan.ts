import { collect } from '../../src/collectors/index.js';
import { runRules } from '../../src/engine.js';
import type { Cluster } from '../../src/model/cluster.js';
import type { Finding } from '../../src/model/finding.js';
import { RULES, rulesMatching } from '../../src/rules/index.js';

export interface ScanOutcome {
  cluster: Cluster;
  findings: Finding[];
}

/** Collects and runs rules in-process, as `kaudit scan` does. */
export function scanPaths(paths: string[], options: { now?: Date; rules?: string[]; expiryWindowDays?: number } = {}, prepare?: (cluster: Cluster) => void): ScanOutcome {
  const cluster = collect(paths);
  prepare?.(cluster);
  const rules = options.rules ? options.rules.flatMap(rulesMatching) : [...RULES];
  const findings = runRules(cluster, rules, { now: options.now ?? new Date(), expiryWindowDays: options.expiryWindowDays ?? 30 });
  return { cluster, findings };
}

/** "rule host file:line" lines, the form RuleTester-style tables compare. */
export function summarize(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.at.host} ${f.at.file}${f.at.line ? `:${f.at.line}` : ''}`);
}
