/**
 * One component per host and kind: a running process and the static pod, unit or
 * distribution config that starts it are one component. The process becomes the
 * component's `running` state; only a process that no file defines is a component of its
 * own. Processes are matched through an index by kind, so the work grows with the
 * processes, not with processes × definitions.
 */
import { identifyCommand, parseFlags } from './args.js';
import type { HostContext } from './context.js';
import { etcdFlagOfVariable } from './envfile.js';
import { isSecretSetting } from '../model/secrets.js';
import type { Component, ComponentKind, Process, Setting } from '../model/types.js';

/** Variables of a process kaudit reads: etcd's own (etcd-manager passes them), and k3s's and RKE2's. */
const USED_VARIABLES = /^(ETCD_(?!MANAGER_)|K3S_|RKE2_)[A-Z0-9_]+$/;

/**
 * Reads the variables that configure a component from proc/<pid>/environ (NUL-separated),
 * through the host's file system; every other variable is left unread.
 */
export function readEnviron(ctx: HostContext, process: Process): void {
  const hostPath = `/proc/${process.pid}/environ`;
  let data: Buffer | undefined;
  try {
    data = ctx.fs.readFile(hostPath)?.data;
  } catch {
    return; // not ours to read on a live node, or not in the snapshot
  }
  if (!data) return;
  const env: NonNullable<Process['env']> = [];
  for (const entry of data.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : '';
    if (!USED_VARIABLES.test(name)) continue;
    const value = entry.slice(eq + 1);
    env.push({ name, value, ...(isSecretSetting(name, value) ? { secret: true } : {}) });
  }
  process.env = env;
  process.envAt = ctx.at(hostPath, 1);
}

/** What a process of a component runs with: its ETCD_* environment for etcd, then its flags (which win). */
export function processSettings(process: Process, kind: ComponentKind, args: Setting[]): Setting[] {
  const fromEnv: Setting[] = [];
  if (kind === 'etcd') {
    for (const v of process.env ?? []) {
      const flag = etcdFlagOfVariable(v.name);
      if (flag) fromEnv.push({ name: flag, value: v.value, origin: 'env', at: process.envAt ?? process.at, sourceKey: v.name, ...(v.secret ? { secret: true } : {}) });
    }
  }
  return [...fromEnv, ...args];
}

function lastByName(settings: Setting[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of settings) out.set(s.name, s.value);
  return out;
}

/** The port of each URL of a list, for matching a definition's template URLs (`https://__name__:4001`) with what runs. */
function ports(value: string): string {
  return value
    .split(',')
    .map((u) => /:(\d+)(\/|$)/.exec(u.trim())?.[1] ?? '')
    .sort()
    .join(',');
}

/** How much of a definition a process's settings agree with: equal values, and URLs on the same ports. */
function agreement(definition: Component, observed: Map<string, string>): number {
  let score = 0;
  for (const [name, value] of lastByName(definition.settings)) {
    const seen = observed.get(name);
    if (seen === undefined) continue;
    if (seen === value) score += 2;
    else if (name.endsWith('-urls') && ports(seen) === ports(value)) score += 1;
  }
  return score;
}

function sameSettings(a: Setting[], b: Setting[]): boolean {
  const x = lastByName(a);
  const y = lastByName(b);
  return x.size === y.size && [...x].every(([name, value]) => y.get(name) === value);
}

interface Candidate {
  process: Process;
  kind: ComponentKind;
  binary: string;
  settings: Setting[];
  observed: Map<string, string>;
}

/**
 * Attaches each process to the definition it runs (`running`), and returns the processes
 * that no definition of the host describes, as components of their own. Per kind, the
 * pairs that agree most are matched first; a process that agrees with no definition is
 * another instance (an etcd started by hand beside a packaged unit), unless it is the one
 * process and the unit the one definition of its kind.
 */
export function attachProcesses(ctx: HostContext, definitions: Component[], processes: Process[]): Component[] {
  const byKind = new Map<ComponentKind, { definitions: Component[]; processes: Candidate[] }>();
  const group = (kind: ComponentKind) => {
    let entry = byKind.get(kind);
    if (!entry) byKind.set(kind, (entry = { definitions: [], processes: [] }));
    return entry;
  };
  for (const component of definitions) group(component.kind).definitions.push(component);
  for (const process of processes) {
    const command = identifyCommand(process.argv.map((text) => ({ text, at: process.at })));
    if (!command) continue;
    if (command.kind === 'etcd') readEnviron(ctx, process);
    const settings = processSettings(process, command.kind, parseFlags(command.args));
    group(command.kind).processes.push({ process, kind: command.kind, binary: command.binary, settings, observed: lastByName(settings) });
  }
  const own: Component[] = [];
  for (const { definitions: defs, processes: procs } of byKind.values()) {
    const pairs = defs.flatMap((definition) => procs.map((candidate) => ({ definition, candidate, score: agreement(definition, candidate.observed) })));
    pairs.sort((a, b) => b.score - a.score);
    const onlyOnes = defs.length === 1 && procs.length === 1;
    const matched = new Set<Candidate>();
    for (const { definition, candidate, score } of pairs) {
      if (matched.has(candidate) || definition.running?.source === 'process' || (score === 0 && !onlyOnes)) continue;
      attach(definition, candidate);
      matched.add(candidate);
    }
    for (const candidate of procs.filter((c) => !matched.has(c))) {
      // A wrapper and its child (go-runner and kube-apiserver) run one command line: one component.
      const seen = [...defs.flatMap((d) => (d.running ? [d.running.settings] : [])), ...own.filter((c) => c.kind === candidate.kind).map((c) => c.settings)];
      if (seen.some((other) => sameSettings(other, candidate.settings))) continue;
      own.push({ kind: candidate.kind, host: ctx.host.name, source: 'process', definedAt: candidate.process.at, binary: candidate.binary, settings: candidate.settings, mounts: [] });
    }
  }
  return own;
}

function attach(definition: Component, candidate: Candidate): void {
  const { process } = candidate;
  definition.running = { source: 'process', at: process.at, settings: candidate.settings, pid: process.pid };
  // etcd-manager keeps each etcd release in /opt/etcd-v<version>/.
  const release = /etcd-v(\d+\.\d+\.\d+)\//.exec(process.argv[0] ?? '')?.[1];
  if (release && !definition.version) {
    definition.version = release;
    definition.versionAt = process.at;
  }
}
