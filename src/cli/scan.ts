import fs from 'node:fs';
import { collect } from '../collectors/index.js';
import { runRules } from '../engine.js';
import { LEVEL_ORDER, type Level } from '../model/finding.js';
import { formatJson } from '../reporters/json.js';
import type { ScanResult } from '../reporters/result.js';
import { formatSarif } from '../reporters/sarif.js';
import { formatText } from '../reporters/text.js';
import { formatJunit } from '../reporters/junit.js';
import { formatHtml } from '../reporters/html.js';
import { RULES, ruleMatchesPattern, rulesMatching } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { UsageError } from './errors.js';
import { applyBaseline, writeBaseline } from './baseline.js';
import { applySuppressions } from './suppressions.js';
import { findConfig, globToRegExp, loadConfig, type KauditConfig } from './config.js';
import { parseWindow } from './options.js';
import type { Finding } from '../model/finding.js';
import type { Cluster } from '../model/cluster.js';

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  requestTimeoutMs?: number;
  /** Nodes' root file systems mounted elsewhere, read as live nodes. */
  hostRoots?: string[];
  etcdEndpoints?: string[];
  etcdCacert?: string;
  etcdCert?: string;
  etcdKey?: string;
}

export interface ScanOptions extends LiveOptions {
  /** Reports to write, in pairs with `outputs` (one without an output goes to stdout). */
  formats: Format[];
  outputs: string[];
  failOn: Level | 'none';
  now: Date;
  /** --expiry-window; else the config file's, else 30 days. */
  expiryWindowDays?: number;
  rule: string[];
  disable: string[];
  /** Report only findings this baseline does not hold. */
  baseline?: string;
  /** Record today's findings as the baseline, and succeed. */
  baselineWrite?: string;
  /** Honour `# kaudit-ignore` comments and `kaudit.io/ignore` annotations (default: yes). */
  inlineIgnores?: boolean;
  /** --config; without it .kaudit.yaml is looked for in the working directory, then the first PATH. */
  config?: string;
}

const DEFAULT_EXPIRY_WINDOW_DAYS = 30;

/** Config level overrides: a rule's own entry wins over its category's. */
function overrideLevels(findings: Finding[], config: KauditConfig): void {
  const exact = new Map(config.levels.filter((l) => !l.pattern.endsWith('/*')).map((l) => [l.pattern, l.level]));
  const byCategory = config.levels.filter((l) => l.pattern.endsWith('/*'));
  for (const finding of findings) {
    const level = exact.get(finding.ruleId) ?? byCategory.find((l) => ruleMatchesPattern(finding.ruleId, l.pattern))?.level;
    if (level) finding.level = level;
  }
}

/** The rules to run: all, or those --rule names, less those --disable names. */
export function selectRules(only: string[], disabled: string[]): Rule[] {
  const resolve = (pattern: string) => {
    const matched = rulesMatching(pattern);
    if (matched.length === 0) throw new UsageError(`unknown rule "${pattern}" (see kaudit rules)`);
    return matched;
  };
  const selected = only.length > 0 ? new Set(only.flatMap(resolve)) : new Set(RULES);
  for (const pattern of disabled) for (const rule of resolve(pattern)) selected.delete(rule);
  return RULES.filter((rule) => selected.has(rule));
}

export async function scan(paths: string[], options: ScanOptions, toolVersion: string): Promise<ScanResult> {
  const configFile = findConfig(options.config, paths);
  const config = configFile ? loadConfig(configFile) : undefined;
  const rules = selectRules(options.rule, [...options.disable, ...(config?.disabled ?? [])]);
  const kube = options.kubeconfig !== undefined || options.inCluster === true;
  if (paths.length === 0 && !options.etcdEndpoints?.length && !options.hostRoots?.length && !kube) {
    throw new UsageError('nothing to scan: give a PATH, --host-root, --kubeconfig (or --in-cluster) or --etcd-endpoints');
  }
  const cluster = collect(paths, options.hostRoots ?? []);
  const progress = process.stderr.isTTY ? (what: string) => process.stderr.write(`\r\u001b[Kreading ${what}…`) : undefined;
  if (kube) {
    // Loaded only when asked for: the client takes a moment to load, a folder scan does not pay for it.
    const { collectLiveKube } = await import('../collectors/live-kube.js');
    await collectLiveKube(cluster, {
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
  }
  if (options.etcdEndpoints?.length) {
    // Loaded only when asked for: a folder scan does not pay for live sources.
    const { collectLiveEtcd } = await import('../collectors/live-etcd.js');
    await collectLiveEtcd(cluster, {
      endpoints: options.etcdEndpoints,
      ...(options.etcdCacert ? { cacert: options.etcdCacert } : {}),
      ...(options.etcdCert ? { cert: options.etcdCert } : {}),
      ...(options.etcdKey ? { key: options.etcdKey } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
    });
  }
  if (progress && (kube || options.etcdEndpoints?.length)) process.stderr.write('\r\u001b[K');
  const expiryWindowDays = options.expiryWindowDays ?? (config?.expiryWindow ? parseWindow(config.expiryWindow) : DEFAULT_EXPIRY_WINDOW_DAYS);
  const findings = runRules(cluster, rules, { now: options.now, expiryWindowDays });
  const { findings: kept, suppressed, unused } = waiveFindings(cluster, findings, rules, config, options);
  return { cluster, findings: kept, suppressed, unusedSuppressions: unused, rules, now: options.now, expiryWindowDays, toolVersion };
}

/** What the config file and inline suppressions make of the rules' findings. */
function waiveFindings(cluster: Cluster, findings: Finding[], rules: Rule[], config: KauditConfig | undefined, options: ScanOptions) {
  if (config) {
    overrideLevels(findings, config);
    const ignoredPaths = config.ignorePaths.map(globToRegExp);
    findings = findings.filter((f) => f.at.root < 0 || !ignoredPaths.some((glob) => glob.test(f.at.file)));
  }
  const ignores = (config?.ignores ?? []).filter((entry) => {
    if (!entry.expires || entry.expires > options.now) return true;
    // An expired ignore no longer applies: its findings come back, and the log says why.
    cluster.diagnostics.push({ level: 'warning', message: `${entry.file}:${entry.line}: the ignore of ${entry.rule} expired on ${entry.expires.toISOString().slice(0, 10)}; its findings are reported again` });
    return false;
  });
  const inline = options.inlineIgnores === false ? [] : cluster.suppressions;
  return applySuppressions(findings, inline, ignores, rules);
}

export function render(result: ScanResult, format: Format, color: boolean): string {
  if (format === 'json') return formatJson(result);
  if (format === 'sarif') return formatSarif(result);
  if (format === 'junit') return formatJunit(result);
  if (format === 'html') return formatHtml(result);
  return formatText(result, { color });
}

function wantsColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
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
  const result = await scan(paths, options, toolVersion);
  if (options.baseline) {
    const { findings, outcome } = applyBaseline(options.baseline, result.findings);
    result.findings = findings;
    result.baseline = outcome;
  }
  for (const d of result.cluster.diagnostics) {
    const where = d.at ? `${d.at.file}: ` : '';
    process.stderr.write(`kaudit: ${d.level}: ${where}${d.message}\n`);
  }
  options.formats.forEach((format, index) => {
    const output = options.outputs[index];
    if (output) fs.writeFileSync(output, render(result, format, false));
    else process.stdout.write(render(result, format, wantsColor(process.stdout)));
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
