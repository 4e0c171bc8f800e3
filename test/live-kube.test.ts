import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kauditAsync } from './support/cli.js';
import { startStandIn, type StandIn } from './support/kube-standin.js';

interface Report {
  findings: Array<{ ruleId: string; host: string; file: string; message: string }>;
  components: Array<{ host: string; kind: string; source: string; file: string; version: string | null; flags: Array<{ name: string; value: string }> }>;
}

describe('the Kubernetes API through @kubernetes/client-node, against a local stand-in', () => {
  let api: StandIn;
  beforeAll(async () => {
    api = await startStandIn({ nodes: 1200, pods: 2600, lastKubeletVersion: 'v1.30.1', slowDeploymentsMs: 3000, forbidSecrets: true });
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
    const nodePages = api.requests.filter((r) => r.startsWith('GET /api/v1/nodes'));
    expect(nodePages).toHaveLength(3);
    expect(nodePages[1]).toMatch(/[?&]continue=/);
    expect(api.requests.filter((r) => r.startsWith('GET /api/v1/pods'))).toHaveLength(6);

    const found = (rule: string) => report.findings.filter((f) => f.ruleId === rule);
    expect(found('auth/anonymous-auth').map((f) => f.host).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(found('upgrade/version-skew').map((f) => f.message)).toEqual(['kubelet 1.30.1 on node-1199 is newer than kube-apiserver 1.29.3 on cp-1']);
    expect(found('scheduler/unknown-scheduler')[0].message).toMatch(/^pods ask for schedulerName gpu-scheduler \(team-7\/app-7, for one\)/);
    const unreadable = found('source/unreadable').map((f) => f.message).sort();
    expect(unreadable).toEqual([
      expect.stringMatching(/^kubernetes: bootstrap token secrets: 403 forbidden/),
      expect.stringMatching(/^kubernetes: kube-system deployments: no answer within 1000 ms/),
    ]);
  }, 60_000);

  it('gives one finding for a certificate the API refuses (401), and goes on with the rest', async () => {
    const run = await kauditAsync(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--kubeconfig', api.strangerKubeconfig, '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
    const report = JSON.parse(run.stdout) as Report;
    const unreadable = report.findings.filter((f) => f.ruleId === 'source/unreadable');
    expect(unreadable.map((f) => f.message)).toEqual([expect.stringMatching(/^kubernetes: https:\/\/127\.0\.0\.1:\d+: 401 unauthorized/)]);
    expect(report.findings.some((f) => f.ruleId === 'pki/cert-expired')).toBe(true);
  }, 60_000);

  it('gives one finding for an API that cannot be reached', async () => {
    const run = await kauditAsync(['scan', '--kubeconfig', api.kubeconfig.replace('kubeconfig', 'missing-kubeconfig'), '--format', 'json'], { timeout: 30_000 });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => f.ruleId)).toEqual(['source/unreadable']);
    expect(report.findings[0].message).toMatch(/cannot be used/);
  });
});
