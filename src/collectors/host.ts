import type fs from 'node:fs';
import path from 'node:path/posix';
import { identifyCommand, parseFlags } from './args.js';
import { applyConfigFile, recordSettingPaths } from './config-files.js';
import { HostContext } from './context.js';
import { parseEnvFile } from './envfile.js';
import { walk } from './hostfs.js';
import { isKubeconfig, readKubeconfig } from './kubeconfig.js';
import { readPkiFile } from './pki-files.js';
import { readProcesses, readRoutes } from './proc.js';
import { componentReferences } from './references.js';
import { componentFromStaticPod } from './static-pod.js';
import { UNIT_DIRS, componentFromUnit, etcdEnvironmentSettings } from './systemd.js';
import { weaveFromUnit } from './weave-unit.js';
import { asRecord, asString, type YamlDocument } from './yaml-source.js';
import type { Cluster } from '../model/cluster.js';
import { SNAPSHOT_MANIFEST, type Snapshot } from './snapshot.js';
import type { Component, FileReference, Host, Manifest } from '../model/types.js';

const PKI_EXTENSIONS = new Set(['.crt', '.pem', '.key', '.cert', '.der', '.pub']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.kubeconfig', '.conf']);
const ETCD_ENV_FILES = ['/etc/etcd.env', '/etc/default/etcd', '/etc/etcd/etcd.conf'];
const STATIC_POD_DIR = '/etc/kubernetes/manifests/';
const CNI_DIR = '/etc/cni/net.d/';
/** `kaudit.io/ignore: "rule[,rule]: reason"` on a manifest covers the whole document. */
const IGNORE_ANNOTATION = 'kaudit.io/ignore';
/** Never walked in a snapshot: kernel views, and kubelet's and the runtime's pod data (secrets, images). */
const SKIPPED_FOLDERS = ['/proc', '/sys', '/dev', '/var/lib/kubelet/pods', '/var/lib/containerd', '/var/lib/docker', '/var/log'];
/** On a live node only these are walked: where Kubernetes installs keep their settings. */
const LIVE_FOLDERS = [
  '/etc/kubernetes',
  '/etc/etcd',
  '/etc/ssl/etcd',
  '/etc/cni/net.d',
  '/etc/default',
  '/etc/etcd.env',
  '/etc/containerd',
  '/srv/kubernetes',
  '/var/lib/kubernetes',
  '/var/lib/kubelet',
  '/var/lib/kube-proxy',
  '/var/lib/etcd/pki',
  ...UNIT_DIRS,
];

function extensionOf(hostPath: string): string {
  return path.extname(hostPath).toLowerCase();
}

function isUnitFile(hostPath: string): boolean {
  return UNIT_DIRS.some((dir) => hostPath.startsWith(`${dir}/`));
}

class HostCollector {
  private readonly pkiRead = new Set<string>();
  private readonly manifestFiles = new Set<string>();

  constructor(
    private readonly ctx: HostContext,
    private readonly live: boolean,
    /** Walk only this host path (a single file given on the command line). */
    private readonly only?: string,
  ) {}

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
    const skip = new Set(this.live ? ['/var/lib/kubelet/pods'] : SKIPPED_FOLDERS);
    const onFolder = (hostPath: string, stat: fs.Stats) => ctx.recordFacts(hostPath, stat);
    const files = starts.flatMap((start) => walk(ctx.fs, start, { skip, onProblem, onFolder }));

    const unitNames = new Set<string>();
    const components: Component[] = [];
    for (const entry of files) {
      const hostPath = entry.hostPath;
      ctx.recordFacts(hostPath, entry.stat);
      const ext = extensionOf(hostPath);
      if (isUnitFile(hostPath)) {
        const relative = hostPath.slice(UNIT_DIRS.find((dir) => hostPath.startsWith(`${dir}/`))!.length + 1);
        if (ext === '.service' && !relative.includes('/')) unitNames.add(relative);
        else if (relative.includes('.service.d/')) unitNames.add(relative.split('.service.d/')[0] + '.service');
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
      } else if (YAML_EXTENSIONS.has(ext) || path.basename(hostPath) === 'kubeconfig') {
        const docs = this.ctx.readYaml(hostPath, ext === '.conf' || ext === '.json');
        this.addManifests(hostPath, docs);
        if (docs.some((d) => isKubeconfig(d.data))) this.readKubeconfigFile(hostPath);
        const inStaticPodDir = hostPath.startsWith(STATIC_POD_DIR) && !hostPath.slice(STATIC_POD_DIR.length).includes('/');
        if (inStaticPodDir || ctx.host.loose) {
          for (const doc of docs) {
            const component = componentFromStaticPod(ctx, hostPath, doc);
            if (component) components.push(component);
          }
        }
      }
    }
    for (const unit of [...unitNames].sort()) {
      const component = componentFromUnit(ctx, unit);
      if (component) components.push(component);
      const weave = component ? undefined : weaveFromUnit(ctx, unit);
      if (weave) this.cluster.weaveNets.push(weave);
    }
    if (!components.some((c) => c.kind === 'etcd')) {
      const fromEnv = this.etcdFromEnvFile();
      if (fromEnv) components.push(fromEnv);
    }
    // Pushed one by one: a spread of a huge list (a router's route table) overflows the stack.
    for (const process of readProcesses(ctx)) this.cluster.processes.push(process);
    for (const component of this.componentsFromProcesses(components)) components.push(component);
    for (const route of readRoutes(ctx)) this.cluster.routes.push(route);

    for (const component of components) {
      applyConfigFile(ctx, component);
      recordSettingPaths(ctx, component);
      const recorded = ctx.snapshot?.versions[component.kind];
      if (!component.version && recorded) {
        component.version = recorded;
        component.versionAt = ctx.at(`/${SNAPSHOT_MANIFEST}`, 1);
      }
      this.cluster.components.push(component);
      this.followReferences(component);
    }
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

  /**
   * Running processes are components too, unless a file of the host already describes them
   * (every flag of the process is in that file's definition): then the file, which a fix
   * can edit, stands for them.
   */
  private componentsFromProcesses(defined: Component[]): Component[] {
    const out: Component[] = [];
    // By a set of name=value per component: linear, however many flags a command line has.
    const written = new Map<Component, Set<string>>();
    const describes = (c: Component, flags: Array<{ name: string; value: string }>) => {
      if (c.settings.length === 0) return false;
      let set = written.get(c);
      if (!set) written.set(c, (set = new Set(c.settings.map((s) => `${s.name}\u0000${s.value}`))));
      return flags.every((f) => set.has(`${f.name}\u0000${f.value}`));
    };
    for (const process of this.cluster.processes.filter((p) => p.host === this.ctx.host.name)) {
      const command = identifyCommand(process.argv.map((text) => ({ text, at: process.at })));
      if (!command) continue;
      const flags = parseFlags(command.args);
      if (defined.some((c) => c.kind === command.kind && describes(c, flags))) continue;
      out.push({
        kind: command.kind,
        host: this.ctx.host.name,
        source: 'process',
        definedAt: process.at,
        binary: command.binary,
        settings: flags,
        mounts: [],
      });
    }
    return out;
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
  }
}

/** Reads one host root (or a loose folder of manifests) into the cluster model. */
export function collectHost(
  cluster: Cluster,
  host: Host,
  rootPath: string,
  live: boolean,
  snapshot?: Snapshot,
  only?: string,
): void {
  const collector = new HostCollector(new HostContext(cluster, host, rootPath, snapshot), live, only);
  collector.collect();
  collector.finish();
}

