/**
 * Scale benchmark (issue 14): how `kaudit scan` grows from 1,000 to 5,000 hosts, with the
 * issue's targets beside the measured figures.
 *   npm run build && npm run bench:scale [-- --hosts 1000,5000 --runs 3 --openssl-sample 500 --markdown --all-phases]
 *
 * For each size it generates the kubeadm cluster when missing (generate.ts), counts the
 * files and certificates in the tree, and times the built CLI at its default --jobs (the
 * median of --runs runs after one warm-up, with the peak RSS), reading each phase's time
 * from KAUDIT_TIMING=json. One run with `--benchmark cis` per size gives the compliance
 * phases and what the compliance view adds. From the smallest to the largest size it
 * prints the growth of the whole scan and of every phase, steepest first: a phase that
 * grows much faster than the hosts (a quadratic step) is flagged by its name.
 *
 * At the smallest size kaudit is compared with what an operator would do without it:
 *  - one `openssl x509` process per regular file, one after the other as a shell loop runs
 *    them (--openssl-sample N times N files spread over the tree and extrapolates);
 *  - a single-threaded loop in this process that reads every file and parses every
 *    certificate with node:crypto (PEM blocks, and kubeconfigs' base64 `*-data` fields).
 *    It pays no process start, so the comparison is, if anything, unfair to kaudit.
 * Progress goes to stderr; the tables go to stdout (--markdown: tables for the README).
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_OUT, ensureKubeadmCluster } from './generate.js';

// ---------------------------------------------------------------------------------------
// Options and targets

interface Options {
  sizes: number[];
  runs: number;
  /** Files to time the openssl loop on; undefined: every file of the tree. */
  opensslSample?: number;
  markdown: boolean;
  /** List the phases that take under PHASE_SHOWN_MS too. */
  allPhases: boolean;
}

/** The issue's figures, on a 2-core machine. */
const TARGET = {
  secondsAt: new Map([
    [1000, 2.2],
    [5000, 10],
  ]),
  /** Growth of the time may exceed the growth of the hosts by this factor (5.5× for 5× the hosts). */
  growthSlack: 1.1,
  peakRssMbAt: new Map([[5000, 1024]]),
  compliancePercent: 30,
  opensslSpeedup: 40,
  /** Faster than the bare read-and-parse loop. */
  loopSpeedup: 1,
};
/** A phase is flagged only when it matters: this much time at the largest size. */
const FLAG_MIN_MS = 50;
/** Phases under this at the largest size are noise in a growth table (--all-phases shows them). */
const PHASE_SHOWN_MS = 1;

function optionValue(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: "${text}" is not a positive whole number`);
  return value;
}

function parseOptions(): Options {
  const hosts = optionValue('hosts') ?? '1000,5000';
  const sizes = [...new Set(hosts.split(',').map((h) => positiveInteger('hosts', h.trim())))].sort((a, b) => a - b);
  const sample = optionValue('openssl-sample');
  return {
    sizes,
    runs: positiveInteger('runs', optionValue('runs') ?? '3'),
    ...(sample ? { opensslSample: positiveInteger('openssl-sample', sample) } : {}),
    markdown: process.argv.includes('--markdown'),
    allPhases: process.argv.includes('--all-phases'),
  };
}

// ---------------------------------------------------------------------------------------
// Timing the CLI

const CLI = path.resolve('dist/cli/main.js');
const REPORT_USAGE = path.resolve('bench/report-usage.mjs');

/** One run of kaudit: wall time, peak RSS and the time of each phase. */
interface Sample {
  ms: number;
  maxRssKb: number;
  phases: Record<string, number>;
}

/** The JSON after `prefix` on the line of stderr that starts with it. */
function taggedLine<T>(stderr: string, prefix: string): T | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith(`${prefix} `));
  return line ? (JSON.parse(line.slice(prefix.length + 1)) as T) : undefined;
}

function runKaudit(args: string[]): Sample {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', REPORT_USAGE, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KAUDIT_TIMING: 'json' },
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = taggedLine<{ maxRssKb: number }>(run.stderr, 'KAUDIT_BENCH');
  const phases = taggedLine<Record<string, number>>(run.stderr, 'KAUDIT_TIMING');
  // Exit 1 only says that findings were reported; 2 and above are failures.
  if (run.status === null || run.status > 1 || !usage || !phases) throw new Error(`kaudit ${args.join(' ')} failed (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  return { ms, maxRssKb: usage.maxRssKb, phases };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Each phase's median over the samples (a phase missing from a run counts as 0 there). */
function medianPhases(samples: Sample[]): Record<string, number> {
  const names = new Set(samples.flatMap((s) => Object.keys(s.phases)));
  return Object.fromEntries([...names].map((name) => [name, median(samples.map((s) => s.phases[name] ?? 0))]));
}

// ---------------------------------------------------------------------------------------
// The tree, and the loops kaudit is compared with

/** Every regular file under `root` (links are not followed, as `find -type f`). */
function regularFiles(root: string): string[] {
  const files: string[] = [];
  const folders = [root];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) folders.push(full);
      else if (entry.isFile()) files.push(full);
    }
  }
  return files;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** The certificates a kubeconfig embeds (client-key-data is a key, not a certificate). */
const KUBECONFIG_CERTIFICATE = /(?:certificate-authority|client-certificate)-data:\s*"?([A-Za-z0-9+/=]+)"?/g;

/** Parses every PEM certificate in `text` and reads what openssl prints; returns how many parsed. */
function parsePemCertificates(text: string): number {
  let parsed = 0;
  for (const [block] of text.matchAll(PEM_CERTIFICATE)) {
    try {
      const certificate = new X509Certificate(block);
      if (certificate.subject && certificate.validTo) parsed++;
    } catch {
      // Not a certificate after all: the loop goes on, as kaudit does.
    }
  }
  return parsed;
}

/** PEM blocks in the file, and the certificates kubeconfigs carry base64-encoded. */
function parseFileCertificates(data: Buffer): number {
  // latin1 maps every byte to one character: binary files cannot break the search.
  const text = data.toString('latin1');
  let parsed = parsePemCertificates(text);
  for (const [, base64] of text.matchAll(KUBECONFIG_CERTIFICATE)) parsed += parsePemCertificates(Buffer.from(base64, 'base64').toString('latin1'));
  return parsed;
}

interface TreeCensus {
  files: number;
  certificates: number;
}

/** The single-threaded read-and-parse loop: every file read, every certificate parsed. */
function readAndParseTree(root: string): TreeCensus {
  let files = 0;
  let certificates = 0;
  for (const file of regularFiles(root)) {
    files++;
    certificates += parseFileCertificates(fs.readFileSync(file));
  }
  return { files, certificates };
}

function timeReadAndParse(root: string, runs: number): number {
  readAndParseTree(root); // warm-up, as for kaudit
  return median(
    Array.from({ length: runs }, () => {
      const start = process.hrtime.bigint();
      readAndParseTree(root);
      return Number(process.hrtime.bigint() - start) / 1e6;
    }),
  );
}

/** `count` files spread evenly over the list, so the sample mixes certificates and other files as the tree does. */
function spreadSample(files: string[], count: number): string[] {
  if (count >= files.length) return files;
  const step = files.length / count;
  return Array.from({ length: count }, (_, i) => files[Math.floor(i * step)]);
}

interface OpensslTiming {
  ms: number;
  timedFiles: number;
  totalFiles: number;
}

/**
 * The loop an operator writes: `find DIR -type f | xargs -n 1 openssl x509 -noout -subject
 * -enddate -in`, one process per file and one at a time. Files that hold no certificate
 * make openssl fail, and cost their process all the same.
 */
function timeOpensslLoop(root: string, sample: number | undefined): OpensslTiming {
  const files = regularFiles(root);
  const timed = sample ? spreadSample(files, sample) : files;
  const start = process.hrtime.bigint();
  const run = spawnSync('xargs', ['-0', '-n', '1', 'openssl', 'x509', '-noout', '-subject', '-enddate', '-in'], {
    input: timed.join('\0'),
    stdio: ['pipe', 'ignore', 'ignore'],
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // xargs: 123 when some openssl failed (files without a certificate); 126/127: openssl cannot run.
  if (run.error || run.status === null || run.status > 123) throw new Error(`the openssl loop could not run: ${run.error?.message ?? `exit ${run.status}`}`);
  return { ms: (ms * files.length) / timed.length, timedFiles: timed.length, totalFiles: files.length };
}

// ---------------------------------------------------------------------------------------
// Measuring

interface SizeResult {
  hosts: number;
  census: TreeCensus;
  medianMs: number;
  peakRssMb: number;
  /** Median time of each phase; the compliance phases come from the --benchmark cis run. */
  phases: Record<string, number>;
  complianceMs: number;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function measureSize(hosts: number, dir: string, runs: number): SizeResult {
  progress(`cluster-${hosts}: counting files and certificates (this also fills the file cache)`);
  const census = readAndParseTree(dir);
  const args = ['scan', dir, '--format', 'json', '-o', path.join(BENCH_OUT, `report-scale-${hosts}.json`)];
  progress(`cluster-${hosts}: kaudit scan, one warm-up and ${runs} runs`);
  runKaudit(args);
  const samples = Array.from({ length: runs }, () => runKaudit(args));
  progress(`cluster-${hosts}: kaudit scan --benchmark cis`);
  const compliance = runKaudit([...args, '--benchmark', 'cis']);
  const complianceOnly = Object.entries(compliance.phases).filter(([name]) => name.startsWith('compliance'));
  return {
    hosts,
    census,
    medianMs: median(samples.map((s) => s.ms)),
    peakRssMb: Math.max(...samples.map((s) => s.maxRssKb)) / 1024,
    phases: { ...medianPhases(samples), ...Object.fromEntries(complianceOnly) },
    complianceMs: compliance.ms,
  };
}

interface Comparisons {
  hosts: number;
  kauditMs: number;
  openssl: OpensslTiming;
  loopMs: number;
}

function compareAt(result: SizeResult, dir: string, options: Options): Comparisons {
  progress(`cluster-${result.hosts}: the single-threaded read-and-parse loop, one warm-up and ${options.runs} runs`);
  const loopMs = timeReadAndParse(dir, options.runs);
  progress(`cluster-${result.hosts}: the openssl loop on ${options.opensslSample ? `${options.opensslSample} files` : 'every file'} (one process per file: minutes)`);
  const openssl = timeOpensslLoop(dir, options.opensslSample);
  return { hosts: result.hosts, kauditMs: result.medianMs, openssl, loopMs };
}

// ---------------------------------------------------------------------------------------
// Printing

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const millis = (ms: number) => `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
const factor = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×` : 'n/a');
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
const signedPercent = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}%`;

function renderTable(headers: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function sizesTable(results: SizeResult[], runs: number, markdown: boolean): string {
  const rows = results.map((r) => [
    count(r.hosts),
    count(r.census.files),
    count(r.census.certificates),
    seconds(r.medianMs),
    `${r.peakRssMb.toFixed(0)} MB`,
    `${seconds(r.complianceMs)} (${signedPercent(percentAdded(r))})`,
  ]);
  return renderTable(['hosts', 'files', 'certificates', `scan (median of ${runs})`, 'peak RSS', 'with --benchmark cis (1 run)'], rows, markdown);
}

function percentAdded(result: SizeResult): number {
  return ((result.complianceMs - result.medianMs) / result.medianMs) * 100;
}

interface PhaseGrowth {
  phase: string;
  smallMs: number;
  largeMs: number;
  growth: number;
  flagged: boolean;
}

function phaseGrowths(small: SizeResult, large: SizeResult): PhaseGrowth[] {
  const allowed = TARGET.growthSlack * (large.hosts / small.hosts);
  const names = new Set([...Object.keys(small.phases), ...Object.keys(large.phases)]);
  return [...names].map((phase) => {
    const smallMs = small.phases[phase] ?? 0;
    const largeMs = large.phases[phase] ?? 0;
    const growth = smallMs > 0 ? largeMs / smallMs : Number.POSITIVE_INFINITY;
    return { phase, smallMs, largeMs, growth, flagged: largeMs > FLAG_MIN_MS && growth > allowed };
  });
}

/**
 * Flagged phases first, then those that take long enough to matter, each group steepest
 * first: a step that turned quadratic is at the top, not hidden below the growth of a
 * phase of a millisecond (whose growth is mostly noise).
 */
function byConcern(a: PhaseGrowth, b: PhaseGrowth): number {
  if (a.flagged !== b.flagged) return a.flagged ? -1 : 1;
  const aMatters = a.largeMs > FLAG_MIN_MS;
  if (aMatters !== b.largeMs > FLAG_MIN_MS) return aMatters ? -1 : 1;
  return (Number.isFinite(b.growth) ? b.growth : 0) - (Number.isFinite(a.growth) ? a.growth : 0) || b.largeMs - a.largeMs;
}

function growthTable(small: SizeResult, large: SizeResult, options: Options): string {
  const allowed = TARGET.growthSlack * (large.hosts / small.hosts);
  const growths = phaseGrowths(small, large).sort(byConcern);
  const shown = options.allPhases ? growths : growths.filter((g) => g.largeMs >= PHASE_SHOWN_MS);
  const flag = `grows > ${factor(allowed)}`;
  const rows = [
    ['whole scan (wall)', seconds(small.medianMs), seconds(large.medianMs), factor(large.medianMs / small.medianMs), large.medianMs / small.medianMs > allowed ? flag : ''],
    ...shown.map((g) => [g.phase, millis(g.smallMs), millis(g.largeMs), factor(g.growth), g.flagged ? flag : '']),
  ];
  const hidden = growths.length - shown.length;
  const note = hidden > 0 ? `\n\n(${hidden} phases under ${PHASE_SHOWN_MS} ms at ${count(large.hosts)} hosts not shown; --all-phases lists them)` : '';
  const title = `Growth from ${count(small.hosts)} to ${count(large.hosts)} hosts (${factor(large.hosts / small.hosts)} the hosts); flagged: over ${FLAG_MIN_MS} ms and growing more than ${factor(allowed)}`;
  return `${title}\n\n${renderTable(['phase', `${count(small.hosts)} hosts`, `${count(large.hosts)} hosts`, 'growth', 'flag'], rows, options.markdown)}${note}`;
}

function targetRows(results: SizeResult[], comparisons: Comparisons): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    const target = TARGET.secondsAt.get(r.hosts);
    if (target !== undefined) rows.push([`scan, ${count(r.hosts)} hosts`, `≤ ${target} s`, seconds(r.medianMs), verdict(r.medianMs <= target * 1000)]);
  }
  const small = results[0];
  const large = results[results.length - 1];
  if (large !== small) {
    const allowed = TARGET.growthSlack * (large.hosts / small.hosts);
    const growth = large.medianMs / small.medianMs;
    rows.push([`growth, ${count(small.hosts)} → ${count(large.hosts)} hosts`, `≤ ${factor(allowed)}`, factor(growth), verdict(growth <= allowed)]);
  }
  for (const r of results) {
    const limitMb = TARGET.peakRssMbAt.get(r.hosts);
    if (limitMb !== undefined) rows.push([`peak RSS, ${count(r.hosts)} hosts`, `< ${limitMb / 1024} GB`, `${r.peakRssMb.toFixed(0)} MB`, verdict(r.peakRssMb < limitMb)]);
  }
  rows.push([`--benchmark cis adds, ${count(large.hosts)} hosts`, `≤ ${TARGET.compliancePercent}%`, signedPercent(percentAdded(large)), verdict(percentAdded(large) <= TARGET.compliancePercent)]);
  const { openssl } = comparisons;
  const extrapolated = openssl.timedFiles < openssl.totalFiles ? `, extrapolated from ${count(openssl.timedFiles)} of ${count(openssl.totalFiles)} files` : '';
  const opensslSpeedup = openssl.ms / comparisons.kauditMs;
  rows.push([`faster than one openssl per file, ${count(comparisons.hosts)} hosts (loop: ${seconds(openssl.ms)}${extrapolated})`, `≈ ${TARGET.opensslSpeedup}×`, factor(opensslSpeedup), verdict(opensslSpeedup >= TARGET.opensslSpeedup)]);
  const loopSpeedup = comparisons.loopMs / comparisons.kauditMs;
  rows.push([`faster than a 1-thread read-and-parse loop, ${count(comparisons.hosts)} hosts (in-process, no process start: ${seconds(comparisons.loopMs)})`, `> ${TARGET.loopSpeedup}×`, factor(loopSpeedup), verdict(loopSpeedup > TARGET.loopSpeedup)]);
  return rows;
}

function machineLine(): string {
  const commit = spawnSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout.trim();
  return `Machine: ${os.availableParallelism()} cores (os.availableParallelism), node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}; kaudit at ${commit || 'an unknown commit'}, default --jobs.`;
}

function printReport(results: SizeResult[], comparisons: Comparisons, options: Options): void {
  const sections = [machineLine(), sizesTable(results, options.runs, options.markdown)];
  if (results.length > 1) sections.push(growthTable(results[0], results[results.length - 1], options));
  sections.push(`Targets (issue 14)\n\n${renderTable(['check', 'target', 'measured', 'verdict'], targetRows(results, comparisons), options.markdown)}`);
  console.log(sections.join('\n\n'));
}

// ---------------------------------------------------------------------------------------

const options = parseOptions();
if (!fs.existsSync(CLI)) throw new Error('build first: npm run build (the benchmark times dist/cli/main.js)');
const dirs = new Map<number, string>();
for (const hosts of options.sizes) {
  progress(`cluster-${hosts}: generating when missing`);
  dirs.set(hosts, await ensureKubeadmCluster(hosts));
}
const results = options.sizes.map((hosts) => measureSize(hosts, dirs.get(hosts)!, options.runs));
const comparisons = compareAt(results[0], dirs.get(results[0].hosts)!, options);
printReport(results, comparisons, options);
