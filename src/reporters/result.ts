import type { Cluster } from '../model/cluster.js';
import type { Finding, Level } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import type { SuppressionOutcome } from '../pipeline/suppressions.js';
import type { ComplianceReport } from '../compliance/types.js';

/** Everything a reporter needs; reporters never recompute findings. */
export interface ScanResult {
  cluster: Cluster;
  findings: Finding[];
  /** The rules that were evaluated. */
  rules: readonly Rule[];
  now: Date;
  /** Certificates expiring within this many days are marked as expiring. */
  expiryWindowDays?: number;
  toolVersion: string;
  /** With --baseline: how many findings it held, and how many of its findings are gone. */
  baseline?: { file: string; known: number; gone: number };
  /** Findings inline suppressions cover: shown as suppressed, never failing. */
  suppressed?: SuppressionOutcome['suppressed'];
  /** Inline suppressions that cover nothing. */
  unusedSuppressions?: SuppressionOutcome['unused'];
  /** SARIF: what each scanned root's URIs are relative to (by default, the root itself). */
  artifactBases?: ArtifactBase[];
  /** With --benchmark: every control's status on every host where it applies. */
  compliance?: ComplianceReport;
}

/** The folder a scanned root's SARIF URIs are relative to, and the root's path from there. */
export interface ArtifactBase {
  dir: string;
  /** The root's path below `dir` ('' when it is `dir`). */
  prefix: string;
  /** A git work tree, `--sarif-root`, or the scanned path itself. */
  kind: 'git' | 'sarif-root' | 'scanned';
}

export function countByLevel(findings: Finding[]): Record<Level, number> {
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) counts[finding.level]++;
  return counts;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
