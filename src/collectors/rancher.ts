/**
 * k3s and RKE2 nodes: the components the binary starts, defined by its unit, config.yaml
 * and drop-ins, and its own defaults (layouts/rancher-defaults.ts). What runs is seen in
 * what the distribution generates at each start (RKE2's pod manifests, embedded etcd's
 * config file) and in the processes; those are `running` states, never definitions.
 */
import path from 'node:path/posix';
import { parseFlags, type Word } from './args.js';
import { applyConfigFile } from './config-files.js';
import type { HostContext } from './context.js';
import { ARG_KEYS, DISABLE_OPTIONS, K3S_DEFAULTS, OPTION_DEFAULTS, OPTION_FLAGS, RKE2_DEFAULTS, RKE2_FORCED_OPTIONS, type DefaultFlag } from './layouts/rancher-defaults.js';
import type { RancherLayout } from './layouts/index.js';
import { applyCommandLine, mergeConfigFiles, optionIsTrue, optionValue, optionsFromEnvironment, type ConfigFile, type OptionEntry, type OptionValue, type RancherOptions } from './rancher-config.js';
import { componentFromStaticPod } from './static-pod.js';
import { UNIT_DIRS, readUnit, type UnitCommand } from './systemd.js';
import type { Component, ComponentKind, HostDistribution, Process, RunningState, Setting, SourceLocation } from '../model/types.js';

/** A k3s or RKE2 node as its files define it. */
export interface RancherNode {
  layout: RancherLayout;
  role?: 'server' | 'agent';
  options: RancherOptions;
  /** Config files read, in merge order (host paths). */
  configFiles: string[];
  /** The config file a new key goes into (config.yaml, even when it does not exist yet). */
  configPath: string;
  unit?: UnitCommand & { name: string };
  /** Where the distribution is configured: config.yaml if present, else the unit. */
  anchor: SourceLocation;
  components: Component[];
  /** Kubelet defaults at KubeletConfiguration level: any config file of the operator wins over them. */
  configLevelDefaults: Map<Component, Setting[]>;
  version?: { text: string; at: SourceLocation };
}

const SERVER_COMPONENTS: ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy'];
const AGENT_COMPONENTS: ComponentKind[] = ['kubelet', 'kube-proxy'];

/** The unit that runs the node, and the subcommand it runs (`k3s server`, `rke2 agent`). */
function findUnit(ctx: HostContext, layout: RancherLayout): (UnitCommand & { name: string; role?: 'server' | 'agent' }) | undefined {
  for (const name of [layout.units.server, layout.units.agent]) {
    if (!UNIT_DIRS.some((dir) => ctx.fs.exists(`${dir}/${name}`))) continue;
    const unit = readUnit(ctx, name);
    if (!unit) continue;
    const sub = unit.words.slice(1).find((w) => !w.text.startsWith('-'))?.text;
    const role = sub === 'server' || sub === 'agent' ? sub : name === layout.units.agent ? 'agent' : 'server';
    return { ...unit, name, role };
  }
  return undefined;
}

/** The flags after the subcommand of a `k3s server …` command line. */
function commandLineFlags(words: Word[]): Setting[] {
  const sub = words.findIndex((w, i) => i > 0 && (w.text === 'server' || w.text === 'agent'));
  return parseFlags(words.slice(sub >= 0 ? sub + 1 : 1));
}

function configFiles(ctx: HostContext, configPath: string): ConfigFile[] {
  const dropInDir = `${configPath}.d`;
  const dropIns = ctx.fs
    .list(dropInDir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .map((name) => `${dropInDir}/${name}`);
  const paths = [...(ctx.fs.exists(configPath) ? [configPath] : []), ...dropIns];
  return paths.map((hostPath) => {
    const docs = ctx.readYaml(hostPath);
    return { hostPath, doc: docs[0], at: (line: number | undefined) => ctx.at(hostPath, line) };
  });
}

/** Reads the options of a node: environment, config files, command line. */
export function readRancherOptions(ctx: HostContext, layout: RancherLayout, words: Word[] | undefined, env: Map<string, { value: string; at: SourceLocation }>): { options: RancherOptions; files: string[]; configPath: string } {
  const flags = words ? commandLineFlags(words) : [];
  const envOptions = optionsFromEnvironment(env, layout.envPrefix);
  const configFlag = [...flags].reverse().find((f) => f.name === 'config' || f.name === 'c')?.value ?? optionValue(envOptions, 'config')?.text;
  const configPath = configFlag ? path.resolve('/', configFlag) : layout.configFile;
  const files = configFiles(ctx, configPath);
  const options = applyCommandLine(mergeConfigFiles(files, envOptions), flags);
  return { options, files: files.map((f) => f.hostPath), configPath };
}

interface Resolution {
  value: string;
  /** The user-set option the value comes from, when one does (it is then located there). */
  from?: OptionEntry;
}

/** Resolves `{placeholders}`: paths of the layout, then options (set, forced or defaulted). */
function resolve(template: string, node: { layout: RancherLayout; options: RancherOptions }): Resolution | undefined {
  let from: OptionEntry | undefined;
  let missing = false;
  const value = template.replace(/\{([a-z-]+)\}/g, (_, name: string) => {
    if (name === 'data') return node.layout.dataDir;
    if (name === 'config') return path.dirname(node.layout.configFile);
    if (name === 'program') return node.layout.program;
    const entry = node.options.get(name);
    if (entry) {
      from ??= entry;
      return entry.values[entry.values.length - 1].text;
    }
    const fallback = OPTION_DEFAULTS[name]?.value;
    if (fallback === undefined) missing = true;
    return fallback ?? '';
  });
  return missing ? undefined : { value, ...(from ? { from } : {}) };
}

/** Whether a row applies: `when` names a true option, an `option=value`, or the node's datastore. */
function applies(row: DefaultFlag, options: RancherOptions, datastore: Datastore): boolean {
  if (!row.when) return true;
  if (row.when === 'embedded-etcd' || row.when === 'sqlite') return datastore === row.when;
  const [name, value] = row.when.split('=');
  return value === undefined ? optionIsTrue(options, name) : optionValue(options, name)?.text === value;
}

type Datastore = 'embedded-etcd' | 'sqlite' | 'external';

/**
 * The option the operator set that a row's condition names (`secrets-encryption: true`,
 * `profile: cis`): a default it brings is located there. An option RKE2 forces is its own
 * doing, not a condition the operator met.
 */
function conditionOf(row: DefaultFlag, node: { layout: RancherLayout; options: RancherOptions }): { value: OptionValue; text: string } | undefined {
  if (!row.when || row.when === 'embedded-etcd' || row.when === 'sqlite') return undefined;
  const [name, wanted] = row.when.split('=');
  if (node.layout.program === 'rke2' && RKE2_FORCED_OPTIONS.some((o) => o.option === name)) return undefined;
  const value = optionValue(node.options, name);
  return value ? { value, text: `${name}: ${wanted ?? 'true'}` } : undefined;
}

function datastoreOf(node: { layout: RancherLayout; options: RancherOptions; role?: string }, ctx: HostContext): Datastore {
  if (node.options.get('datastore-endpoint')) return 'external';
  if (node.layout.program === 'rke2') return 'embedded-etcd';
  const etcd = optionIsTrue(node.options, 'cluster-init') || node.options.has('server') || ctx.fs.exists(`${node.layout.dataDir}/server/db/etcd`);
  return etcd ? 'embedded-etcd' : 'sqlite';
}

/** One `<component>-arg` entry: `name=value`, `name+=value` (append to the default), `name-=value` (prepend). */
function parseArg(text: string): { name: string; value: string; mode: 'replace' | 'append' | 'prepend' } {
  const body = text.replace(/^--?/, '');
  const eq = body.indexOf('=');
  const rawName = eq < 0 ? body : body.slice(0, eq);
  const value = eq < 0 ? 'true' : body.slice(eq + 1);
  const mode = rawName.endsWith('+') ? 'append' : rawName.endsWith('-') ? 'prepend' : 'replace';
  return { name: rawName.replace(/[+-]+$/, ''), value, mode };
}

/** The settings a component gets, in k3s's order: defaults, then the operator's `<component>-arg` entries over them. */
function componentSettings(kind: ComponentKind, node: Omit<RancherNode, 'components' | 'configLevelDefaults'>, datastore: Datastore): { flags: Setting[]; configLevel: Setting[] } {
  const table = (node.layout.program === 'k3s' ? K3S_DEFAULTS : RKE2_DEFAULTS)[kind] ?? [];
  const defaults = new Map<string, { setting: Setting; configLevel: boolean }>();
  for (const row of table) {
    if (!applies(row, node.options, datastore)) continue;
    const resolved = resolve(row.value, node);
    if (!resolved) continue;
    const condition = conditionOf(row, node);
    const setting: Setting = resolved.from
      ? { name: row.flag, value: resolved.value, origin: 'flag', at: resolved.from.at, sourceKey: resolved.from.name }
      : { name: row.flag, value: resolved.value, origin: 'distribution-default', at: condition?.value.at ?? node.anchor, sourceKey: condition ? `${row.source}; with ${condition.text}` : row.source };
    defaults.set(row.flag, { setting, configLevel: row.level === 'config' });
  }
  for (const mapping of OPTION_FLAGS.filter((m) => m.component === kind)) {
    const entry = node.options.get(mapping.option);
    const value = entry?.values[entry.values.length - 1];
    if (!entry || !value) continue;
    defaults.set(mapping.flag, { setting: { name: mapping.flag, value: value.text, origin: 'flag', at: value.at, sourceKey: mapping.option, ...(entry.secret ? { secret: true } : {}) }, configLevel: false });
  }
  const endpoint = node.options.get('datastore-endpoint');
  if (kind === 'kube-apiserver' && endpoint) {
    const value = endpoint.values[endpoint.values.length - 1];
    // An etcd endpoint is given to the apiserver as it is; any other datastore sits behind kine's local socket.
    const etcd = /^https?:\/\//i.test(value.text);
    defaults.set('etcd-servers', { setting: { name: 'etcd-servers', value: etcd ? value.text : 'unix://kine.sock', origin: 'flag', at: value.at, sourceKey: 'datastore-endpoint', ...(etcd && endpoint.secret ? { secret: true } : {}) }, configLevel: false });
  }

  const args: Setting[] = [];
  const argKey = Object.entries(ARG_KEYS).find(([, k]) => k === kind)?.[0];
  const entry = argKey ? node.options.get(argKey) : undefined;
  for (const item of entry?.values ?? []) {
    const { name, value, mode } = parseArg(item.text);
    const base = [defaults.get(name)?.setting.value, ...args.filter((a) => a.name === name).map((a) => a.value)].filter((v): v is string => !!v);
    const merged = mode === 'append' ? [...base, value] : mode === 'prepend' ? [value, ...base] : [value];
    if (mode !== 'replace') for (let i = args.length - 1; i >= 0; i--) if (args[i].name === name) args.splice(i, 1);
    defaults.delete(name);
    args.push({ name, value: merged.join(','), origin: 'flag', at: item.at, sourceKey: argKey, ...(entry!.secret && /pass|token|secret|key/i.test(name) ? { secret: true } : {}) });
  }
  const kept = [...defaults.values()];
  return { flags: [...kept.filter((d) => !d.configLevel).map((d) => d.setting), ...args], configLevel: kept.filter((d) => d.configLevel).map((d) => d.setting) };
}

function componentsOf(role: 'server' | 'agent' | undefined, options: RancherOptions, datastore: Datastore): ComponentKind[] {
  const kinds = role === 'agent' ? AGENT_COMPONENTS : role === 'server' ? SERVER_COMPONENTS : [];
  return kinds.filter((kind) => {
    if (kind === 'etcd' && datastore !== 'embedded-etcd') return false;
    if ((kind === 'kubelet' || kind === 'kube-proxy') && optionIsTrue(options, 'disable-agent')) return false;
    return !(DISABLE_OPTIONS[kind] ?? []).some((option) => optionIsTrue(options, option));
  });
}

/** RKE2 puts its version in the name of its data folder (`data/v1.31.4-rke2r1-1a2b3c4d5e6f`) and its image tags. */
function rke2Version(ctx: HostContext, layout: RancherLayout): { text: string; at: SourceLocation } | undefined {
  const dataDir = `${layout.dataDir}/data`;
  const current = path.basename(ctx.canonical(`${dataDir}/current`));
  const names = ctx.fs.list(dataDir).filter((n) => /^v\d+\.\d+\.\d+-rke2r\d+/.test(n));
  const chosen = names.includes(current) ? current : names.sort().pop();
  const match = chosen && /^(v\d+\.\d+\.\d+)-(rke2r\d+)/.exec(chosen);
  return match ? { text: `${match[1]}+${match[2]}`, at: ctx.at(`${dataDir}/${chosen}`) } : undefined;
}

/** A version tag of RKE2's images (`v1.31.4-rke2r1-build20250113`) as RKE2 names its release. */
export function rke2VersionOfTag(tag: string): string | undefined {
  const match = /^(v\d+\.\d+\.\d+)-(rke2r\d+)/.exec(tag);
  return match ? `${match[1]}+${match[2]}` : undefined;
}

/**
 * Reads a k3s or RKE2 node: its options, its components with their defaults, and what the
 * distribution generated at its last start. `startedWith` reads it as a process was started
 * instead (its command line and environment), for what runs.
 */
export function readRancherNode(ctx: HostContext, layout: RancherLayout, supervisor?: Process, startedWith?: { words: Word[]; env: Map<string, { value: string; at: SourceLocation }> }): RancherNode {
  const unit = findUnit(ctx, layout);
  const env = startedWith?.env ?? unit?.environment ?? new Map<string, { value: string; at: SourceLocation }>();
  const supervisorWords = supervisor?.argv.map((text) => ({ text, at: supervisor.at }));
  const words = startedWith?.words ?? unit?.words ?? supervisorWords;
  const { options, files, configPath } = readRancherOptions(ctx, layout, words, env);
  if (layout.program === 'rke2') {
    for (const forced of RKE2_FORCED_OPTIONS) {
      if (forced.when && optionValue(options, forced.when.split('=')[0])?.text !== forced.when.split('=')[1]) continue;
      const at = unit?.execStartAt ?? ctx.at(configPath, 1);
      options.set(forced.option, { name: forced.option, values: [{ text: forced.value, at }], at, from: 'flag', list: false, secret: false });
    }
  }
  const supervisorRole = supervisorWords?.find((w, i) => i > 0 && (w.text === 'server' || w.text === 'agent'))?.text as 'server' | 'agent' | undefined;
  const role = unit?.role ?? supervisorRole ?? (ctx.fs.exists(`${layout.dataDir}/server/tls`) ? 'server' : ctx.fs.exists(`${layout.dataDir}/agent`) ? 'agent' : undefined);
  const anchor = files.length > 0 ? ctx.at(files[0], 1) : unit ? unit.execStartAt : ctx.at(configPath, 1);
  const version = ctx.snapshot?.rawVersions?.[layout.program];
  const node: RancherNode = {
    layout,
    ...(role ? { role } : {}),
    options,
    configFiles: files,
    configPath,
    ...(unit ? { unit } : {}),
    anchor,
    components: [],
    configLevelDefaults: new Map(),
    ...(version ? { version: { text: version, at: ctx.at('/.kaudit-snapshot.json', 1) } } : layout.program === 'rke2' ? withVersion(rke2Version(ctx, layout)) : {}),
  };
  const datastore = datastoreOf(node, ctx);
  // Components need something that starts them: a unit, a config file or the running binary (a copy of certificates alone has none).
  const started = unit !== undefined || files.length > 0 || supervisor !== undefined;
  for (const kind of started ? componentsOf(role, options, datastore) : []) {
    const { flags, configLevel } = componentSettings(kind, node, datastore);
    const argKey = Object.entries(ARG_KEYS).find(([, k]) => k === kind)?.[0];
    const component: Component = {
      kind,
      host: ctx.host.name,
      source: 'distribution',
      definedAt: anchor,
      flagsAt: (argKey && options.get(argKey)?.at) || anchor,
      binary: layout.program,
      settings: flags,
      mounts: [],
      ...(layout.renewsCertificates ? { certificatesRenewedBy: layout.renewsCertificates } : {}),
    };
    node.components.push(component);
    node.configLevelDefaults.set(component, configLevel);
  }
  if (!startedWith) attachGenerated(ctx, node);
  return node;
}

function withVersion(version: { text: string; at: SourceLocation } | undefined): { version?: { text: string; at: SourceLocation } } {
  return version ? { version } : {};
}

/** The settings etcd reads from the config file a generated etcd is started with. */
function etcdConfigSettings(ctx: HostContext, component: Component, configFile: string, at: SourceLocation): Setting[] {
  const probe: Component = { ...component, source: 'systemd', settings: [{ name: 'config-file', value: configFile, origin: 'flag', at }], mounts: [] };
  applyConfigFile(ctx, probe);
  return probe.settings;
}

/**
 * What the distribution generated at its last start: RKE2's static pods, embedded etcd's
 * config file. They are what runs until the next start, not what the definition says.
 */
function attachGenerated(ctx: HostContext, node: RancherNode): void {
  const podDir = node.layout.staticPods.find((p) => p.generated)?.dir;
  const etcdConfig = `${node.layout.dataDir}/server/db/etcd/config`;
  for (const component of node.components) {
    let running: RunningState | undefined;
    const podFile = podDir ? `${podDir}/${component.kind}.yaml` : undefined;
    if (podFile && ctx.fs.exists(podFile)) {
      const doc = ctx.readYaml(podFile)[0];
      const pod = doc && componentFromStaticPod(ctx, podFile, doc);
      if (pod && pod.kind === component.kind) {
        running = { source: 'generated', at: pod.definedAt, settings: pod.settings };
        if (pod.image) component.image = pod.image;
        if (pod.version) {
          component.version = pod.version;
          component.versionAt = pod.versionAt!;
          const tag = pod.image?.split(':').pop();
          const named = tag && rke2VersionOfTag(tag);
          if (named && !node.version) node.version = { text: named, at: pod.versionAt! };
        }
      }
    }
    if (component.kind === 'etcd' && ctx.fs.exists(etcdConfig)) {
      const at = running?.at ?? ctx.at(etcdConfig, 1);
      const fromFile = etcdConfigSettings(ctx, component, etcdConfig, at).filter((s) => s.name !== 'config-file');
      // etcd reads nothing beside its --config-file: the file's settings stand for the pod's flag.
      const podFlags = (running?.settings ?? []).filter((s) => s.name !== 'config-file');
      running = { source: 'generated', at: running?.at ?? ctx.at(etcdConfig, 1), settings: [...podFlags, ...fromFile] };
    }
    if (running) component.running = running;
    else if (component.kind === 'etcd') component.unknownSettings = ['name', 'initial-cluster', 'initial-cluster-state', 'initial-cluster-token'];
  }
}

/**
 * Where the definition is silent or only a default of kaudit's tables speaks, what runs is
 * the best knowledge of what the distribution gives the component: its generated manifest
 * or process holds every flag it passed (and shows where). The running value stands there;
 * a value the distribution generated is its default (the operator did not write it), located
 * where it is seen and citing the table's document when one names it. Values the operator
 * wrote stay; a difference from what runs is a pending restart. A flag the table gives only
 * on a condition the definition no longer meets (`profile: cis` removed since the last start)
 * is not filled in: it runs, but will not after a restart.
 */
export function fillFromRunning(component: Component): void {
  if (!component.running) return;
  const written = new Map<string, Setting>();
  for (const s of component.settings) written.set(s.name, s);
  const table = component.binary === 'k3s' ? K3S_DEFAULTS : component.binary === 'rke2' ? RKE2_DEFAULTS : {};
  const conditional = new Set((table[component.kind] ?? []).filter((row) => row.when).map((row) => row.flag));
  const observed = new Map<string, Setting>();
  for (const s of component.running.settings) observed.set(s.name, s);
  const generated = component.running.source === 'generated';
  for (const [name, seen] of observed) {
    const defined = written.get(name);
    if (defined && defined.origin !== 'distribution-default') continue;
    if (!defined && conditional.has(name)) continue;
    component.settings = component.settings.filter((s) => s.name !== name);
    if (!generated) {
      component.settings.push({ ...seen });
      continue;
    }
    const cited = seen.origin === 'distribution-default' ? seen.sourceKey : defined?.sourceKey;
    component.settings.push({ ...seen, origin: 'distribution-default', sourceKey: cited ?? `what ${component.binary ?? 'the distribution'} generated at its last start` });
  }
  if (observed.has('name') && observed.has('initial-cluster')) delete component.unknownSettings;
}

/** The host's distribution as the summary and JSON show it. */
export function rancherDistribution(node: RancherNode, ctx: HostContext): HostDistribution {
  const settings: Setting[] = [];
  for (const entry of node.options.values()) {
    for (const value of entry.values) {
      settings.push({ name: entry.name, value: value.text, origin: entry.from === 'env' ? 'env' : entry.from, at: value.at, sourceKey: entry.name, ...(entry.secret ? { secret: true } : {}) });
    }
  }
  return {
    name: node.layout.name,
    ...(node.version ? { version: node.version.text, versionAt: node.version.at } : {}),
    ...(node.role ? { role: node.role } : {}),
    evidence: node.configFiles.length > 0 ? ctx.at(node.configFiles[0], 1) : node.unit ? ctx.at(node.unit.files[0], 1) : ctx.at(node.layout.dataDir),
    settings,
  };
}
