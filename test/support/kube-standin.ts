/**
 * A local HTTPS stand-in for the Kubernetes API (the real apiserver cannot run here):
 * client-certificate authentication (401 for a certificate it does not trust, or a TLS
 * handshake that refuses it with `requireClientCert`), real-shaped objects — a kubeadm
 * cluster's kube-system, its default RBAC, namespaces, service accounts, pods, weave-net,
 * bootstrap tokens, kubelets' configz through the node proxy — every list paginated with
 * continue tokens, 403 on the lists named in `forbid`, and an endpoint slow enough to time
 * out. Generated nodes and pods are made page by page, so it can serve very large clusters.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { account, defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles, namespace, pod } from './cluster-objects.js';
import { DEFAULT_SPEC, apiserverManifest, controllerManagerManifest, etcdManifest, schedulerManifest } from './kubeadm.js';
import { PkiFactory, type Issued } from './pki.js';
import { TreeWriter } from './tree.js';
import { weaveDaemonSet, type WeaveOptions } from './weave.js';

export interface Planted {
  clusterRoles?: unknown[];
  clusterRoleBindings?: unknown[];
  roles?: unknown[];
  roleBindings?: unknown[];
  namespaces?: unknown[];
  serviceAccounts?: unknown[];
  pods?: unknown[];
}

export interface StandInOptions {
  nodes: number;
  pods: number;
  /** Kubelet version of the last node (to plant a skew). */
  lastKubeletVersion?: string;
  /** Delay of the deployments list, in ms. */
  slowDeploymentsMs?: number;
  /** 403 on the kube-system secrets list. */
  forbidSecrets?: boolean;
  /** 403 on these paths (lists, or `/api/v1/nodes/proxy` for every node's configz). */
  forbid?: string[];
  /** A service-account token the stand-in accepts (in-cluster config). */
  token?: string;
  /** Addresses the `kubernetes` endpoints list besides the control planes' (a stale apiserver). */
  staleEndpoints?: string[];
  /** Flags added to every kube-apiserver static pod. */
  apiserverFlags?: string[];
  /** Bootstrap token Secrets in kube-system: id and expiry (RFC 3339, or none). */
  bootstrapTokens?: Array<{ id: string; expiration?: string }>;
  /** The weave-net DaemonSet in kube-system (false: none). */
  weave?: WeaveOptions | false;
  /** NetworkPolicy objects in the cluster. */
  networkPolicies?: number;
  /** KubeletConfiguration fields that differ from kubeadm's on one node (configz). */
  kubeletConfigOf?: (node: string) => Record<string, unknown> | undefined;
  /** Objects besides a new cluster's defaults. */
  planted?: Planted;
  /** The TLS handshake itself refuses client certificates the stand-in does not trust. */
  requireClientCert?: boolean;
}

export interface StandIn {
  url: string;
  kubeconfig: string;
  /** A kubeconfig whose client certificate the stand-in does not trust. */
  strangerKubeconfig: string;
  /** A kubeconfig whose certificate-authority did not sign the stand-in's serving certificate. */
  wrongServerCaKubeconfig: string;
  requests: string[];
  /** The CA that signed the stand-in's serving certificate. */
  caPem: string;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function kubeconfig(server: string, ca: Issued, client: Issued): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: standin\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${b64(ca.certPem)}\nusers:\n- name: admin\n  user:\n    client-certificate-data: ${b64(client.certPem)}\n    client-key-data: ${b64(client.keyPem)}\ncontexts:\n- name: standin\n  context:\n    cluster: standin\n    user: admin\ncurrent-context: standin\n`;
}

/** The static pods' mirrors, as the API shows them: annotated by the kubelet, system-node-critical. */
function controlPlanePods(apiserverFlags: string[]) {
  const pods = [];
  for (const [index, node] of DEFAULT_SPEC.controlPlanes.entries()) {
    for (const text of [etcdManifest(DEFAULT_SPEC, node, DEFAULT_SPEC.controlPlanes.slice(0, index + 1), index === 0 ? 'new' : 'existing'), apiserverManifest(DEFAULT_SPEC, node, apiserverFlags), controllerManagerManifest(DEFAULT_SPEC), schedulerManifest(DEFAULT_SPEC)]) {
      const p = parse(text);
      p.metadata.name = `${p.metadata.name}-${node.name}`;
      p.metadata.annotations = { ...(p.metadata.annotations ?? {}), 'kubernetes.io/config.mirror': `mirror-${p.metadata.name}`, 'kubernetes.io/config.source': 'file' };
      p.spec.nodeName = node.name;
      p.spec.priorityClassName ??= 'system-node-critical';
      pods.push(p);
    }
  }
  return pods;
}

/** kubeadm's KubeletConfiguration as the kubelet serves it in configz (zero values omitted). */
function kubeletConfigz(override: Record<string, unknown> | undefined) {
  const config: Record<string, unknown> = {
    enableServer: true,
    staticPodPath: '/etc/kubernetes/manifests',
    syncFrequency: '1m0s',
    authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' }, webhook: { enabled: true, cacheTTL: '2m0s' }, anonymous: { enabled: false } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' } },
    clusterDomain: 'cluster.local',
    clusterDNS: ['10.96.0.10'],
    rotateCertificates: true,
    makeIPTablesUtilChains: true,
    cgroupDriver: 'systemd',
    containerRuntimeEndpoint: 'unix:///var/run/containerd/containerd.sock',
    ...override,
  };
  for (const [key, value] of Object.entries(config)) if (value === undefined) delete config[key];
  return { kubeletconfig: config };
}

/** One page of a list of `total` items made by `make`; continue tokens are offsets. */
function page<T>(total: number, query: URLSearchParams, make: (i: number) => T) {
  const limit = Number(query.get('limit') ?? total) || total;
  const start = Number(query.get('continue') ? Buffer.from(query.get('continue')!, 'base64').toString() : 0);
  const end = Math.min(total, start + limit);
  const items = [];
  for (let i = start; i < end; i++) items.push(make(i));
  return { metadata: { resourceVersion: '1', ...(end < total ? { continue: Buffer.from(String(end)).toString('base64') } : {}) }, items };
}

function pageOf<T>(items: T[], query: URLSearchParams) {
  return page(items.length, query, (i) => items[i]);
}

const TEAMS = 50;

/** The objects of a kubeadm cluster with weave-net, and what the options plant. */
function clusterObjects(options: StandInOptions) {
  const planted = options.planted ?? {};
  const system = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
  const teams = Array.from({ length: TEAMS }, (_, i) => `team-${i}`);
  const namespaces = [...[...system, ...teams].map((name) => namespace(name)), ...(planted.namespaces ?? [])];
  const serviceAccounts = [
    ...[...system, ...teams].map((ns) => account(ns, 'default')),
    account('kube-system', 'kube-proxy'),
    account('kube-system', 'coredns'),
    account('kube-system', 'weave-net'),
    ...(planted.serviceAccounts ?? []),
  ];
  const daemonSets = [
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { selector: {}, template: { spec: { priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy', hostNetwork: true, containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:v${DEFAULT_SPEC.version}`, securityContext: { privileged: true } }] } } } },
    ...(options.weave === false ? [] : [weaveDaemonSet(options.weave ?? {})]),
  ];
  const workers = [...DEFAULT_SPEC.controlPlanes, ...DEFAULT_SPEC.workers].map((n) => n.name);
  const systemPods = [
    ...controlPlanePods(options.apiserverFlags ?? []),
    ...workers.map((node) => pod('kube-system', `kube-proxy-${node}`, { owner: { kind: 'DaemonSet', name: 'kube-proxy' }, serviceAccount: 'kube-proxy', hostNetwork: true, privileged: true, priorityClassName: 'system-node-critical', nodeName: node })),
    ...(options.weave === false ? [] : workers.map((node) => pod('kube-system', `weave-net-${node}`, { owner: { kind: 'DaemonSet', name: 'weave-net' }, serviceAccount: 'weave-net', hostNetwork: true, privileged: true, priorityClassName: 'system-node-critical', nodeName: node }))),
    ...[1, 2].map((i) => pod('kube-system', `coredns-76f75df574-${i}`, { owner: { kind: 'ReplicaSet', name: 'coredns-76f75df574' }, serviceAccount: 'coredns', priorityClassName: 'system-cluster-critical' })),
    ...(planted.pods ?? []),
  ];
  return {
    namespaces,
    serviceAccounts,
    daemonSets,
    systemPods,
    clusterRoles: [...defaultClusterRoles(), ...(planted.clusterRoles ?? [])],
    clusterRoleBindings: [...defaultClusterRoleBindings(), ...(planted.clusterRoleBindings ?? [])],
    roles: [...defaultRoles(), ...(planted.roles ?? [])],
    roleBindings: [...defaultRoleBindings(), ...(planted.roleBindings ?? [])],
  };
}

function appPod(i: number, nodes: number) {
  const p = pod(`team-${i % TEAMS}`, `app-${i}`, { owner: { kind: 'ReplicaSet', name: `app-${i % 100}-5d8f` }, nodeName: `node-${i % Math.max(nodes, 1)}`, schedulerName: i === 7 ? 'gpu-scheduler' : 'default-scheduler' });
  (p.metadata as Record<string, unknown>).labels = { app: `app-${i % 100}` };
  return p;
}

function bootstrapSecret(token: { id: string; expiration?: string }) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    metadata: { name: `bootstrap-token-${token.id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: { 'token-id': b64(token.id), 'token-secret': b64('0123456789abcdef'), 'usage-bootstrap-authentication': b64('true'), ...(token.expiration ? { expiration: b64(token.expiration) } : {}) },
  };
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const pki = new PkiFactory();
  const ca = await pki.ca('kubernetes');
  const serving = await pki.leaf(ca, 'kube-apiserver', { ipAddresses: ['127.0.0.1'], dnsNames: ['localhost', 'kubernetes'], usages: ['serverAuth'] });
  const client = await pki.leaf(ca, 'kubernetes-admin', { organizations: ['system:masters'], usages: ['clientAuth'] });
  const strangerCa = await pki.ca('stranger');
  const stranger = await pki.leaf(strangerCa, 'stranger', { usages: ['clientAuth'] });
  const requests: string[] = [];
  const objects = clusterObjects(options);
  const forbidden = new Set([...(options.forbid ?? []), ...(options.forbidSecrets ? ['/api/v1/namespaces/kube-system/secrets'] : [])]);

  const server = https.createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: options.requireClientCert === true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://standin');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const bearer = options.token && req.headers.authorization === `Bearer ${options.token}`;
    if (!(req.socket as import('node:tls').TLSSocket).authorized && !bearer) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const q = url.searchParams;
    const configz = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/configz$/.exec(url.pathname);
    if (forbidden.has(url.pathname) || (configz && forbidden.has('/api/v1/nodes/proxy'))) {
      return send(403, status(403, 'Forbidden', `${url.pathname} is forbidden: User "kubernetes-admin" cannot list it`));
    }
    if (configz) return send(200, kubeletConfigz(options.kubeletConfigOf?.(configz[1])));
    const list = (kind: string, items: unknown[]) => send(200, { kind, apiVersion: 'v1', ...pageOf(items, q) });
    const RBAC = '/apis/rbac.authorization.k8s.io/v1';
    switch (url.pathname) {
      case '/api/v1/namespaces/kube-system/pods':
        return list('PodList', objects.systemPods.filter((p) => (p as { metadata: { labels?: Record<string, string> } }).metadata.labels?.tier === 'control-plane'));
      case '/api/v1/nodes':
        return send(200, { kind: 'NodeList', apiVersion: 'v1', ...page(options.nodes, q, (i) => ({
          metadata: { name: `node-${i}` },
          status: { nodeInfo: { kubeletVersion: i === options.nodes - 1 && options.lastKubeletVersion ? options.lastKubeletVersion : 'v1.29.3', kubeProxyVersion: 'v1.29.3', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7.13', kernelVersion: '6.1.0', architecture: 'amd64', operatingSystem: 'linux', bootID: '', machineID: '', systemUUID: '' }, addresses: [{ type: 'InternalIP', address: `10.1.${(i >> 8) & 255}.${i & 255}` }] },
          spec: { podCIDR: `10.244.${i % 256}.0/24` },
        })) });
      case '/api/v1/pods': {
        const fixed = objects.systemPods.length;
        return send(200, { kind: 'PodList', apiVersion: 'v1', ...page(fixed + options.pods, q, (i) => (i < fixed ? objects.systemPods[i] : appPod(i - fixed, options.nodes))) });
      }
      case '/apis/apps/v1/namespaces/kube-system/daemonsets':
        return list('DaemonSetList', objects.daemonSets);
      case '/apis/apps/v1/namespaces/kube-system/deployments':
        setTimeout(() => list('DeploymentList', [{ metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { selector: {}, template: { spec: { containers: [] } } } }]), options.slowDeploymentsMs ?? 0);
        return;
      case '/api/v1/namespaces/kube-system/secrets':
        return list('SecretList', (options.bootstrapTokens ?? []).map(bootstrapSecret));
      case '/apis/networking.k8s.io/v1/networkpolicies':
        return send(200, { kind: 'NetworkPolicyList', apiVersion: 'networking.k8s.io/v1', ...page(options.networkPolicies ?? 0, q, (i) => ({ metadata: { name: 'deny-all', namespace: `team-${i}` }, spec: { podSelector: {}, policyTypes: ['Ingress'] } })) });
      case '/api/v1/namespaces':
        return list('NamespaceList', objects.namespaces);
      case '/api/v1/serviceaccounts':
        return list('ServiceAccountList', objects.serviceAccounts);
      case `${RBAC}/clusterroles`:
        return list('ClusterRoleList', objects.clusterRoles);
      case `${RBAC}/clusterrolebindings`:
        return list('ClusterRoleBindingList', objects.clusterRoleBindings);
      case `${RBAC}/roles`:
        return list('RoleList', objects.roles);
      case `${RBAC}/rolebindings`:
        return list('RoleBindingList', objects.roleBindings);
      case '/api/v1/namespaces/default/endpoints/kubernetes':
        return send(200, { kind: 'Endpoints', apiVersion: 'v1', metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [{ addresses: [...DEFAULT_SPEC.controlPlanes.map((n) => n.ip), ...(options.staleEndpoints ?? [])].map((ip) => ({ ip })), ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
      default:
        return send(404, status(404, 'NotFound', `${url.pathname} not found`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tree = TreeWriter.temp('kaudit-standin-');
  const file = (name: string, text: string) => {
    const p = path.join(tree.dir, name);
    fs.writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  return {
    url,
    kubeconfig: file('kubeconfig', kubeconfig(url, ca, client)),
    strangerKubeconfig: file('stranger.kubeconfig', kubeconfig(url, ca, stranger)),
    wrongServerCaKubeconfig: file('wrong-ca.kubeconfig', kubeconfig(url, strangerCa, client)),
    requests,
    caPem: ca.certPem,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          tree.cleanup();
          resolve();
        });
      }),
  };
}
