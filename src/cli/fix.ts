import { planFixes } from '../fixers/index.js';
import { renderChanges, renderWriteResult } from '../fixers/render.js';
import { recoverInterruptedWrites, writeChanges } from '../fixers/writer.js';
import { guardSignals } from '../io/write.js';
import { oneLine, terminalSafe } from '../reporters/terminal.js';
import { scan, type ScanOptions } from '../pipeline/scan.js';

export interface FixCommandOptions {
  write: boolean;
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
  // A run killed in the middle of its write is rolled back first, so the scan sees whole files.
  if (options.write) for (const message of recoverInterruptedWrites(paths, options.backupDir)) process.stderr.write(`kaudit: ${message}\n`);
  const result = await scan(paths, scanOptions, toolVersion);
  for (const d of result.cluster.diagnostics) process.stderr.write(`kaudit: ${d.level}: ${oneLine(`${d.at ? `${d.at.file}: ` : ''}${d.message}`)}\n`);
  const progress = process.stderr.isTTY ? progressBar('working out fixes') : undefined;
  const changes = await planFixes(result.cluster, result.findings, { now: options.now, ...(progress ? { onProgress: progress } : {}) });
  process.stdout.write(terminalSafe(renderChanges(changes)));
  if (!options.write) return 0;
  if (changes.isEmpty) return 0;
  // SIGINT and SIGTERM wait for the (synchronous) write: it completes or is rolled back, never half done.
  guardSignals(() => 'the write in progress was completed or rolled back first: every file is either as it was or as fixed');
  const written = writeChanges(changes, { now: new Date(), ...(options.backupDir ? { backupRoot: options.backupDir } : {}) });
  process.stdout.write(`\n${terminalSafe(renderWriteResult(written))}`);
  return written.error || written.refused.length > 0 ? 1 : 0;
}
