/**
 * The Kubernetes API as a source, through @kubernetes/client-node (imported by the caller
 * only when --kubeconfig or in-cluster config is asked for: it takes a moment to load).
 * Lists are read page by page (limit/continue) and only what the rules need is kept, so
 * memory stays flat however large the cluster. Each request has a timeout; a 401, a 403 or
 * an unreachable API becomes a source error, and the rest of the scan goes on.
 */
import { servedCertificate } from './tls-peer.js';
import { identifyCommand, parseFlags } from './args.js';
import { liveAt } from './live-etcd.js';
import { readCertificate } from './pem.js';
import { parseImage } from './static-pod.js';
import type { Cluster } from '../model/cluster.js';
import type { Component, ComponentKind, Mount, SourceLocation } from '../model/types.js';

export interface KubeSourceOptions {
  kubeconfig?: string;
  context?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  pageSize?: number;
  /** In-cluster: where the pod's service account is mounted (its root; by default /). */
  serviceAccountRoot?: string;
  onProgress?: (what: string) => void;
}

type ClientNode = typeof import('@kubernetes/client-node');

const CONTROL_PLANE: ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

class SourceError extends Error {}

function describeError(error: unknown): string {
  const e = error as { code?: number | string; message?: string; body?: unknown };
  if (typeof e.code === 'number') {
    const reason = e.code === 401 ? 'unauthorized: the credentials were refused' : e.code === 403 ? 'forbidden: the credentials may not read it' : `HTTP ${e.code}`;
    return `${e.code} ${reason}`;
  }
  return e.message?.split('\n')[0] ?? String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SourceError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    throw new SourceError(`${what}: ${error instanceof SourceError ? error.message : describeError(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Every item of a paginated list, page by page; `each` sees them, nothing is kept here. */
async function paged<T>(list: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>, each: (item: T) => void): Promise<number> {
  let cont: string | undefined;
  let count = 0;
  do {
    const page = await list(cont);
    for (const item of page.items) each(item);
    count += page.items.length;
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return count;
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
  const at = (path: string, host = 'kubernetes') => liveAt(host, `${server.replace(/\/$/, '')}${path}`);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limit = options.pageSize ?? 500;
  const live = { server, nodes: 0, pods: 0, schedulerNames: new Map<string, string>(), bootstrapTokens: [] as Array<{ name: string; expiration?: string }>, endpoints: [] as string[], workloads: [] as string[] };
  cluster.liveKube = live;
  // A refused credential or an API that cannot be reached fails every request alike: one finding, then stop.
  let stopped = false;
  const step = async (what: string, path: string, run: () => Promise<unknown>) => {
    if (stopped) return;
    options.onProgress?.(what);
    try {
      await run();
    } catch (error) {
      const message = error instanceof SourceError ? error.message : `${what}: ${describeError(error)}`;
      stopped = / 401 |ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|certificate|socket hang up/.test(message);
      cluster.sourceErrors.push({ source: 'kubernetes', message: stopped ? `${server}: ${message.replace(/^[^:]+: /, '')}` : message, at: stopped ? at('') : at(path) });
    }
  };

  await step('control-plane pods', '/api/v1/namespaces/kube-system/pods', () =>
    paged(
      (cont) => withTimeout(core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane', limit, ...(cont ? { _continue: cont } : {}) }), timeoutMs, 'kube-system pods'),
      (pod) => {
        const component = podComponent(pod, at(`/api/v1/namespaces/kube-system/pods/${pod.metadata?.name}`, pod.spec?.nodeName ?? 'kubernetes'));
        if (component) cluster.components.push(component);
      },
    ),
  );
  await step('nodes', '/api/v1/nodes', async () => {
    live.nodes = await paged(
      (cont) => withTimeout(core.listNode({ limit, ...(cont ? { _continue: cont } : {}) }), timeoutMs, 'nodes'),
      (node) => {
        const name = node.metadata?.name ?? 'unknown';
        const nodeAt = at(`/api/v1/nodes/${name}`, name);
        const info = node.status?.nodeInfo;
        for (const [kind, version] of [['kubelet', info?.kubeletVersion], ['kube-proxy', info?.kubeProxyVersion]] as const) {
          const plain = version && /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1];
          if (plain) cluster.components.push({ kind, host: name, source: 'live', definedAt: nodeAt, settings: [], mounts: [], version: plain, versionAt: nodeAt });
        }
      },
    );
  });
  await step('pods', '/api/v1/pods', async () => {
    live.pods = await paged(
      (cont) => withTimeout(core.listPodForAllNamespaces({ limit, ...(cont ? { _continue: cont } : {}) }), timeoutMs, 'pods'),
      (pod) => {
        const scheduler = pod.spec?.schedulerName;
        // One pod per scheduler name is kept, as an example: memory does not grow with the cluster.
        if (scheduler && !live.schedulerNames.has(scheduler)) live.schedulerNames.set(scheduler, `${pod.metadata?.namespace}/${pod.metadata?.name}`);
      },
    );
  });
  await step('kube-system workloads', '/apis/apps/v1/namespaces/kube-system', async () => {
    const daemonSets = await withTimeout(apps.listNamespacedDaemonSet({ namespace: 'kube-system' }), timeoutMs, 'kube-system daemonsets');
    const deployments = await withTimeout(apps.listNamespacedDeployment({ namespace: 'kube-system' }), timeoutMs, 'kube-system deployments');
    live.workloads = [...daemonSets.items.map((d) => `DaemonSet/${d.metadata?.name}`), ...deployments.items.map((d) => `Deployment/${d.metadata?.name}`)];
  });
  await step('bootstrap tokens', '/api/v1/namespaces/kube-system/secrets', async () => {
    const secrets = await withTimeout(core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: 'type=bootstrap.kubernetes.io/token' }), timeoutMs, 'bootstrap token secrets');
    // Only the name and the expiry: no token value is kept.
    live.bootstrapTokens = secrets.items.map((s) => {
      const expiration = s.data?.expiration ? Buffer.from(s.data.expiration, 'base64').toString('utf8') : undefined;
      return { name: s.metadata?.name ?? '', ...(expiration ? { expiration } : {}) };
    });
  });
  await step('the kubernetes endpoints', '/api/v1/namespaces/default/endpoints/kubernetes', async () => {
    const endpoints = await withTimeout(core.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' }), timeoutMs, 'the kubernetes endpoints');
    live.endpoints = (endpoints.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  });
  await step('the serving certificate', '/', async () => {
    const user = kc.getCurrentUser();
    const der = await servedCertificate(server, { ...(user?.certData ? { cert: Buffer.from(user.certData, 'base64') } : {}), ...(user?.keyData ? { key: Buffer.from(user.keyData, 'base64') } : {}) }, timeoutMs, 443);
    if (der) cluster.certificates.push(readCertificate(der, at('/'), server, 0));
  });
}
