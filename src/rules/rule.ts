import type { Cluster } from '../model/cluster.js';
import type { Level } from '../model/finding.js';
import type { SourceLocation } from '../model/types.js';
import type { FixIntent } from '../fixers/types.js';
import type { ComplianceEvaluation } from '../compliance/types.js';

export interface RuleContext {
  /** The clock for validity checks (`--now`). */
  now: Date;
  /** How far ahead pki/cert-expiring looks, in days (`--expiry-window`). */
  expiryWindowDays: number;
  /**
   * Checks each object on its own: an object on which the check throws (a shape no one
   * foresaw) becomes a note naming the rule and the object's file, and the other objects
   * are still checked. `where` locates an object that has no `at` or `definedAt`.
   */
  each<T>(items: Iterable<T>, check: (item: T) => void, where?: (item: T) => SourceLocation | undefined): void;
  /**
   * With --benchmark: the benchmark's verdicts, and the controls that findings of kaudit's
   * own rules already report (`id` NUL `host`), which the benchmark does not report again.
   */
  compliance?: { evaluation: ComplianceEvaluation; reported: Set<string> };
}

/** What a caller of the rules gives them; the engine adds the rest of the context. */
export type RuleOptions = Omit<RuleContext, 'each'>;

export interface Report {
  message: string;
  at: SourceLocation;
  related?: Array<SourceLocation & { message?: string }>;
  /**
   * What is wrong, independent of line numbers and of the clock (a flag name, a
   * certificate fingerprint): with the rule, host and file it makes the fingerprint.
   */
  key: string;
  /** What `kaudit fix` does for this finding: changes to write, or plan steps. */
  fix?: FixIntent | FixIntent[];
  /** The CIS controls this finding fails, when they differ from the rule's own `cis`. */
  cis?: string[];
  /** A level of its own, when this case is graver than the rule's usual one. */
  level?: Level;
}

export interface Rule {
  id: string;
  level: Level;
  title: string;
  /** One sentence: why it matters. */
  description: string;
  /** What `kaudit fix` does for it. */
  fix: 'fix' | 'plan';
  tags: string[];
  /** The CIS Kubernetes Benchmark (v1.12) controls every finding of this rule fails. */
  cis?: string[];
  /** Judged only when a benchmark is asked for (`--benchmark`): a CIS control no other rule judges. */
  benchmarkOnly?: boolean;
  check(cluster: Cluster, context: RuleContext, report: (finding: Report) => void): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
