import { LEVEL_ORDER, type Level } from '../model/finding.js';
import { formatJson } from '../reporters/json.js';
import type { ScanResult } from '../reporters/result.js';
import { formatSarif } from '../reporters/sarif.js';
import { formatText, type TextOptions } from '../reporters/text.js';
import { formatJunit } from '../reporters/junit.js';
import { formatHtml } from '../reporters/html.js';
import { UsageError } from './errors.js';
import { artifactBases } from './sarif-root.js';
import { diagnosticLine } from './diagnostics.js';
import { terminalWidth, wantsColor } from './tty.js';
import { applyBaseline, writeBaseline } from './baseline.js';
import { hasLiveSources, scan, type ScanOptions as PipelineOptions } from '../pipeline/scan.js';
import path from 'node:path';
import { ensureUserFolder, writeUserFile } from '../io/write.js';
import { timed } from '../util/timing.js';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanOptions extends PipelineOptions {
  /** Reports to write, in pairs with `outputs` (one without an output goes to stdout). */
  formats: Format[];
  outputs: string[];
  failOn: Level | 'none';
  /** Report only findings this baseline does not hold. */
  baseline?: string;
  /** Record today's findings as the baseline, and succeed. */
  baselineWrite?: string;
  /** SARIF URIs relative to this folder instead of the git work tree's root. */
  sarifRoot?: string;
  /** The text report shows findings at this level and above (--severity, --quiet); nothing else changes. */
  minLevel?: Level;
  /** --no-color: never colour, even on a terminal. */
  color?: boolean;
}

export function render(result: ScanResult, format: Format, text: TextOptions = { color: false }): string {
  if (format === 'json') return formatJson(result);
  if (format === 'sarif') return formatSarif(result);
  if (format === 'junit') return formatJunit(result);
  if (format === 'html') return formatHtml(result);
  return formatText(result, text);
}

/** How the text report is laid out on a stream: colour and width (a file gets neither colour nor a terminal's width). */
function textOptions(options: ScanOptions, stream?: NodeJS.WriteStream): TextOptions {
  const color = options.color !== false && stream !== undefined && wantsColor(stream);
  return { color, width: terminalWidth(stream), ...(options.minLevel ? { minLevel: options.minLevel } : {}) };
}

/** A report written to --output: its folder is created when it does not exist yet. */
function writeReportFile(file: string, content: string): void {
  ensureUserFolder(path.dirname(path.resolve(file)), 0o755);
  writeUserFile(file, content);
}

/** Pairs --format and --output in order: every format but one needs its file. */
export function pairReports(formats: string[], outputs: string[]): { formats: Format[]; outputs: string[] } {
  const chosen = (formats.length ? formats : ['text']).map((f) => {
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: "${f}" is not one of ${FORMATS.join(', ')}`);
    return f as Format;
  });
  if (outputs.length > chosen.length) throw new UsageError(`--output given ${outputs.length} times for ${chosen.length} --format`);
  if (chosen.length - outputs.length > 1) throw new UsageError('with several --format, every one but the last needs its --output (in the same order)');
  return { formats: chosen, outputs };
}

/** Runs `kaudit scan` and returns the exit status. */
export async function runScan(paths: string[], options: ScanOptions, toolVersion: string): Promise<number> {
  const progress = process.stderr.isTTY && hasLiveSources(options) ? (what: string) => process.stderr.write(`\r\u001b[Kreading ${what}…`) : undefined;
  const result = await scan(paths, { ...options, ...(progress ? { onProgress: progress } : {}) }, toolVersion);
  if (progress) process.stderr.write('\r\u001b[K');
  if (options.baseline) {
    const { findings, outcome } = applyBaseline(options.baseline, result.findings);
    result.findings = findings;
    result.baseline = outcome;
  }
  if (options.formats.includes('sarif')) result.artifactBases = artifactBases(result.cluster.roots.map((root) => root.path), options.sarifRoot);
  for (const d of result.cluster.diagnostics) process.stderr.write(diagnosticLine(d));
  options.formats.forEach((format, index) => {
    const output = options.outputs[index];
    timed(`report ${format}`, () => {
      if (output) writeReportFile(output, render(result, format, textOptions(options)));
      else process.stdout.write(render(result, format, textOptions(options, process.stdout)));
    });
  });
  if (options.baselineWrite) {
    writeBaseline(options.baselineWrite, result.findings, options.now);
    process.stderr.write(`kaudit: baseline of ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} written to ${options.baselineWrite}\n`);
    return 0;
  }
  const threshold = LEVEL_ORDER[options.failOn];
  const failing = threshold > 0 && result.findings.some((f) => LEVEL_ORDER[f.level] >= threshold);
  return failing ? 1 : 0;
}
