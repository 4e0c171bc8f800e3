import type { Benchmark, Control } from '../benchmarks/types.js';
import type { FixIntent } from '../fixers/types.js';
import type { SettingOrigin, SourceLocation } from '../model/types.js';

/**
 * kube-bench's statuses, and two of kaudit's: UNKNOWN when the data that would decide it
 * is missing (and what would supply it), N/A when what the control is about is not on
 * the host (no admin.conf, kube-proxy run as a DaemonSet, no kubelet config file).
 */
export type ControlStatus = 'PASS' | 'FAIL' | 'WARN' | 'UNKNOWN' | 'N/A';

export const STATUSES: readonly ControlStatus[] = ['PASS', 'FAIL', 'WARN', 'UNKNOWN', 'N/A'];

/** Where the evidence of a verdict comes from. */
export interface Evidence {
  /** A setting's origin; `default` when the component runs with its default; `file` for a mode or owner; `finding` when a rule's finding decided. */
  origin: SettingOrigin | 'default' | 'file' | 'finding' | 'api';
  at?: SourceLocation;
  /** The flag, variable, config field or file. */
  key?: string;
  value?: string;
}

/** One thing that makes a control fail on a host: one finding reports it. */
export interface Defect {
  message: string;
  at: SourceLocation;
  /** Stable across runs and benchmark versions: the setting or file, never the control number. */
  key: string;
  fixes: FixIntent[];
}

export interface ControlResult {
  control: Control;
  host: string;
  status: ControlStatus;
  /** The control's test failed (FAIL, or WARN of an unscored control): findings report it. */
  failed: boolean;
  reason: string;
  source?: Evidence;
  /** For UNKNOWN: the cause (shared by the controls it leaves open) and what would supply the data. */
  unknown?: { cause: string; supply: string };
  defects: Defect[];
  /** Fingerprints of the findings that report it (filled once the rules have run). */
  findings: string[];
}

/** A benchmark applied to a cluster: the verdict of every control on every host where it applies. */
export interface ComplianceEvaluation {
  benchmark: Benchmark;
  /** Why this benchmark: asked for, or chosen from the cluster's version (and which). */
  why: string;
  notes: string[];
  results: ControlResult[];
}

export type Totals = Record<ControlStatus, number>;

/** What reporters print: the evaluation with its totals. */
export interface ComplianceReport extends ComplianceEvaluation {
  totals: Totals;
  byHost: Map<string, Totals>;
  bySection: Map<string, Totals>;
}
