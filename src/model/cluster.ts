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
  private readonly unknownIndex = new Set<string>();
  /** Indexes over lists that only grow: each catches up with what was added since it was last read. */
  private readonly refIndex = new CatchingUpIndex<FileReference, Map<Component, Map<string, FileReference>>>(new Map(), (index, ref) => {
    if (!ref.owner) return;
    const bySetting = index.get(ref.owner) ?? new Map<string, FileReference>();
    bySetting.set(ref.setting, ref); // the last reference of a setting wins, as the last flag does
    index.set(ref.owner, bySetting);
  });
  private readonly hostIndex = new CatchingUpIndex<Host, Map<string, Host>>(new Map(), (index, host) => {
    if (!index.has(host.name)) index.set(host.name, host);
  });
  private readonly manifestIndex = new CatchingUpIndex<Manifest, Map<string, Manifest[]>>(new Map(), (index, manifest) => pushTo(index, pathKey(manifest.host, manifest.hostPath), manifest));
  private readonly componentsByKind = new CatchingUpIndex<Component, Map<ComponentKind, Component[]>>(new Map(), (index, component) => pushTo(index, component.kind, component));
  private readonly componentsByHost = new CatchingUpIndex<Component, Map<string, Component[]>>(new Map(), (index, component) => pushTo(index, component.host, component));
  private readonly routesByHost = new CatchingUpIndex<Route, Map<string, Route[]>>(new Map(), (index, route) => pushTo(index, route.host, route));
  private readonly networkFilesByHost = new CatchingUpIndex<NetworkFile, Map<string, NetworkFile[]>>(new Map(), (index, file) => pushTo(index, file.host, file));
  private readonly kubeconfigIndex = new CatchingUpIndex<Kubeconfig, { byPath: Map<string, Kubeconfig>; byRef: Map<FileReference, Kubeconfig> }>(
    { byPath: new Map(), byRef: new Map() },
    (index, kubeconfig) => {
      const key = pathKey(kubeconfig.host, kubeconfig.hostPath);
      if (!index.byPath.has(key)) index.byPath.set(key, kubeconfig);
      for (const ref of kubeconfig.refs) if (!index.byRef.has(ref)) index.byRef.set(ref, kubeconfig);
    },
  );

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
    const key = `${unknown.what}\u0000${unknown.why}`;
    if (this.unknownIndex.has(key)) return;
    this.unknownIndex.add(key);
    this.unknowns.push(unknown);
  }

  /** The host of this name (the first, should two PATHs hold the same name). */
  hostNamed(name: string): Host | undefined {
    return this.hostIndex.over(this.hosts).get(name);
  }

  /** The documents of a host's YAML or JSON file, in file order. */
  manifestsAt(host: string, hostPath: string): Manifest[] {
    return this.manifestIndex.over(this.manifests).get(pathKey(host, hostPath)) ?? [];
  }

  /** The components of one host, in model order. */
  componentsOn(host: string): Component[] {
    return this.componentsByHost.over(this.components).get(host) ?? [];
  }

  /** The routes of one host (empty when its routes are not known). */
  routesOn(host: string): Route[] {
    return this.routesByHost.over(this.routes).get(host) ?? [];
  }

  networkFilesOn(host: string): NetworkFile[] {
    return this.networkFilesByHost.over(this.networkFiles).get(host) ?? [];
  }

  /** The kubeconfig read from a host's file. */
  kubeconfigAt(host: string, hostPath: string): Kubeconfig | undefined {
    return this.kubeconfigIndex.over(this.kubeconfigs).byPath.get(pathKey(host, hostPath));
  }

  /** The kubeconfig a reference belongs to (a client certificate, key or CA it names). */
  kubeconfigOf(ref: FileReference): Kubeconfig | undefined {
    return this.kubeconfigIndex.over(this.kubeconfigs).byRef.get(ref);
  }

  componentsOf(kind: ComponentKind): Component[] {
    return [...(this.componentsByKind.over(this.components).get(kind) ?? [])];
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
    return this.refIndex.over(this.fileRefs).get(component)?.get(settingName);
  }

  /** The certificates that a component's setting points at (empty when unset or missing). */
  certificatesOf(component: Component, settingName: string): Certificate[] {
    const ref = this.referenceOf(component, settingName);
    return ref && ref.exists && ref.mounted ? this.certificatesAt(ref.host, ref.hostPath) : [];
  }
}

function pushTo<K, T>(index: Map<K, T[]>, key: K, item: T): void {
  const list = index.get(key);
  if (list) list.push(item);
  else index.set(key, [item]);
}

/**
 * An index over a list that only grows (the model's lists are appended to, never edited
 * in place): built once, then brought up to date with the items added since, so a lookup
 * costs no scan of the list however often it is made.
 */
class CatchingUpIndex<T, I> {
  private indexed = 0;
  constructor(
    private readonly index: I,
    private readonly add: (index: I, item: T) => void,
  ) {}

  over(list: readonly T[]): I {
    while (this.indexed < list.length) this.add(this.index, list[this.indexed++]);
    return this.index;
  }
}
