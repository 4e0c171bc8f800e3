#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from './errors.js';
import { readPackageFile } from '../io/read.js';

function toolVersion(): string {
  const pkg = JSON.parse(readPackageFile(new URL('../../package.json', import.meta.url))) as { version: string };
  return pkg.version;
}

/** What --benchmark accepts (src/benchmarks/index.ts BENCHMARK_CHOICES; a test keeps them equal): kept here so --help loads no benchmark. */
const BENCHMARK_CHOICES = ['cis', 'cis-1.12', 'cis-1.11'];

/** A repeatable option (and comma-separated values); no default, so help shows no "(default: [])". */
function collectRepeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter(Boolean)];
}

function list(value: unknown): string[] {
  return (value as string[] | undefined) ?? [];
}

const LEVELS = ['note', 'warning', 'error'] as const;

/** The text report's threshold: --quiet is --severity error; given both, the stricter wins. */
function textLevel(opts: Record<string, unknown>): { minLevel?: (typeof LEVELS)[number] } {
  const asked = [opts.quiet === true ? 'error' : undefined, opts.severity as string | undefined].filter((l): l is (typeof LEVELS)[number] => !!l);
  if (asked.length === 0) return {};
  return { minLevel: asked.reduce((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a)) };
}

function buildProgram(version: string, setExit: (code: number) => void): Command {
  const program = new Command('kaudit')
    .description('Policy linter and compliance auditor for the infrastructure of Kubernetes clusters')
    .version(version, '-v, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run kaudit --help for usage)');

  program
    .command('scan')
    .description('scan host roots, cluster folders or manifests, and report findings')
    .argument('[path...]', 'a host root, a cluster folder (one host root per sub-folder), or manifests')
    .option('-f, --format <format>', 'output format: text (default), json, sarif, junit, html (repeatable, paired in order with --output)', collectRepeatable)
    .option('-o, --output <file>', 'write the report to a file instead of stdout, creating its folder (repeatable)', collectRepeatable)
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level').choices(['error', 'warning', 'note', 'none']).default('error'))
    .option('-q, --quiet', 'text report: errors only (JSON, SARIF and the exit status stay whole)')
    .addOption(new Option('--severity <level>', 'text report: this level and above only (JSON, SARIF and the exit status stay whole)').choices(['error', 'warning', 'note']))
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR does the same; FORCE_COLOR forces it)')
    .option('--now <date>', 'the date to judge certificate validity at (ISO 8601)')
    .option('--expiry-window <duration>', 'warn about certificates expiring within this time (30, 30d, 2w, 720h; default 30d)')
    .option('--config <file>', 'the config file (default: .kaudit.yaml in the working directory, else in the first PATH)')
    .option('--rule <id>', 'run only this rule (repeatable; pki/* for a category)', collectRepeatable)
    .option('--disable <id>', 'do not run this rule (repeatable; pki/* for a category)', collectRepeatable)
    .option('--sarif-root <dir>', 'SARIF locations relative to this folder (default: the root of the git work tree that holds PATH, else PATH)')
    .addOption(new Option('--benchmark <name>', 'add the CIS Kubernetes Benchmark controls and a compliance report: cis (the version that fits the cluster), or a version').choices(BENCHMARK_CHOICES))
    .option('--baseline <file>', 'report and fail only on findings this baseline does not hold')
    .option('--baseline-write <file>', "record today's findings as the baseline (and exit 0)")
    .option('--no-inline-ignores', 'report what # kaudit-ignore comments and kaudit.io/ignore annotations suppress')
    .option('--host-root <dir>', "a node's root file system mounted here (a pod with the host at /host), read as a live node", collectRepeatable)
    .option('--kubeconfig <file>', 'live Kubernetes API: the kubeconfig to reach it with')
    .option('--context <name>', 'live Kubernetes API: the kubeconfig context')
    .option('--in-cluster', 'live Kubernetes API: the service account of the pod kaudit runs in')
    .option('--request-timeout <duration>', 'live sources: the time one request may take (10s, 500ms)', '10s')
    .option('--etcd-endpoints <urls>', 'live etcd: client URLs, comma-separated', collectRepeatable)
    .option('--etcd-cacert <file>', 'live etcd: the CA to verify it with')
    .option('--etcd-cert <file>', 'live etcd: the client certificate')
    .option('--etcd-key <file>', 'live etcd: the client key')
    .option('-j, --jobs <n>', `worker threads that read the hosts of a cluster folder (default: the cores available, ${availableParallelism()})`)
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      const { parseJobs, parseNow, parseTimeout, parseWindow } = await import('./options.js');
      const { pairReports, runScan } = await import('./scan.js');
      setExit(
        await runScan(
          paths,
          {
            ...pairReports(list(opts.format), list(opts.output)),
            failOn: opts.failOn as 'error',
            ...textLevel(opts),
            ...(opts.color === false ? { color: false } : {}),
            now: opts.now ? parseNow(opts.now as string) : new Date(),
            ...(opts.expiryWindow ? { expiryWindowDays: parseWindow(opts.expiryWindow as string) } : {}),
            ...(opts.config ? { config: opts.config as string } : {}),
            ...(opts.benchmark ? { benchmark: opts.benchmark as string } : {}),
            rule: list(opts.rule),
            disable: list(opts.disable),
            etcdEndpoints: list(opts.etcdEndpoints),
            hostRoots: list(opts.hostRoot),
            ...(opts.baseline ? { baseline: opts.baseline as string } : {}),
            ...(opts.baselineWrite ? { baselineWrite: opts.baselineWrite as string } : {}),
            ...(opts.sarifRoot ? { sarifRoot: opts.sarifRoot as string } : {}),
            inlineIgnores: opts.inlineIgnores !== false,
            ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig as string } : {}),
            ...(opts.context ? { context: opts.context as string } : {}),
            inCluster: opts.inCluster === true,
            requestTimeoutMs: parseTimeout(opts.requestTimeout as string),
            ...(opts.etcdCacert ? { etcdCacert: opts.etcdCacert as string } : {}),
            ...(opts.etcdCert ? { etcdCert: opts.etcdCert as string } : {}),
            ...(opts.etcdKey ? { etcdKey: opts.etcdKey as string } : {}),
            jobs: opts.jobs ? parseJobs(opts.jobs as string) : availableParallelism(),
          },
          version,
        ),
      );
    });

  program
    .command('fix')
    .description('show the fixes for the findings (a diff, files, a plan); --write applies them')
    .argument('<path...>', 'a host root or cluster folder, as for scan')
    .option('--write', 'apply the changes (atomic writes, backups under PATH/.kaudit-backup/)')
    .option('--backup-dir <dir>', 'keep backups here instead of PATH/.kaudit-backup')
    .option('--rule <id>', 'fix only this rule (repeatable; pki/* for a category)', collectRepeatable)
    .option('--now <date>', 'the date to judge certificate validity at (ISO 8601)')
    .option('--expiry-window <duration>', 'certificates expiring within this time are renewed (default 30d)')
    .option('--config <file>', 'the config file (default: .kaudit.yaml in the working directory, else in the first PATH)')
    .addOption(new Option('--format <format>', 'the plan as text (a summary, diffs, decoded certificates, steps) or as JSON for scripts').choices(['text', 'json']).default('text'))
    .addOption(new Option('--benchmark <name>', 'also fix the CIS Kubernetes Benchmark controls: cis (the version that fits the cluster), or a version').choices(BENCHMARK_CHOICES))
    .option('-j, --jobs <n>', `worker threads that read hosts and re-issue certificates (default: the cores available, ${availableParallelism()})`)
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      const { parseJobs, parseNow, parseWindow } = await import('./options.js');
      const { runFix } = await import('./fix.js');
      setExit(
        await runFix(
          paths,
          {
            write: opts.write === true,
            format: opts.format as 'text' | 'json',
            ...(opts.backupDir ? { backupDir: opts.backupDir as string } : {}),
            now: opts.now ? parseNow(opts.now as string) : new Date(),
            ...(opts.expiryWindow ? { expiryWindowDays: parseWindow(opts.expiryWindow as string) } : {}),
            ...(opts.config ? { config: opts.config as string } : {}),
            ...(opts.benchmark ? { benchmark: opts.benchmark as string } : {}),
            rule: list(opts.rule),
            jobs: opts.jobs ? parseJobs(opts.jobs as string) : availableParallelism(),
          },
          version,
        ),
      );
    });

  program
    .command('collect')
    .description('write a snapshot of this node (or of --host-root) in the host-root layout, for a cluster folder')
    .requiredOption('-o, --output <dir>', 'where the snapshot goes: DIR/<node name>/…')
    .option('--host-root <dir>', "the node's root file system, when it is mounted elsewhere", '/')
    .option('--include-keys', 'copy private keys, tokens and encryption keys as they are (by default: their public half, or masked)')
    .action(async (opts: Record<string, unknown>) => {
      const { collect } = await import('../collectors/index.js');
      const { writeSnapshot } = await import('../snapshot/write.js');
      const { diagnosticLine } = await import('./diagnostics.js');
      const { oneLine } = await import('../reporters/terminal.js');
      const cluster = collect([], [opts.hostRoot as string]);
      for (const d of cluster.diagnostics) process.stderr.write(diagnosticLine(d));
      for (const r of writeSnapshot(cluster, { output: opts.output as string, includeKeys: opts.includeKeys === true })) {
        for (const skipped of r.skipped) process.stderr.write(`kaudit: warning: ${oneLine(r.host)}: ${oneLine(skipped)}\n`);
        process.stdout.write(`${oneLine(r.host)}: ${r.files} files written to ${oneLine(r.folder)}${r.masked ? ` (${r.masked} with keys or secrets masked)` : ''}\n`);
      }
    });

  program
    .command('rules')
    .description('list the rules, or print the documentation of one')
    .argument('[id]', 'a rule ID, e.g. pki/cert-expired')
    .addOption(new Option('--format <format>', 'the list as text, as JSON, or as the markdown index of rules-docs/').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (id: string | undefined, opts: { format: 'text' | 'json' | 'markdown' }) => {
      const { runRulesCommand } = await import('./rules-command.js');
      setExit(runRulesCommand(id, opts.format));
    });

  program
    .command('explain')
    .description("print a rule's documentation for the terminal: what it checks, why it matters, how to fix it")
    .argument('<id>', 'a rule ID, e.g. pki/shared-ca')
    .option('--no-color', 'no colour, even on a terminal')
    .action(async (id: string, opts: { color: boolean }) => {
      const { runExplain } = await import('./rules-command.js');
      setExit(runExplain(id, opts.color));
    });
  return program;
}

/**
 * A reader that stops early (`kaudit scan … | head`) closes the pipe: kaudit stops
 * writing to it and ends as it would have, without an EPIPE stack trace.
 */
function endQuietlyOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const done = typeof encoding === 'function' ? encoding : callback;
        if (typeof done === 'function') (done as () => void)();
        return true;
      }) as typeof stream.write;
    });
  }
}

async function main(): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(toolVersion(), (code) => (exitCode = code));
  // -V printed the version before -v did; it still does.
  const argv = process.argv.length === 3 && process.argv[2] === '-V' ? [...process.argv.slice(0, 2), '--version'] : process.argv;
  try {
    await program.parseAsync(argv);
    if (process.env.KAUDIT_TIMING) process.stderr.write((await import('../util/timing.js')).timingReport());
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every other commander error is a usage error, already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError || (error as Error).name === 'InputError' || (error as Error).name === 'WriteRefused') {
      process.stderr.write(`kaudit: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`kaudit: internal error: ${(error as Error).message}\n`);
    if (process.env.KAUDIT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 2;
  }
}

endQuietlyOnClosedPipes();
const status = await main();
// A signal that came during synchronous work (a write kaudit completes first) is acted on now.
await (await import('../io/write.js')).actOnPendingSignals();
// A live source that never answered may still hold a socket open: do not wait for it, but
// let the report reach a pipe first.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(status);
