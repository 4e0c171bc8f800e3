import type { Finding } from '../model/finding.js';
import { UsageError } from './errors.js';
import { ReadRefused, readUserFile } from '../io/read.js';
import { writeUserFile } from '../io/write.js';

/** What a baseline file holds: today's findings by their stable fingerprint. */
interface BaselineFile {
  kaudit: 'baseline';
  version: 1;
  createdAt: string;
  findings: Array<{ fingerprint: string; ruleId: string; host: string; file: string }>;
}

export function writeBaseline(file: string, findings: Finding[], now: Date): void {
  const baseline: BaselineFile = {
    kaudit: 'baseline',
    version: 1,
    createdAt: now.toISOString(),
    findings: findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, host: f.at.host, file: f.at.file })).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)),
  };
  writeUserFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

export interface BaselineOutcome {
  file: string;
  /** Findings of today that the baseline holds: not reported, not failing. */
  known: number;
  /** Findings of the baseline that are gone. */
  gone: number;
}

/** Splits findings into the new ones and those the baseline already holds. */
export function applyBaseline(file: string, findings: Finding[]): { findings: Finding[]; outcome: BaselineOutcome } {
  let baseline: BaselineFile;
  try {
    baseline = JSON.parse(readUserFile(file).toString('utf8')) as BaselineFile;
  } catch (error) {
    const why = error instanceof ReadRefused ? error.message : 'not a kaudit baseline (invalid JSON)';
    throw new UsageError(`--baseline ${file}: ${why}`);
  }
  if (baseline.kaudit !== 'baseline' || !Array.isArray(baseline.findings)) throw new UsageError(`--baseline ${file}: not a kaudit baseline (write one with --baseline-write)`);
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  const fresh = findings.filter((f) => !known.has(f.fingerprint));
  const present = new Set(findings.map((f) => f.fingerprint));
  return { findings: fresh, outcome: { file, known: findings.length - fresh.length, gone: baseline.findings.filter((f) => !present.has(f.fingerprint)).length } };
}
