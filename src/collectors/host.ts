import type fs from 'node:fs';
import path from 'node:path/posix';
import { identifyCommand, parseFlags } from './args.js';
import { applyConfigFile, recordSettingPaths } from './config-files.js';
import { HostContext } from './context.js';
import { parseEnvFile } from './envfile.js';
import { walk, type HostFS } from './hostfs.js';
import { isKubeconfig, readKubeconfig } from './kubeconfig.js';
import { readPkiFile } from './pki-files.js';
import { readProcesses, readRoutes } from './proc.js';
import { componentReferences } from './references.js';
import { componentFromStaticPod } from './static-pod.js';
import { UNIT_DIRS, componentFromUnit, etcdEnvironmentSettings, unitFiles } from './systemd.js';
import { asArray, asRecord, asString, type YamlDocument } from './yaml-source.js';
import type { Cluster } from '../model/cluster.js';
import { SNAPSHOT_MANIFEST, type Snapshot } from './snapshot.js';
import type { Component, FileReference, Host, Manifest, Process } from '../model/types.js';
import { describeHost, detectLayout } from './distribution.js';
import { etcdFromEtcdManager } from './kops.js';
import { LAYOUTS, LIVE_FOLDERS as LAYOUT_LIVE_FOLDERS, NOT_CONFIG_FOLDERS, RANCHER_LAYOUTS, staticPodDirOf } from './layouts/index.js';
import { fillFromRunning, rancherDistribution, readRancherNode, type RancherNode } from './rancher.js';
import { attachProcesses, readEnviron } from './running.js';
import { templateOf } from './specifiers.js';
import { markSupersededCertificates } from './pki-history.js';
import { weaveFromUnit } from './weave-unit.js';

const PKI_EXTENSIONS = new Set(['.crt', '.pem', '.key', '.cert', '.der', '.pub']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.kubeconfig', '.conf']);
const ETCD_ENV_FILES = [...new Set([...LAYOUTS.flatMap((l) => l.etcdEnvFiles), '/etc/etcd.env', '/etc/default/etcd', '/etc/etcd/etcd.conf'])];
const CNI_DIR = '/etc/cni/net.d/';
/** `kaudit.io/ignore: "rule[,rule]: reason"` on a manifest covers the whole document. */
const IGNORE_ANNOTATION = 'kaudit.io/ignore';
/**
 * Never walked in a snapshot: kernel views, and what the layouts name as no configuration
 * (pod volumes, image layers and snapshotter folders, logs).
 */
const SKIPPED_FOLDERS = ['/proc', '/sys', '/dev', ...NOT_CONFIG_FOLDERS];
/** On a live node only these are walked: where Kubernetes installs keep their settings. */
const LIVE_FOLDERS = [...new Set([...LAYOUT_LIVE_FOLDERS, '/etc/etcd', '/etc/etcd.env', '/var/lib/etcd/pki', ...UNIT_DIRS])].sort();
/** The rules and CIS controls (v1.12) an unknown etcd setting leaves unjudged. */
const MEMBERSHIP = ['etcd/even-members', 'etcd/no-fault-tolerance', 'etcd/inconsistent-membership', 'etcd/weak-cluster-token'];
const UNJUDGED_BY_SETTING: Record<string, string[]> = {
  name: MEMBERSHIP,
  'initial-cluster': MEMBERSHIP,
  'initial-cluster-token': ['etcd/weak-cluster-token', 'etcd/inconsistent-membership'],
  'initial-cluster-state': ['etcd/inconsistent-membership'],
  'cert-file': ['2.1', 'pki/missing-san', 'pki/untrusted-chain', 'pki/key-mismatch'],
  'key-file': ['2.1', 'pki/key-mismatch'],
  'peer-cert-file': ['2.4', 'pki/missing-san', 'pki/untrusted-chain', 'pki/key-mismatch'],
  'peer-key-file': ['2.4', 'pki/key-mismatch'],
  'trusted-ca-file': ['2.7', 'pki/untrusted-chain', 'pki/shared-ca'],
  'peer-trusted-ca-file': ['pki/untrusted-chain'],
  'data-dir': ['1.1.11', '1.1.12'],
};
/** The addon manager (kube-addons.sh in the kube-addon-manager image, or a unit of that name). */
const ADDON_MANAGER = /kube-addon-manager|kube-addons(-main)?\.sh/;

function extensionOf(hostPath: string): string {
  return path.extname(hostPath).toLowerCase();
}

function isUnitFile(hostPath: string): boolean {
  return UNIT_DIRS.some((dir) => hostPath.startsWith(`${dir}/`));
}

class HostCollector {
  private readonly pkiRead = new Set<string>();
  /** The first of this host's certificates in the cluster's list. */
  private readonly firstCertificate: number;
  private readonly manifestFiles = new Set<string>();

  constructor(
    private readonly ctx: HostContext,
    private readonly live: boolean,
    /** Walk only this host path (a single file given on the command line). */
    private readonly only?: string,
  ) {
    this.firstCertificate = ctx.cluster.certificates.length;
  }

  private get cluster(): Cluster {
    return this.ctx.cluster;
  }

  private readPki(linkedPath: string): void {
    const hostPath = this.ctx.canonical(linkedPath);
    if (this.pkiRead.has(hostPath)) return;
    this.pkiRead.add(hostPath);
    const read = this.ctx.readBytes(hostPath);
    if (read) readPkiFile(this.ctx, hostPath, read.data, read.stat);
  }

  private addManifests(hostPath: string, docs: YamlDocument[]): void {
    if (this.manifestFiles.has(hostPath)) return;
    this.manifestFiles.add(hostPath);
    for (const doc of docs) {
      const data = asRecord(doc.data);
      if (!data || typeof data.kind !== 'string' || isKubeconfig(data)) continue;
      const metadata = asRecord(data.metadata);
      const manifest: Manifest = { host: this.ctx.host.name, hostPath, at: this.ctx.at(hostPath, doc.line), kind: data.kind, data, lines: doc.lines };
      const apiVersion = asString(data.apiVersion);
      const name = asString(metadata?.name);
      this.readIgnoreAnnotation(hostPath, doc, asString(asRecord(metadata?.annotations)?.[IGNORE_ANNOTATION]));
      if (apiVersion) manifest.apiVersion = apiVersion;
      if (name) manifest.name = name;
      this.cluster.manifests.push(manifest);
    }
  }

  private readIgnoreAnnotation(hostPath: string, doc: YamlDocument, annotation: string | undefined): void {
    if (annotation === undefined) return;
    const line = doc.lines.get(`metadata.annotations.${IGNORE_ANNOTATION}`) ?? doc.line;
    const match = /^\s*([a-z0-9/*-]+(?:\s*,\s*[a-z0-9/*-]+)*)\s*:\s*(\S.*)$/.exec(annotation);
    if (!match) {
      this.ctx.warn(hostPath, `line ${line}: ${IGNORE_ANNOTATION} must read "<rule-id>[,<rule-id>…]: <reason>"; ignored`);
      return;
    }
    const rules = match[1].split(',').map((rule) => rule.trim());
    this.cluster.suppressions.push({ rules, reason: match[2].trim(), at: this.ctx.at(hostPath, line), fromLine: doc.line, toLine: doc.endLine, kind: 'annotation' });
  }

  private readKubeconfigFile(hostPath: string): void {
    if (this.cluster.kubeconfigs.some((k) => k.host === this.ctx.host.name && k.hostPath === hostPath)) return;
    for (const doc of this.ctx.readYaml(hostPath)) {
      if (isKubeconfig(doc.data)) this.cluster.kubeconfigs.push(readKubeconfig(this.ctx, hostPath, doc));
    }
  }

  private readNetworkFile(hostPath: string): void {
    const text = this.ctx.readText(hostPath);
    if (text === undefined) return;
    let section = '';
    const matchNames: string[] = [];
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.startsWith('[')) section = trimmed;
      else if (section === '[Match]' && trimmed.startsWith('Name=')) for (const name of trimmed.slice(5).split(/\s+/).filter(Boolean)) matchNames.push(name);
    }
    this.cluster.networkFiles.push({ host: this.ctx.host.name, hostPath, at: this.ctx.at(hostPath, 1), matchNames });
  }

  private readCni(hostPath: string): void {
    const text = this.ctx.readText(hostPath);
    if (text === undefined) return;
    const base = { host: this.ctx.host.name, hostPath, at: this.ctx.at(hostPath, 1), fileName: path.basename(hostPath) };
    try {
      this.cluster.cniConfigs.push({ ...base, data: JSON.parse(text) });
    } catch (error) {
      this.cluster.cniConfigs.push({ ...base, error: (error as Error).message });
    }
  }

  collect(): void {
    const ctx = this.ctx;
    const onProblem = (hostPath: string, message: string) => ctx.warn(hostPath, message);
    const starts = this.only ? [this.only] : this.live ? LIVE_FOLDERS : ['/'];
    const skip = new Set(this.live ? NOT_CONFIG_FOLDERS : SKIPPED_FOLDERS);
    const onFolder = (hostPath: string, stat: fs.Stats) => ctx.recordFacts(hostPath, stat);
    const files = starts.flatMap((start) => walk(ctx.fs, start, { skip, onProblem, onFolder }));

    const unitNames = new Set<string>();
    const components: Component[] = [];
    for (const entry of files) {
      const hostPath = entry.hostPath;
      ctx.recordFacts(hostPath, entry.stat);
      const ext = extensionOf(hostPath);
      const staticPodDir = staticPodDirOf(hostPath);
      if (hostPath === `/${SNAPSHOT_MANIFEST}`) {
        continue; // kaudit's own record of the host (read before the walk), not the host's configuration
      } else if (isUnitFile(hostPath)) {
        const unit = this.unitNameOf(hostPath, entry.real);
        if (unit) unitNames.add(unit);
      } else if (hostPath.startsWith('/etc/systemd/network/') && ext === '.network') {
        this.readNetworkFile(hostPath);
      } else if (hostPath.startsWith(CNI_DIR) && ['.conf', '.conflist', '.json'].includes(ext)) {
        this.readCni(hostPath);
      } else if (ETCD_ENV_FILES.includes(hostPath) || hostPath.endsWith('.env')) {
        continue; // read through the units that name them, or as etcd's own file below
      } else if (hostPath === `/${SNAPSHOT_MANIFEST}`) {
        continue; // kaudit's own record of modes and owners (collectors/index.ts reads it): its keys are paths, not settings
      } else if (PKI_EXTENSIONS.has(ext)) {
        this.readPki(hostPath);
      } else if (YAML_EXTENSIONS.has(ext) || path.basename(hostPath) === 'kubeconfig' || staticPodDir) {
        const docs = this.ctx.readYaml(hostPath, ext === '.conf' || ext === '.json');
        this.addManifests(hostPath, docs);
        if (docs.some((d) => isKubeconfig(d.data))) this.readKubeconfigFile(hostPath);
        // A manifest the distribution generates at each start is what runs, not a definition (layouts/rancher.ts).
        if ((staticPodDir && !staticPodDir.generated) || ctx.host.loose) components.push(...this.staticPodComponents(hostPath, docs));
      }
    }
    for (const unit of [...unitNames].sort()) {
      if (ADDON_MANAGER.test(unit)) this.cluster.addonManagers.push(ctx.at(unitFiles(ctx, unit)[0] ?? `/etc/systemd/system/${unit}`, 1));
      const component = componentFromUnit(ctx, unit);
      if (component) components.push(component);
      const weave = component ? undefined : weaveFromUnit(ctx, unit);
      if (weave) this.cluster.weaveNets.push(weave);
    }
    if (!components.some((c) => c.kind === 'etcd')) {
      const fromEnv = this.etcdFromEnvFile();
      if (fromEnv) components.push(fromEnv);
    }
    const processes = readProcesses(ctx);
    // Pushed one by one: a spread of a huge list (a router's route table) overflows the stack.
    for (const process of processes) this.cluster.processes.push(process);
    for (const route of readRoutes(ctx)) this.cluster.routes.push(route);
    for (const process of processes) if (process.argv.some((word) => ADDON_MANAGER.test(path.basename(word)))) this.cluster.addonManagers.push(process.at);

    const detected = this.only || ctx.host.loose ? undefined : detectLayout(ctx);
    const rancherLayout = RANCHER_LAYOUTS.find((l) => l.name === detected?.layout.name);
    const supervisor = rancherLayout && processes.find((p) => path.basename(p.argv[0] ?? '') === rancherLayout.program);
    const node = rancherLayout ? readRancherNode(ctx, rancherLayout, supervisor) : undefined;
    if (node) components.push(...node.components);
    for (const component of attachProcesses(ctx, components, processes)) components.push(component);
    // A distribution's definition is partial (its defaults are kaudit's tables): what runs fills it in.
    for (const component of components) if (component.source === 'distribution') fillFromRunning(component);
    if (node) this.finishRancherNode(node, supervisor);

    for (const component of components) {
      applyConfigFile(ctx, component);
      const lowest = node?.configLevelDefaults.get(component);
      if (lowest) component.settings = [...lowest, ...component.settings];
      recordSettingPaths(ctx, component);
      const recorded = ctx.snapshot?.versions[component.kind];
      if (!component.version && recorded) {
        component.version = recorded;
        component.versionAt = ctx.at(`/${SNAPSHOT_MANIFEST}`, 1);
      }
      // k3s and RKE2 run the Kubernetes release they are named after (v1.31.4+k3s1 runs 1.31.4).
      const release = node?.version && node.components.includes(component) ? /^v?(\d+\.\d+\.\d+)/.exec(node.version.text)?.[1] : undefined;
      if (!component.version && release) {
        component.version = release;
        component.versionAt = node!.version!.at;
      }
      if (component.unknownSettings) this.sayUnknown(component);
      this.cluster.components.push(component);
      this.followReferences(component);
    }
    if (node) ctx.host.distribution = rancherDistribution(node, ctx);
    else if (detected) ctx.host.distribution = describeHost(ctx, detected, components);
  }

  /** The components of a static pod file (kOps's etcd-manager pods stand for the etcd they run). */
  private staticPodComponents(hostPath: string, docs: YamlDocument[]): Component[] {
    const out: Component[] = [];
    for (const doc of docs) {
      const image = asString(asRecord(asArray(asRecord(asRecord(doc.data)?.spec)?.containers)[0])?.image) ?? '';
      if (ADDON_MANAGER.test(image)) this.cluster.addonManagers.push(this.ctx.at(hostPath, doc.line));
      const component = componentFromStaticPod(this.ctx, hostPath, doc) ?? etcdFromEtcdManager(this.ctx, hostPath, doc);
      if (component) out.push(component);
    }
    return out;
  }

  /**
   * The unit a file of a unit folder belongs to. A link that gives a unit another name
   * (an `Alias=`, or `systemctl link`) is the unit it points to, not a second one; a
   * `.wants/` link to a template's instance enables that instance.
   */
  private unitNameOf(hostPath: string, real: string): string | undefined {
    const dir = UNIT_DIRS.find((d) => hostPath.startsWith(`${d}/`))!;
    const relative = hostPath.slice(dir.length + 1);
    if (relative.includes('.service.d/')) return relative.split('.service.d/')[0] + '.service';
    if (extensionOf(hostPath) !== '.service') return undefined;
    const name = path.basename(relative);
    const target = path.basename(this.ctx.fs.hostPathOf(real));
    if (relative.includes('/')) return templateOf(name) && target === templateOf(name) ? name : undefined;
    if (target !== name && target.endsWith('.service')) return templateOf(name) && target === templateOf(name) ? name : target;
    return /@\.service$/.test(name) ? undefined : name; // a template (`etcd@.service`) runs nothing by itself
  }

  /** What k3s and RKE2 run now: their processes and generated files, and the process of the binary itself. */
  private finishRancherNode(node: RancherNode, supervisor: Process | undefined): void {
    if (!supervisor || !node.unit) return;
    readEnviron(this.ctx, supervisor);
    const env = new Map((supervisor.env ?? []).map((v) => [v.name, { value: v.value, at: supervisor.envAt ?? supervisor.at }]));
    const unitFlags = node.unit.words.map((w) => w.text).join('\u0000');
    const processFlags = supervisor.argv.join('\u0000');
    if (unitFlags === processFlags && env.size === 0) return;
    // The binary runs every component in its own process: what it was started with is what they run.
    const started = readRancherNode(this.ctx, node.layout, supervisor, { words: supervisor.argv.map((text) => ({ text, at: supervisor.at })), env });
    for (const component of node.components) {
      if (component.running) continue;
      const same = started.components.find((c) => c.kind === component.kind);
      if (same) component.running = { source: 'process', at: supervisor.at, settings: same.settings, pid: supervisor.pid };
    }
  }

  /** What a source cannot show is said once, with the rules it leaves unjudged. */
  private sayUnknown(component: Component): void {
    this.cluster.addUnknown({
      what: `${component.kind} of ${path.basename(component.definedAt.file)} on ${component.host}: ${component.unknownSettings!.map((s) => `--${s}`).join(', ')}`,
      why: `generated when ${component.binary === 'etcd' && component.image?.includes('etcd-manager') ? 'etcd-manager' : 'the distribution'} starts it; no file of the host holds them`,
      supply: `a snapshot of the running process (kaudit collect on the node, or proc/<pid>/cmdline and proc/<pid>/environ)`,
      at: component.definedAt,
      affects: [...new Set(component.unknownSettings!.flatMap((s) => UNJUDGED_BY_SETTING[s] ?? []))],
    });
  }

  /** kubespray and distribution packages may keep etcd's settings in an env file only. */
  private etcdFromEnvFile(): Component | undefined {
    for (const hostPath of ETCD_ENV_FILES) {
      if (!this.ctx.fs.exists(hostPath)) continue;
      const text = this.ctx.readText(hostPath);
      if (text === undefined) continue;
      const vars = new Map([...parseEnvFile(text)].map(([name, v]) => [name, { value: v.value, at: this.ctx.at(hostPath, v.line) }]));
      const settings = etcdEnvironmentSettings(vars);
      if (settings.length === 0) continue;
      return { kind: 'etcd', host: this.ctx.host.name, source: 'env-file', definedAt: this.ctx.at(hostPath, 1), binary: 'etcd', settings, mounts: [] };
    }
    return undefined;
  }

  /** Records the files a component names, and reads those the walk did not already read. */
  private followReferences(component: Component): void {
    for (const ref of componentReferences(this.ctx, component)) {
      this.cluster.fileRefs.push(this.scoped(ref, `the files that ${component.kind} in ${component.definedAt.file} names`));
      if (!ref.exists || !ref.mounted) continue;
      if (ref.purpose === 'cert' || ref.purpose === 'key' || ref.purpose === 'ca') this.readPki(ref.hostPath);
      else if (ref.purpose === 'config') this.addManifests(ref.hostPath, this.ctx.readYaml(ref.hostPath));
      else if (ref.purpose === 'kubeconfig') {
        this.readKubeconfigFile(ref.hostPath);
        const kubeconfig = this.cluster.kubeconfigs.find((k) => k.host === ref.host && k.hostPath === ref.hostPath);
        if (kubeconfig && ref.setting !== 'bootstrap-kubeconfig') kubeconfig.usedBy ??= component.kind;
      }
    }
  }

  /**
   * A single file or a folder of manifests is not a host root: a path its flags name that
   * is not there was not scanned, which is unknown, not missing (said once per file).
   */
  private scoped(ref: FileReference, what: string): FileReference {
    if (!this.ctx.host.loose || ref.exists) return ref;
    this.cluster.addUnknown({
      what,
      why: 'a single file or a folder of manifests was scanned, not the host root the paths belong to',
      supply: "scan the node's host root, a cluster folder, or the node itself (kaudit scan /)",
      at: ref.at,
      affects: ['pki/missing-file', 'pki/key-mismatch', 'pki/missing-san', 'pki/untrusted-chain', 'pki/wrong-usage', 'apiserver/no-encryption-at-rest', 'encryption/no-aescbc-provider', 'encryption/weak-key'],
    });
    return { ...ref, unseen: true };
  }

  /** Kubeconfig references are added once all kubeconfigs of the host are known. */
  finish(): void {
    for (const kubeconfig of this.cluster.kubeconfigs.filter((k) => k.host === this.ctx.host.name)) {
      for (const ref of kubeconfig.refs) {
        this.cluster.fileRefs.push(this.scoped(ref, `the files that the kubeconfig ${kubeconfig.at.file} names`));
        if (ref.exists && !ref.hostPath.includes('#')) this.readPki(ref.hostPath);
      }
    }
    markSupersededCertificates(this.ctx, this.cluster.certificates.slice(this.firstCertificate));
  }
}

/** Reads one host root (or a loose folder of manifests) into the cluster model. */
export function collectHost(
  cluster: Cluster,
  host: Host,
  root: string | HostFS,
  live: boolean,
  snapshot?: Snapshot,
  only?: string,
): void {
  const collector = new HostCollector(new HostContext(cluster, host, root, snapshot), live, only);
  collector.collect();
  collector.finish();
}

