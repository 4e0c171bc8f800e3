/**
 * A local HTTPS stand-in for the Kubernetes API (the real apiserver cannot run here):
 * client-certificate authentication (401 for a certificate it does not trust), real-shaped
 * objects — a kubeadm cluster's kube-system — lists paginated with continue tokens, a 403
 * on secrets, and an endpoint slow enough to time out. Nodes and pods are generated page by
 * page, so it can serve very large clusters.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_SPEC, apiserverManifest, controllerManagerManifest, etcdManifest, schedulerManifest } from './kubeadm.js';
import { PkiFactory, type Issued } from './pki.js';
import { TreeWriter } from './tree.js';

export interface StandInOptions {
  nodes: number;
  pods: number;
  /** Kubelet version of the last node (to plant a skew). */
  lastKubeletVersion?: string;
  /** Delay of the deployments list, in ms. */
  slowDeploymentsMs?: number;
  forbidSecrets?: boolean;
  /** A service-account token the stand-in accepts (in-cluster config). */
  token?: string;
  /** Addresses the `kubernetes` endpoints list besides the control planes' (a stale apiserver). */
  staleEndpoints?: string[];
}

export interface StandIn {
  url: string;
  kubeconfig: string;
  /** A kubeconfig whose client certificate the stand-in does not trust. */
  strangerKubeconfig: string;
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

function controlPlanePods() {
  const pods = [];
  for (const [index, node] of DEFAULT_SPEC.controlPlanes.entries()) {
    for (const text of [etcdManifest(DEFAULT_SPEC, node, DEFAULT_SPEC.controlPlanes.slice(0, index + 1), index === 0 ? 'new' : 'existing'), apiserverManifest(DEFAULT_SPEC, node), controllerManagerManifest(DEFAULT_SPEC), schedulerManifest(DEFAULT_SPEC)]) {
      const pod = parse(text);
      pod.metadata.name = `${pod.metadata.name}-${node.name}`;
      pod.spec.nodeName = node.name;
      pods.push(pod);
    }
  }
  return pods;
}

function page<T>(total: number, query: URLSearchParams, make: (i: number) => T) {
  const limit = Number(query.get('limit') ?? total) || total;
  const start = Number(query.get('continue') ? Buffer.from(query.get('continue')!, 'base64').toString() : 0);
  const end = Math.min(total, start + limit);
  const items = [];
  for (let i = start; i < end; i++) items.push(make(i));
  return { metadata: { resourceVersion: '1', ...(end < total ? { continue: Buffer.from(String(end)).toString('base64') } : {}) }, items };
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const pki = new PkiFactory();
  const ca = await pki.ca('kubernetes');
  const serving = await pki.leaf(ca, 'kube-apiserver', { ipAddresses: ['127.0.0.1'], dnsNames: ['localhost', 'kubernetes'], usages: ['serverAuth'] });
  const client = await pki.leaf(ca, 'kubernetes-admin', { organizations: ['system:masters'], usages: ['clientAuth'] });
  const strangerCa = await pki.ca('stranger');
  const stranger = await pki.leaf(strangerCa, 'stranger', { usages: ['clientAuth'] });
  const requests: string[] = [];
  const pods = controlPlanePods();

  const server = https.createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://standin');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const bearer = options.token && req.headers.authorization === `Bearer ${options.token}`;
    if (!(req.socket as import('node:tls').TLSSocket).authorized && !bearer) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/v1/namespaces/kube-system/pods':
        return send(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods });
      case '/api/v1/nodes':
        return send(200, { kind: 'NodeList', apiVersion: 'v1', ...page(options.nodes, q, (i) => ({
          metadata: { name: `node-${i}` },
          status: { nodeInfo: { kubeletVersion: i === options.nodes - 1 && options.lastKubeletVersion ? options.lastKubeletVersion : 'v1.29.3', kubeProxyVersion: 'v1.29.3', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7.13', kernelVersion: '6.1.0', architecture: 'amd64', operatingSystem: 'linux', bootID: '', machineID: '', systemUUID: '' }, addresses: [{ type: 'InternalIP', address: `10.1.${(i >> 8) & 255}.${i & 255}` }] },
          spec: { podCIDR: `10.244.${i % 256}.0/24` },
        })) });
      case '/api/v1/pods':
        return send(200, { kind: 'PodList', apiVersion: 'v1', ...page(options.pods, q, (i) => ({
          metadata: { name: `app-${i}`, namespace: `team-${i % 50}`, labels: { app: `app-${i % 100}` } },
          spec: { nodeName: `node-${i % Math.max(options.nodes, 1)}`, schedulerName: i === 7 ? 'gpu-scheduler' : 'default-scheduler', containers: [{ name: 'app', image: 'registry.example.internal/app:1.0', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
          status: { phase: 'Running' },
        })) });
      case '/apis/apps/v1/namespaces/kube-system/daemonsets':
        return send(200, { kind: 'DaemonSetList', apiVersion: 'apps/v1', metadata: {}, items: [{ metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { selector: {}, template: { spec: { containers: [] } } } }, { metadata: { name: 'weave-net', namespace: 'kube-system' }, spec: { selector: {}, template: { spec: { containers: [] } } } }] });
      case '/apis/apps/v1/namespaces/kube-system/deployments':
        setTimeout(() => send(200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: [{ metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { selector: {}, template: { spec: { containers: [] } } } }] }), options.slowDeploymentsMs ?? 0);
        return;
      case '/api/v1/namespaces/kube-system/secrets':
        if (options.forbidSecrets) return send(403, status(403, 'Forbidden', 'secrets is forbidden: User "kubernetes-admin" cannot list resource "secrets" in API group "" in the namespace "kube-system"'));
        return send(200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [] });
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
