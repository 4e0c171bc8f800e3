import { planFixes } from '../fixers/index.js';
import { buildFixPlan } from '../fixers/plan.js';
import { renderPlanJson, renderPlanText, renderWriteResult } from '../fixers/render.js';
import { recoverInterruptedWrites, writeChanges } from '../fixers/writer.js';
import { guardSignals } from '../io/write.js';
import { terminalSafe } from '../reporters/terminal.js';
import { scan, type ScanOptions } from '../pipeline/scan.js';
import { diagnosticLine } from './diagnostics.js';
import { timed, timedAsync } from '../util/timing.js';

export interface FixCommandOptions {
  write: boolean;
  /** The plan as text for people, or JSON for scripts. */
  format?: 'text' | 'json';
  backupDir?: string;
  now: Date;
  expiryWindowDays?: number;
  rule: string[];
  config?: string;
  /** --benchmark: fix the benchmark's controls too. */
  benchmark?: string;
  /** --jobs: worker threads that read hosts and re-issue certificates. */
  jobs?: number;
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
    ...(options.benchmark ? { benchmark: options.benchmark } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  };
  // A run killed in the middle of its write is rolled back first, so the scan sees whole files.
  if (options.write) for (const message of recoverInterruptedWrites(paths, options.backupDir)) process.stderr.write(`kaudit: ${message}\n`);
  const result = await scan(paths, scanOptions, toolVersion);
  for (const d of result.cluster.diagnostics) process.stderr.write(diagnosticLine(d));
  const progress = process.stderr.isTTY ? progressBar('working out fixes') : undefined;
  const changes = await timedAsync('fix: changes', () => planFixes(result.cluster, result.findings, { now: options.now, ...(progress ? { onProgress: progress } : {}) }));
  const plan = buildFixPlan(changes);
  const json = options.format === 'json';
  let written: ReturnType<typeof writeChanges> | undefined;
  if (options.write && !changes.isEmpty) {
    // SIGINT and SIGTERM wait for the (synchronous) write: it completes or is rolled back, never half done.
    guardSignals(() => 'the write in progress was completed or rolled back first: every file is either as it was or as fixed');
    written = timed('fix: write', () => writeChanges(changes, { now: new Date(), ...(options.backupDir ? { backupRoot: options.backupDir } : {}) }));
  }
  if (json) process.stdout.write(renderPlanJson(plan, options.write ? (written ?? { applied: [], notApplied: [], refused: [] }) : undefined));
  else {
    process.stdout.write(terminalSafe(renderPlanText(plan, { write: options.write })));
    if (written) process.stdout.write(`\n${terminalSafe(renderWriteResult(written))}`);
  }
  return written && (written.error || written.refused.length > 0) ? 1 : 0;
}
