import { planFixes } from '../fixers/index.js';
import { buildFixPlan } from '../fixers/plan.js';
import { renderPlanJson, renderPlanText, renderWriteResult } from '../fixers/render.js';
import { writeChanges } from '../fixers/writer.js';
import { scan, type ScanOptions } from '../pipeline/scan.js';
import { diagnosticLine } from './diagnostics.js';

export interface FixCommandOptions {
  write: boolean;
  /** The plan as text for people, or JSON for scripts. */
  format?: 'text' | 'json';
  backupDir?: string;
  now: Date;
  expiryWindowDays?: number;
  rule: string[];
  config?: string;
}

/** A one-line progress bar on stderr, redrawn in place (only on a terminal). */
function progressBar(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    if (filled === last && done !== total) return;
    last = filled;
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** Runs `kaudit fix`: the dry run (diff, files, plan), or with --write the writes. Returns the exit status. */
export async function runFix(paths: string[], options: FixCommandOptions, toolVersion: string): Promise<number> {
  const scanOptions: ScanOptions = {
    now: options.now,
    rule: options.rule,
    disable: [],
    ...(options.expiryWindowDays !== undefined ? { expiryWindowDays: options.expiryWindowDays } : {}),
    ...(options.config ? { config: options.config } : {}),
  };
  const result = await scan(paths, scanOptions, toolVersion);
  for (const d of result.cluster.diagnostics) process.stderr.write(diagnosticLine(d));
  const progress = process.stderr.isTTY ? progressBar('working out fixes') : undefined;
  const changes = await planFixes(result.cluster, result.findings, { now: options.now, ...(progress ? { onProgress: progress } : {}) });
  const plan = buildFixPlan(changes);
  const json = options.format === 'json';
  const written = options.write && !changes.isEmpty ? writeChanges(changes, { now: new Date(), ...(options.backupDir ? { backupRoot: options.backupDir } : {}) }) : undefined;
  if (json) process.stdout.write(renderPlanJson(plan, options.write ? (written ?? { applied: [], notApplied: [], refused: [] }) : undefined));
  else {
    process.stdout.write(renderPlanText(plan, { write: options.write }));
    if (written) process.stdout.write(`\n${renderWriteResult(written)}`);
  }
  return written && (written.error || written.refused.length > 0) ? 1 : 0;
}
