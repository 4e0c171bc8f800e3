/**
 * The scan pipeline below the command line: sources → collectors → model → rules →
 * findings, then what the configuration and suppressions make of them. `kaudit scan`
 * and `kaudit fix` both run it; the CLI only parses options and prints.
 */
import { collectParallel } from '../collectors/index.js';
import { runRules } from '../engine.js';
import type { Cluster } from '../model/cluster.js';
import type { Finding, Level } from '../model/finding.js';
import type { ScanResult } from '../reporters/result.js';
import { RULES, ruleMatchesPattern, rulesMatching } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { UsageError } from '../cli/errors.js';
import { findConfig, globToRegExp, loadConfig, type KauditConfig } from '../cli/config.js';
import { parseWindow } from '../cli/options.js';
import { applySuppressions } from './suppressions.js';
import { buildComplianceReport, evaluateCompliance, withBenchmarkFindings } from '../compliance/index.js';
import { ruleById } from '../rules/index.js';
import { timed, timedAsync } from '../util/timing.js';

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
  /** Progress of live sources, for a terminal. */
  onProgress?: (what: string) => void;
}

export interface ScanOptions extends LiveOptions {
  now: Date;
  /** --expiry-window; else the config file's, else 30 days. */
  expiryWindowDays?: number;
  rule: string[];
  disable: string[];
  /** Honour `# kaudit-ignore` comments and `kaudit.io/ignore` annotations (default: yes). */
  inlineIgnores?: boolean;
  /** --config; without it .kaudit.yaml is looked for in the working directory, then the first PATH. */
  config?: string;
  /** --benchmark: `cis` (the version that fits the cluster) or a benchmark id; else the config file's. */
  benchmark?: string;
  /** --jobs: worker threads that read hosts (default 1: the main thread reads them). */
  jobs?: number;
}

const DEFAULT_EXPIRY_WINDOW_DAYS = 30;

/** Config level overrides: a rule's own entry wins over its category's. */
function overrideLevels(findings: Finding[], config: KauditConfig): void {
  const exact = new Map(config.levels.filter((l) => !l.pattern.endsWith('/*')).map((l) => [l.pattern, l.level]));
  const byCategory = config.levels.filter((l) => l.pattern.endsWith('/*'));
  for (const finding of findings) {
    const level = exact.get(finding.ruleId) ?? byCategory.find((l) => ruleMatchesPattern(finding.ruleId, l.pattern))?.level;
    if (level) finding.level = level as Level;
  }
}

/** The rules to run: all (the benchmark's only with one), or those --rule names, less those --disable names. */
export function selectRules(only: string[], disabled: string[], withBenchmark = false): Rule[] {
  const resolve = (pattern: string) => {
    const matched = rulesMatching(pattern);
    if (matched.length === 0) throw new UsageError(`unknown rule "${pattern}" (see kaudit rules)`);
    return matched;
  };
  const selected = only.length > 0 ? new Set(only.flatMap(resolve)) : new Set(RULES.filter((rule) => withBenchmark || !rule.benchmarkOnly));
  for (const pattern of disabled) for (const rule of resolve(pattern)) selected.delete(rule);
  return RULES.filter((rule) => selected.has(rule));
}

async function collectLive(cluster: Cluster, options: ScanOptions): Promise<void> {
  const kube = options.kubeconfig !== undefined || options.inCluster === true;
  if (kube) {
    // Loaded only when asked for: the client takes a moment to load, a folder scan does not pay for it.
    const { collectLiveKube } = await import('../collectors/live-kube.js');
    await collectLiveKube(cluster, {
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  if (options.etcdEndpoints?.length) {
    const { collectLiveEtcd } = await import('../collectors/live-etcd.js');
    await collectLiveEtcd(cluster, {
      endpoints: options.etcdEndpoints,
      ...(options.etcdCacert ? { cacert: options.etcdCacert } : {}),
      ...(options.etcdCert ? { cert: options.etcdCert } : {}),
      ...(options.etcdKey ? { key: options.etcdKey } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
    });
  }
}

export function hasLiveSources(options: LiveOptions): boolean {
  return options.kubeconfig !== undefined || options.inCluster === true || !!options.etcdEndpoints?.length;
}

/** Collects every source, runs the rules and sets aside what the configuration and suppressions waive. */
export async function scan(paths: string[], options: ScanOptions, toolVersion: string): Promise<ScanResult> {
  const configFile = findConfig(options.config, paths);
  const config = configFile ? loadConfig(configFile) : undefined;
  const asked = options.benchmark ?? config?.benchmark;
  const rules = selectRules(options.rule, [...options.disable, ...(config?.disabled ?? [])], asked !== undefined);
  // A benchmark rule named by --rule needs the benchmark's verdicts: the one that fits the cluster.
  const benchmark = asked ?? (rules.some((rule) => rule.benchmarkOnly) ? 'cis' : undefined);
  if (paths.length === 0 && !options.hostRoots?.length && !hasLiveSources(options)) {
    throw new UsageError('nothing to scan: give a PATH, --host-root, --kubeconfig (or --in-cluster) or --etcd-endpoints');
  }
  const cluster = await timedAsync('collect', () => collectParallel(paths, options.hostRoots ?? [], { jobs: options.jobs ?? 1 }));
  await timedAsync('live sources', () => collectLive(cluster, options));
  const expiryWindowDays = options.expiryWindowDays ?? (config?.expiryWindow ? parseWindow(config.expiryWindow) : DEFAULT_EXPIRY_WINDOW_DAYS);
  const context = { now: options.now, expiryWindowDays };
  let findings = runRules(cluster, rules.filter((rule) => !rule.benchmarkOnly), context);
  const evaluation = benchmark ? timed('compliance: evaluation', () => evaluateCompliance(cluster, benchmark, (id) => ruleById(id) !== undefined)) : undefined;
  if (evaluation) findings = timed('compliance: findings', () => withBenchmarkFindings(cluster, rules, findings, evaluation, context));
  const { findings: kept, suppressed, unused } = timed('suppressions', () => waiveFindings(cluster, findings, rules, config, options));
  const compliance = evaluation ? timed('compliance: report', () => buildComplianceReport(evaluation, [...kept, ...suppressed.map((s) => s.finding)], cluster)) : undefined;
  return { cluster, findings: kept, suppressed, unusedSuppressions: unused, rules, now: options.now, expiryWindowDays, toolVersion, ...(compliance ? { compliance } : {}) };
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
