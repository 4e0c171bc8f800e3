import { createHash } from 'node:crypto';
import type { Cluster } from './model/cluster.js';
import type { Finding } from './model/finding.js';
import type { Rule, RuleContext } from './rules/rule.js';

function fingerprintOf(ruleId: string, host: string, file: string, key: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${host}\u0000${file}\u0000${key}`).digest('hex').slice(0, 32);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.at.host.localeCompare(b.at.host) ||
    a.at.file.localeCompare(b.at.file) ||
    (a.at.line ?? 0) - (b.at.line ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

/**
 * Runs rules over the model. A rule that throws is a bug in kaudit: it becomes one
 * diagnostic and the other rules still run.
 */
export function runRules(cluster: Cluster, rules: readonly Rule[], context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    try {
      rule.check(cluster, context, (report) => {
        const fingerprint = fingerprintOf(rule.id, report.at.host, report.at.file, report.key);
        if (seen.has(fingerprint)) return;
        seen.add(fingerprint);
        const fixes = report.fix === undefined ? [] : Array.isArray(report.fix) ? report.fix : [report.fix];
        findings.push({ ruleId: rule.id, level: rule.level, message: report.message, at: report.at, related: report.related ?? [], fingerprint, cis: report.cis ?? rule.cis ?? [], fixes });
      });
    } catch (error) {
      cluster.diagnostics.push({ level: 'error', message: `rule ${rule.id} failed: ${(error as Error).message}` });
    }
  }
  return findings.sort(compareFindings);
}
