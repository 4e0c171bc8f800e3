import { planFixes } from '../fixers/index.js';
import { renderChanges, renderWriteResult } from '../fixers/render.js';
import { writeChanges } from '../fixers/writer.js';
import { scan, type ScanOptions } from '../pipeline/scan.js';

export interface FixCommandOptions {
  write: boolean;
  backupDir?: string;
  now: Date;
  expiryWindowDays?: number;
  rule: string[];
  config?: string;
  /** --benchmark: fix the benchmark's controls too. */
  benchmark?: string;
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
  };
  const result = await scan(paths, scanOptions, toolVersion);
  for (const d of result.cluster.diagnostics) process.stderr.write(`kaudit: ${d.level}: ${d.at ? `${d.at.file}: ` : ''}${d.message}\n`);
  const progress = process.stderr.isTTY ? progressBar('working out fixes') : undefined;
  const changes = await planFixes(result.cluster, result.findings, { now: options.now, ...(progress ? { onProgress: progress } : {}) });
  process.stdout.write(renderChanges(changes));
  if (!options.write) return 0;
  if (changes.isEmpty) return 0;
  const written = writeChanges(changes, { now: new Date(), ...(options.backupDir ? { backupRoot: options.backupDir } : {}) });
  process.stdout.write(`\n${renderWriteResult(written)}`);
  return written.error || written.refused.length > 0 ? 1 : 0;
}
