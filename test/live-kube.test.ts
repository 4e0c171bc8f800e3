import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kauditAsync } from './support/cli.js';
import { startStandIn, type StandIn } from './support/kube-standin.js';

interface Report {
  findings: Array<{ ruleId: string; host: string; file: string; message: string }>;
  unknowns: Array<{ what: string; why: string; supply: string; affects: string[] }>;
  components: Array<{ host: string; kind: string; source: string; file: string; version: string | null; flags: Array<{ name: string; value: string }> }>;
}

describe('the Kubernetes API through @kubernetes/client-node, against a local stand-in', () => {
  let api: StandIn;
  beforeAll(async () => {
    api = await startStandIn({ nodes: 1200, pods: 2600, lastKubeletVersion: 'v1.30.1', slowDeploymentsMs: 3000, forbidSecrets: true, staleEndpoints: ['10.0.0.14'] });
  });
  afterAll(() => api?.close());

  it('reads the control plane, nodes and pods page by page, and reports what is wrong', async () => {
    const run = await kauditAsync(['scan', '--kubeconfig', api.kubeconfig, '--request-timeout', '1s', '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;

    const apiservers = report.components.filter((c) => c.kind === 'kube-apiserver');
    expect(apiservers.map((c) => c.host).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(apiservers[0].version).toBe('1.29.3');
    expect(apiservers[0].file).toBe(`${api.url}/api/v1/namespaces/kube-system/pods/kube-apiserver-${apiservers[0].host}`);
    expect(apiservers[0].flags).toContainEqual(expect.objectContaining({ name: 'authorization-mode', value: 'Node,RBAC' }));
    expect(report.components.filter((c) => c.kind === 'kubelet')).toHaveLength(1200);

    // Pagination: limit and continue tokens, every page read.
    const nodePages = api.requests.filter((r) => /^GET \/api\/v1\/nodes(\?|$)/.test(r));
    expect(nodePages).toHaveLength(3);
    expect(nodePages[1]).toMatch(/[?&]continue=/);
    expect(api.requests.filter((r) => r.startsWith('GET /api/v1/pods'))).toHaveLength(6);

    const found = (rule: string) => report.findings.filter((f) => f.ruleId === rule);
    expect(found('auth/anonymous-auth').map((f) => f.host).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(found('upgrade/version-skew').map((f) => f.message)).toEqual(['kubelet 1.30.1 on node-1199 is newer than kube-apiserver 1.29.3 on cp-1']);
    expect(found('apiserver/master-count-reconciler').map((f) => f.message)).toEqual(['the kubernetes Service endpoints list 10.0.0.14, which no running kube-apiserver advertises: clients are sent to an apiserver that is gone']);
    expect(found('scheduler/unknown-scheduler')[0].message).toMatch(/^pods ask for schedulerName gpu-scheduler \(team-7\/app-7, for one\)/);
    const unreadable = found('source/unreadable').map((f) => f.message).sort();
    expect(unreadable).toEqual([expect.stringMatching(/^kubernetes: kube-system deployments: no answer within 1000 ms/)]);
    // A 403 is not a finding: the rule it feeds is unknown, with the permission that is missing.
    expect(found('bootstrap/long-lived-token')).toEqual([]);
    expect(report.unknowns).toContainEqual(expect.objectContaining({ what: 'bootstrap token secrets', why: 'GET /api/v1/namespaces/kube-system/secrets answered 403 Forbidden', supply: 'the list secrets in kube-system permission for the credentials kaudit uses', affects: ['bootstrap/long-lived-token'] }));
    // Every kubelet is judged from its configz: kubeadm's settings give no kubelet finding.
    expect(api.requests.filter((r) => r.endsWith('/proxy/configz'))).toHaveLength(1200);
    expect(report.findings.filter((f) => /^node-/.test(f.host) && f.ruleId !== 'upgrade/version-skew')).toEqual([]);
  }, 60_000);

  it('gives one finding for a certificate the API refuses (401), and goes on with the rest', async () => {
    const run = await kauditAsync(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--kubeconfig', api.strangerKubeconfig, '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
    const report = JSON.parse(run.stdout) as Report;
    const unreadable = report.findings.filter((f) => f.ruleId === 'source/unreadable');
    expect(unreadable.map((f) => f.message)).toEqual([expect.stringMatching(/^kubernetes: https:\/\/127\.0\.0\.1:\d+: the API server does not trust the client certificate \(401 Unauthorized\)/)]);
    expect(report.findings.some((f) => f.ruleId === 'pki/cert-expired')).toBe(true);
  }, 60_000);

  it('gives one finding for an API that cannot be reached', async () => {
    const run = await kauditAsync(['scan', '--kubeconfig', api.kubeconfig.replace('kubeconfig', 'missing-kubeconfig'), '--format', 'json'], { timeout: 30_000 });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => f.ruleId)).toEqual(['source/unreadable']);
    expect(report.findings[0].message).toMatch(/cannot be used/);
  });
});

describe('in-cluster configuration', () => {
  it("reads the API with the pod's service account token", async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { Cluster } = await import('../src/model/cluster.js');
    const { collectLiveKube } = await import('../src/collectors/live-kube.js');
    const api = await startStandIn({ nodes: 3, pods: 5, token: 'service-account-token-123' });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-sa-'));
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
      fs.mkdirSync(sa, { recursive: true });
      fs.writeFileSync(path.join(sa, 'token'), 'service-account-token-123');
      fs.writeFileSync(path.join(sa, 'ca.crt'), api.caPem);
      fs.writeFileSync(path.join(sa, 'namespace'), 'kaudit');
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = new URL(api.url).port;
      const cluster = new Cluster();
      await collectLiveKube(cluster, { serviceAccountRoot: root, timeoutMs: 5000 });
      expect(cluster.sourceErrors).toEqual([]);
      expect(cluster.componentsOf('kube-apiserver')).toHaveLength(3);
      expect(cluster.liveKube?.nodes).toBe(3);
      expect(cluster.liveKube?.endpoints).toEqual(['10.0.0.11', '10.0.0.12', '10.0.0.13']);
    } finally {
      process.env.KUBERNETES_SERVICE_HOST = saved.host;
      process.env.KUBERNETES_SERVICE_PORT = saved.port;
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      fs.rmSync(root, { recursive: true, force: true });
      await api.close();
    }
  });
});
