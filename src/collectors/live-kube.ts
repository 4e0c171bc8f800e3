/**
 * The Kubernetes API as a source, through @kubernetes/client-node (imported by the caller
 * only when --kubeconfig or in-cluster config is asked for: it takes a moment to load).
 * Only read-only GETs: lists page by page (limit/continue), each object reduced at once to
 * the facts the rules read (live-objects.ts), so memory grows with workloads, not pods.
 *
 * What the API cannot show is unknown, never absent: a list answered 403 and a file the
 * API does not expose (the apiserver's encryption config) become `cluster.unknowns`, naming
 * the permission or the node scan that would supply them and the rules they leave
 * unjudged. Credentials refused, a failed TLS handshake or an API that cannot be reached
 * fail every request alike: one finding for the source, in plain words, then stop.
 */
import { servedCertificate } from './tls-peer.js';
import { identifyCommand, parseFlags } from './args.js';
import { liveAt } from './live-etcd.js';
import { ApiPlace, PodGroups, bindingOf, bootstrapTokenOf, emptyLiveKube, kubeletFromConfigz, namespaceOf, roleOf, serviceAccountOf, weaveOfLiveDaemonSet } from './live-objects.js';
import { plainError, type Credential } from './plain-errors.js';
import { readCertificate } from './pem.js';
import { parseImage } from './static-pod.js';
import type { Cluster } from '../model/cluster.js';
import { setting } from '../model/cluster.js';
import type { Component, ComponentKind, LiveKube, Mount, SourceLocation } from '../model/types.js';

export interface KubeSourceOptions {
  kubeconfig?: string;
  context?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  pageSize?: number;
  /** In-cluster: where the pod's service account is mounted (its root; by default /). */
  serviceAccountRoot?: string;
  /** How many nodes' configz are asked at once. */
  configzConcurrency?: number;
  onProgress?: (what: string) => void;
}

type ClientNode = typeof import('@kubernetes/client-node');

const CONTROL_PLANE: ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

/** The rules (and their CIS controls) each list feeds: a 403 leaves them unjudged. */
const POD_RULES = ['rbac/automounted-token', '5.1.6', 'pod/privileged-container', '5.2.2', 'pod/host-pid', '5.2.3', 'pod/host-ipc', '5.2.4', 'pod/host-network', '5.2.5', 'pod/privilege-escalation', '5.2.6'];
const ACCESS_RULES = ['rbac/secret-access', '5.1.2', 'rbac/pod-create-access', '5.1.4'];
const KUBELET_RULES = ['auth/anonymous-auth', 'auth/insecure-authorization', 'bootstrap/tls-bootstrap', '4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5', '4.2.6', '4.2.8', '4.2.9', '4.2.10', '4.2.11', '4.2.12', '4.2.13', '4.2.14'];

interface ListSpec<T> {
  /** For progress and messages: "cluster role bindings". */
  what: string;
  path: string;
  /** The RBAC permission that reads it, for the unknown's "what would supply it". */
  permission: string;
  affects: string[];
  page: (cont: string | undefined, limit: number) => Promise<{ items: T[]; metadata?: { _continue?: string } }>;
}

class SourceStopped extends Error {}

function credentialOf(user: { certData?: string; certFile?: string; token?: string; authProvider?: unknown; exec?: unknown } | null | undefined): Credential {
  if (user?.certData || user?.certFile) return 'client-certificate';
  if (user?.token || user?.authProvider || user?.exec) return 'token';
  return 'none';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'TIMEOUT' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function podComponent(pod: import('@kubernetes/client-node').V1Pod, at: SourceLocation): Component | undefined {
  const container = pod.spec?.containers?.[0];
  if (!container) return undefined;
  const words = [...(container.command ?? []), ...(container.args ?? [])].map((text) => ({ text, at }));
  const image = container.image ? parseImage(container.image) : undefined;
  let command = identifyCommand(words);
  if (!command && image && (CONTROL_PLANE as string[]).includes(image.name)) command = { kind: image.name as ComponentKind, binary: image.name, args: words };
  if (!command) return undefined;
  const volumes = new Map((pod.spec?.volumes ?? []).filter((v) => v.hostPath).map((v) => [v.name, v.hostPath!.path]));
  const mounts: Mount[] = (container.volumeMounts ?? []).flatMap((m) => (volumes.has(m.name) ? [{ containerPath: m.mountPath, hostPath: volumes.get(m.name)! }] : []));
  const component: Component = {
    kind: command.kind,
    host: pod.spec?.nodeName ?? pod.metadata?.name ?? 'unknown',
    source: 'static-pod',
    definedAt: at,
    flagsAt: at,
    binary: command.binary,
    settings: parseFlags(command.args),
    mounts,
  };
  if (container.image) component.image = container.image;
  if (image?.version) {
    component.version = image.version;
    component.versionAt = at;
  }
  return component;
}

/** "node-1, node-2 and 3 more" */
function someOf(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

class LiveKubeReader {
  readonly live: LiveKube;
  private stopped = false;
  private readonly timeoutMs: number;
  private readonly limit: number;
  private readonly scanned: Set<string>;

  constructor(
    private readonly cluster: Cluster,
    private readonly place: ApiPlace,
    private readonly credential: Credential,
    private readonly options: KubeSourceOptions,
  ) {
    this.live = emptyLiveKube(place.server);
    cluster.liveKube = this.live;
    // Folders and nodes are read before the API: an index of what they hold, not a search per node.
    this.scanned = new Set(cluster.components.filter((c) => c.definedAt.root >= 0).map((c) => `${c.kind}\u0000${c.host}`));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.limit = options.pageSize ?? 500;
  }

  private at(path: string, host?: string): SourceLocation {
    return this.place.at(path, host);
  }

  /** One request: a fatal failure stops the source with one finding; others are returned. */
  async request<T>(what: string, path: string, run: () => Promise<T>): Promise<T> {
    if (this.stopped) throw new SourceStopped();
    try {
      return await withTimeout(run(), this.timeoutMs);
    } catch (error) {
      if (this.stopped) throw new SourceStopped();
      const plain = (error as { code?: string }).code === 'TIMEOUT' ? { fatal: false, message: (error as Error).message } : plainError(error, 'the API server', this.credential);
      if (plain.fatal) {
        this.stopped = true;
        this.cluster.sourceErrors.push({ source: 'kubernetes', message: `${this.place.server}: ${plain.message}`, at: this.at('') });
        throw new SourceStopped();
      }
      throw Object.assign(new Error(`${what}: ${plain.message}`), { status: (error as { code?: unknown }).code, path });
    }
  }

  /**
   * Every item of a list, page by page; `each` sees them and nothing is kept here. A 403
   * becomes an unknown naming the permission; false when the list was not read whole.
   */
  async list<T>(spec: ListSpec<T>, each: (item: T) => void): Promise<boolean> {
    if (this.stopped) return false;
    this.options.onProgress?.(spec.what);
    let cont: string | undefined;
    try {
      do {
        const page = await this.request(spec.what, spec.path, () => spec.page(cont, this.limit));
        for (const item of page.items) each(item);
        cont = page.metadata?._continue || undefined;
      } while (cont);
      return true;
    } catch (error) {
      if (error instanceof SourceStopped) return false;
      const e = error as Error & { status?: unknown };
      if (e.status === 403) {
        this.cluster.addUnknown({
          what: spec.what,
          why: `GET ${spec.path} answered 403 Forbidden`,
          supply: `the ${spec.permission} permission for the credentials kaudit uses`,
          at: this.at(spec.path),
          affects: spec.affects,
        });
      } else {
        this.cluster.sourceErrors.push({ source: 'kubernetes', message: e.message, at: this.at(spec.path) });
      }
      return false;
    }
  }

  /** A single GET outside lists (endpoints, the serving certificate): a failure is a source error. */
  async step(what: string, path: string, run: () => Promise<void>): Promise<void> {
    if (this.stopped) return;
    this.options.onProgress?.(what);
    try {
      await this.request(what, path, run);
    } catch (error) {
      if (!(error instanceof SourceStopped)) this.cluster.sourceErrors.push({ source: 'kubernetes', message: (error as Error).message, at: this.at(path) });
    }
  }

  /** The apiserver's encryption config is a file on its node: the API shows the flag, not the file. */
  noteHiddenFiles(component: Component): void {
    if (component.kind !== 'kube-apiserver') return;
    const flag = setting(component, 'encryption-provider-config') ?? setting(component, 'experimental-encryption-provider-config');
    // A scan of the node in the same run supplies the file.
    if (!flag || this.scannedOnNode('kube-apiserver', component.host)) return;
    this.cluster.addUnknown({
      what: `the encryption config ${flag.value} of kube-apiserver on ${component.host}`,
      why: 'files on the nodes are not visible through the Kubernetes API',
      supply: `a scan of ${component.host} (kaudit scan / there, or a folder from kaudit collect)`,
      at: component.definedAt,
      affects: ['encryption/no-aescbc-provider', 'encryption/weak-key', 'encryption/legacy-config', '1.2.28'],
    });
  }

  /** Whether a folder or node scan of this run already holds the component of that host. */
  scannedOnNode(kind: ComponentKind, host: string): boolean {
    return this.scanned.has(`${kind}\u0000${host}`);
  }

  /** Kubelet settings through the API proxy (nodes/proxy), a few nodes at a time; nodes scanned themselves are not asked. */
  async readConfigz(core: import('@kubernetes/client-node').CoreV1Api, all: Component[]): Promise<void> {
    const kubelets = all.filter((k) => !this.scannedOnNode('kubelet', k.host));
    if (this.stopped || kubelets.length === 0) return;
    this.options.onProgress?.('kubelet settings (configz)');
    const failed = new Map<string, { why: string; nodes: string[] }>();
    let forbidden = false;
    let next = 0;
    const worker = async () => {
      while (next < kubelets.length && !this.stopped) {
        const kubelet = kubelets[next++];
        const path = `/api/v1/nodes/${kubelet.host}/proxy/configz`;
        if (forbidden) {
          failed.get('403')!.nodes.push(kubelet.host);
          continue;
        }
        try {
          const text = await this.request('configz', path, () => core.connectGetNodeProxyWithPath({ name: kubelet.host, path: 'configz' }));
          kubeletFromConfigz(kubelet, typeof text === 'string' ? JSON.parse(text) : text, this.at(path, kubelet.host));
        } catch (error) {
          if (error instanceof SourceStopped) return;
          const status = (error as { status?: unknown }).status;
          // The permission is cluster-wide: after one 403 the other nodes are not asked.
          if (status === 403) forbidden = true;
          const key = status === 403 ? '403' : String(status ?? (error as Error).message);
          const why = status === 403 ? 'GET /api/v1/nodes/NAME/proxy/configz answered 403 Forbidden' : `GET /api/v1/nodes/NAME/proxy/configz failed (${(error as Error).message.replace(/^configz: /, '')})`;
          const entry = failed.get(key) ?? { why, nodes: [] };
          entry.nodes.push(kubelet.host);
          failed.set(key, entry);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.configzConcurrency ?? 16, kubelets.length) }, worker));
    for (const [key, { why, nodes }] of failed) {
      this.cluster.addUnknown({
        what: `kubelet settings of ${nodes.length} node${nodes.length === 1 ? '' : 's'} (${someOf(nodes.sort())})`,
        why,
        supply: key === '403' ? 'the get permission on nodes/proxy for the credentials kaudit uses, or a node scan (kaudit scan / on each node, or kaudit collect)' : 'a node scan (kaudit scan / on each node, or kaudit collect), or the nodes answering through the API proxy',
        at: this.at('/api/v1/nodes'),
        affects: KUBELET_RULES,
      });
    }
  }
}

/**
 * The client makes a new TLS connection for every request: thousands of configz calls and
 * list pages then spend their time in handshakes. Its API clients are made here as
 * `makeApiClient` makes them, plus one keep-alive agent with the same TLS settings (from
 * the kubeconfig, through the client) that carries every request; the client still
 * authenticates each one. Not for proxies, whose agents the client makes itself.
 */
async function apiClients(k8s: ClientNode, kc: import('@kubernetes/client-node').KubeConfig) {
  const cluster = kc.getCurrentCluster();
  let close = () => {};
  let make = <T>(type: new (config: import('@kubernetes/client-node').Configuration) => T): T => kc.makeApiClient(type as never) as T;
  if (cluster && cluster.server.startsWith('https:') && !cluster.proxyUrl) {
    const https = await import('node:https');
    const request: import('node:https').RequestOptions = {};
    await kc.applyToHTTPSOptions(request);
    const agent = new https.Agent({ ...((request.agent as import('node:https').Agent | undefined)?.options ?? {}), keepAlive: true, maxSockets: 16 });
    const reuse = { pre: async (context: import('@kubernetes/client-node').RequestContext) => (context.setAgent(agent), context), post: async (response: import('@kubernetes/client-node').ResponseContext) => response };
    close = () => agent.destroy();
    make = (type) => new type(k8s.createConfiguration({ baseServer: new k8s.ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, promiseMiddleware: [reuse] }));
  }
  return { core: make(k8s.CoreV1Api), apps: make(k8s.AppsV1Api), rbac: make(k8s.RbacAuthorizationV1Api), networking: make(k8s.NetworkingV1Api), close };
}

export async function collectLiveKube(cluster: Cluster, options: KubeSourceOptions): Promise<void> {
  const k8s: ClientNode = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromCluster(options.serviceAccountRoot ?? '');
    if (options.context) kc.setCurrentContext(options.context);
  } catch (error) {
    cluster.sourceErrors.push({ source: 'kubernetes', message: `${options.kubeconfig ?? 'in-cluster config'} cannot be used: ${(error as Error).message.split('\n')[0]}`, at: liveAt('kubernetes', options.kubeconfig ?? 'in-cluster') });
    return;
  }
  const server = kc.getCurrentCluster()?.server ?? 'https://kubernetes.default.svc';
  const place = new ApiPlace(server);
  const reader = new LiveKubeReader(cluster, place, credentialOf(kc.getCurrentUser()), options);
  const { core, apps, rbac, networking, close } = await apiClients(k8s, kc);
  try {
    await readAll(cluster, reader, place, kc, server, options, { core, apps, rbac, networking });
  } finally {
    close();
  }
}

type Clients = Omit<Awaited<ReturnType<typeof apiClients>>, 'close'>;

async function readAll(cluster: Cluster, reader: LiveKubeReader, place: ApiPlace, kc: import('@kubernetes/client-node').KubeConfig, server: string, options: KubeSourceOptions, { core, apps, rbac, networking }: Clients): Promise<void> {
  const live = reader.live;
  const paging = (cont: string | undefined, limit: number) => ({ limit, ...(cont ? { _continue: cont } : {}) });

  await reader.list(
    { what: 'control-plane pods', path: '/api/v1/namespaces/kube-system/pods', permission: 'list pods in kube-system', affects: [], page: (cont, limit) => core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane', ...paging(cont, limit) }) },
    (pod) => {
      const component = podComponent(pod, place.at(`/api/v1/namespaces/kube-system/pods/${pod.metadata?.name}`, pod.spec?.nodeName ?? 'kubernetes'));
      if (!component) return;
      cluster.components.push(component);
      reader.noteHiddenFiles(component);
    },
  );
  const kubelets: Component[] = [];
  await reader.list({ what: 'nodes', path: '/api/v1/nodes', permission: 'list nodes', affects: ['upgrade/version-skew', ...KUBELET_RULES], page: (cont, limit) => core.listNode(paging(cont, limit)) }, (node) => {
    live.nodes++;
    const name = node.metadata?.name ?? 'unknown';
    const nodeAt = place.at(`/api/v1/nodes/${name}`, name);
    const info = node.status?.nodeInfo;
    for (const [kind, version] of [['kubelet', info?.kubeletVersion], ['kube-proxy', info?.kubeProxyVersion]] as const) {
      const plain = version && /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1];
      if (!plain) continue;
      const component: Component = { kind, host: name, source: 'live', definedAt: nodeAt, settings: [], mounts: [], version: plain, versionAt: nodeAt };
      cluster.components.push(component);
      if (kind === 'kubelet') kubelets.push(component);
    }
  });
  await reader.readConfigz(core, kubelets);

  const pods = new PodGroups(place);
  const podsRead = await reader.list({ what: 'pods', path: '/api/v1/pods', permission: 'list pods in all namespaces', affects: [...POD_RULES, 'scheduler/unknown-scheduler'], page: (cont, limit) => core.listPodForAllNamespaces(paging(cont, limit)) }, (pod) => {
    live.pods++;
    const scheduler = pod.spec?.schedulerName;
    // One pod per scheduler name is kept, as an example.
    if (scheduler && !live.schedulerNames.has(scheduler)) live.schedulerNames.set(scheduler, `${pod.metadata?.namespace}/${pod.metadata?.name}`);
    pods.add(pod);
  });
  if (podsRead) live.workloadPods = pods.all();

  const workloads: string[] = [];
  const daemonSetsRead = await reader.list(
    { what: 'kube-system daemonsets', path: '/apis/apps/v1/namespaces/kube-system/daemonsets', permission: 'list daemonsets.apps in kube-system', affects: ['cni/weave-unencrypted', 'cni/weave-npc-disabled'], page: (cont, limit) => apps.listNamespacedDaemonSet({ namespace: 'kube-system', ...paging(cont, limit) }) },
    (daemonSet) => {
      workloads.push(`DaemonSet/${daemonSet.metadata?.name}`);
      const weave = weaveOfLiveDaemonSet(daemonSet, place);
      if (weave) cluster.weaveNets.push(weave);
    },
  );
  const deploymentsRead = await reader.list(
    { what: 'kube-system deployments', path: '/apis/apps/v1/namespaces/kube-system/deployments', permission: 'list deployments.apps in kube-system', affects: [], page: (cont, limit) => apps.listNamespacedDeployment({ namespace: 'kube-system', ...paging(cont, limit) }) },
    (deployment) => workloads.push(`Deployment/${deployment.metadata?.name}`),
  );
  if (daemonSetsRead && deploymentsRead) live.workloads = workloads;

  const policies = { count: 0, examples: [] as string[] };
  const policiesRead = await reader.list(
    { what: 'network policies', path: '/apis/networking.k8s.io/v1/networkpolicies', permission: 'list networkpolicies.networking.k8s.io in all namespaces', affects: ['cni/weave-npc-disabled'], page: (cont, limit) => networking.listNetworkPolicyForAllNamespaces(paging(cont, limit)) },
    (policy) => {
      if (policies.count++ < 3) policies.examples.push(`${policy.metadata?.namespace}/${policy.metadata?.name}`);
    },
  );
  if (policiesRead) live.networkPolicies = policies;

  // Only the expiry of each token is kept: the secret half never enters the model.
  await reader.list(
    {
      what: 'bootstrap token secrets',
      path: '/api/v1/namespaces/kube-system/secrets',
      permission: 'list secrets in kube-system',
      affects: ['bootstrap/long-lived-token'],
      page: (cont, limit) => core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: 'type=bootstrap.kubernetes.io/token', ...paging(cont, limit) }),
    },
    (secret) => live.bootstrapTokens.push(bootstrapTokenOf(secret, place)),
  );

  const namespaces: LiveKube['namespaces'] = [];
  if (await reader.list({ what: 'namespaces', path: '/api/v1/namespaces', permission: 'list namespaces', affects: POD_RULES.slice(2), page: (cont, limit) => core.listNamespace(paging(cont, limit)) }, (ns) => namespaces.push(namespaceOf(ns, place)))) {
    live.namespaces = namespaces;
  }
  const accounts: LiveKube['serviceAccounts'] = [];
  const accountRules = ['rbac/default-service-account-token', '5.1.5', 'rbac/automounted-token', '5.1.6'];
  if (await reader.list({ what: 'service accounts', path: '/api/v1/serviceaccounts', permission: 'list serviceaccounts in all namespaces', affects: accountRules, page: (cont, limit) => core.listServiceAccountForAllNamespaces(paging(cont, limit)) }, (sa) => accounts.push(serviceAccountOf(sa, place)))) {
    live.serviceAccounts = accounts;
  }
  const RBAC = '/apis/rbac.authorization.k8s.io/v1';
  const roles: NonNullable<LiveKube['rbac']['roles']> = [];
  if (await reader.list({ what: 'roles', path: `${RBAC}/roles`, permission: 'list roles.rbac.authorization.k8s.io in all namespaces', affects: [...ACCESS_RULES, 'rbac/wildcard-rule', '5.1.3'], page: (cont, limit) => rbac.listRoleForAllNamespaces(paging(cont, limit)) }, (r) => roles.push(roleOf(r, 'Role', place)))) {
    live.rbac.roles = roles;
  }
  const clusterRoles: NonNullable<LiveKube['rbac']['clusterRoles']> = [];
  if (await reader.list({ what: 'cluster roles', path: `${RBAC}/clusterroles`, permission: 'list clusterroles.rbac.authorization.k8s.io', affects: [...ACCESS_RULES, 'rbac/wildcard-rule', '5.1.3'], page: (cont, limit) => rbac.listClusterRole(paging(cont, limit)) }, (r) => clusterRoles.push(roleOf(r, 'ClusterRole', place)))) {
    live.rbac.clusterRoles = clusterRoles;
  }
  const roleBindings: NonNullable<LiveKube['rbac']['roleBindings']> = [];
  if (await reader.list({ what: 'role bindings', path: `${RBAC}/rolebindings`, permission: 'list rolebindings.rbac.authorization.k8s.io in all namespaces', affects: ACCESS_RULES, page: (cont, limit) => rbac.listRoleBindingForAllNamespaces(paging(cont, limit)) }, (b) => roleBindings.push(bindingOf(b, 'RoleBinding', place)))) {
    live.rbac.roleBindings = roleBindings;
  }
  const clusterRoleBindings: NonNullable<LiveKube['rbac']['clusterRoleBindings']> = [];
  if (await reader.list({ what: 'cluster role bindings', path: `${RBAC}/clusterrolebindings`, permission: 'list clusterrolebindings.rbac.authorization.k8s.io', affects: ['rbac/cluster-admin-binding', '5.1.1', ...ACCESS_RULES], page: (cont, limit) => rbac.listClusterRoleBinding(paging(cont, limit)) }, (b) => clusterRoleBindings.push(bindingOf(b, 'ClusterRoleBinding', place)))) {
    live.rbac.clusterRoleBindings = clusterRoleBindings;
  }

  await reader.step('the kubernetes endpoints', '/api/v1/namespaces/default/endpoints/kubernetes', async () => {
    const endpoints = await core.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
    live.endpoints = (endpoints.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  });
  await reader.step('the serving certificate', '/', async () => {
    const user = kc.getCurrentUser();
    const der = await servedCertificate(server, { ...(user?.certData ? { cert: Buffer.from(user.certData, 'base64') } : {}), ...(user?.keyData ? { key: Buffer.from(user.keyData, 'base64') } : {}) }, options.timeoutMs ?? 10_000, 443);
    if (der) cluster.certificates.push(readCertificate(der, place.at('/'), server, 0));
  });
}
