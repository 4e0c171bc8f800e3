import type { SourceLocation } from './types.js';
import type { FixIntent } from '../fixers/types.js';

export type Level = 'error' | 'warning' | 'note';

export const LEVEL_ORDER: Record<Level | 'none', number> = { none: 0, note: 1, warning: 2, error: 3 };

export interface Finding {
  ruleId: string;
  level: Level;
  message: string;
  /** The file and line that causes the finding. */
  at: SourceLocation;
  /** Every other place involved (the other hosts of a shared key pair, the peer's CA flag). */
  related: Array<SourceLocation & { message?: string }>;
  /** Identifies the finding across runs: rule, host, file and what is wrong, never the line. */
  fingerprint: string;
  /** Ids of the CIS Kubernetes Benchmark controls the finding fails (empty when none covers it). */
  cis: string[];
  /** The fix the rule proposes (none when it has no fix for this case). */
  fixes: FixIntent[];
}
