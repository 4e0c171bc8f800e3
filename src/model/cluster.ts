import type {
  Certificate,
  CniConfig,
  Component,
  ComponentKind,
  Diagnostic,
  FileFacts,
  FileReference,
  Host,
  KeyFile,
  Kubeconfig,
  LiveEtcd,
  LiveKube,
  SourceError,
  Suppression,
  Manifest,
  NetworkFile,
  Process,
  Route,
  ScanRoot,
  Setting,
  SourceLocation,
  Unknown,
  WeaveNet,
} from './types.js';

/** The last value of a setting: later flags override earlier ones, as in the components' flag parsers. */
export function setting(component: Component, name: string): Setting | undefined {
  for (let i = component.settings.length - 1; i >= 0; i--) {
    if (component.settings[i].name === name) return component.settings[i];
  }
  return undefined;
}

function pathKey(host: string, hostPath: string): string {
  return `${host}\u0000${hostPath}`;
}

/** One cluster: every host of every scanned PATH, and what was read from them. */
export class Cluster {
  readonly roots: ScanRoot[] = [];
  readonly hosts: Host[] = [];
  readonly components: Component[] = [];
  readonly certificates: Certificate[] = [];
  readonly keys: KeyFile[] = [];
  readonly fileRefs: FileReference[] = [];
  readonly kubeconfigs: Kubeconfig[] = [];
  readonly manifests: Manifest[] = [];
  readonly cniConfigs: CniConfig[] = [];
  readonly routes: Route[] = [];
  readonly networkFiles: NetworkFile[] = [];
  /** Set when --etcd-endpoints is given. */
  liveEtcd?: LiveEtcd;
  /** What the Kubernetes API told beyond components (set when --kubeconfig or in-cluster). */
  liveKube?: LiveKube;
  /** Live sources that could not be read (401, 403, unreachable, a timeout). */
  readonly sourceErrors: SourceError[] = [];
  readonly suppressions: Suppression[] = [];
  readonly processes: Process[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** What sources could not show (see Unknown); one entry per source and cause. */
  readonly unknowns: Unknown[] = [];
  /** Mode and owner of the files and folders read, where known. */
  readonly files: FileFacts[] = [];
  /** Weave Net routers run by systemd units and the live API (DaemonSet files are read from `manifests`). */
  readonly weaveNets: WeaveNet[] = [];
  /** Where an addon manager runs (a kube-addon-manager static pod, unit or process): it alone needs the addons' mode label. */
  readonly addonManagers: SourceLocation[] = [];

  private certIndex?: Map<string, Certificate[]>;
  private keyIndex?: Map<string, KeyFile[]>;
  private readonly factsIndex = new Map<string, FileFacts>();

  /** Records what is known of a file or folder (once per host and path). */
  addFileFacts(facts: FileFacts): void {
    const key = pathKey(facts.host, facts.hostPath);
    if (this.factsIndex.has(key)) return;
    this.factsIndex.set(key, facts);
    this.files.push(facts);
  }

  fileFacts(host: string, hostPath: string): FileFacts | undefined {
    return this.factsIndex.get(pathKey(host, hostPath));
  }

  /** Records a source's blind spot once per what and why. */
  addUnknown(unknown: Unknown): void {
    if (this.unknowns.some((u) => u.what === unknown.what && u.why === unknown.why)) return;
    this.unknowns.push(unknown);
  }

  componentsOf(kind: ComponentKind): Component[] {
    return this.components.filter((c) => c.kind === kind);
  }

  /** The certificates of a file (a bundle gives several), in file order. */
  certificatesAt(host: string, hostPath: string): Certificate[] {
    if (!this.certIndex) {
      this.certIndex = new Map();
      for (const cert of this.certificates) {
        const key = pathKey(cert.host, cert.hostPath);
        const list = this.certIndex.get(key) ?? [];
        list.push(cert);
        this.certIndex.set(key, list);
      }
    }
    return this.certIndex.get(pathKey(host, hostPath)) ?? [];
  }

  keysAt(host: string, hostPath: string): KeyFile[] {
    if (!this.keyIndex) {
      this.keyIndex = new Map();
      for (const key of this.keys) {
        const k = pathKey(key.host, key.hostPath);
        const list = this.keyIndex.get(k) ?? [];
        list.push(key);
        this.keyIndex.set(k, list);
      }
    }
    return this.keyIndex.get(pathKey(host, hostPath)) ?? [];
  }

  /** The reference a component's setting makes to a file, when the setting names one. */
  referenceOf(component: Component, settingName: string): FileReference | undefined {
    let found: FileReference | undefined;
    for (const ref of this.fileRefs) if (ref.owner === component && ref.setting === settingName) found = ref;
    return found;
  }

  /** The certificates that a component's setting points at (empty when unset or missing). */
  certificatesOf(component: Component, settingName: string): Certificate[] {
    const ref = this.referenceOf(component, settingName);
    return ref && ref.exists && ref.mounted ? this.certificatesAt(ref.host, ref.hostPath) : [];
  }
}
