/** What every distribution fixture test asks: silent when clean, every planted defect where it is, fixes that hold. */
import { expect } from 'vitest';
import { planFixes } from '../../src/fixers/index.js';
import { writeChanges } from '../../src/fixers/writer.js';
import type { Finding } from '../../src/model/finding.js';
import { scanPaths, type ScanOutcome } from './scan.js';

/** "rule host file:line", the form the tables of the tests compare. */
export function lines(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.at.host} ${f.at.file}${f.at.line ? `:${f.at.line}` : ''}`);
}

/** Findings at warning or error level (a clean fixture may carry notes). */
export function serious(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.level !== 'note');
}

/** Writes every fix of the findings (of the given rules), scans again and returns the findings left. */
export async function fixAndRescan(dir: string, scan: ScanOutcome, rules?: string[]): Promise<Finding[]> {
  const { cluster, findings } = scan;
  const chosen = rules ? findings.filter((f) => rules.includes(f.ruleId)) : findings;
  const changes = await planFixes(cluster, chosen, { now: new Date() });
  expect(changes.conflicts).toEqual([]);
  expect(changes.skipped).toEqual([]);
  const written = writeChanges(changes, { now: new Date() });
  expect(written.error).toBeUndefined();
  return scanPaths([dir]).findings;
}
