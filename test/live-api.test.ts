/**
 * CIS section 5, the seed rules and "unknown is not absent" through the real
 * @kubernetes/client-node against the API stand-in: default and planted RBAC, service
 * accounts, namespaces with Pod Security labels, pods, weave-net, bootstrap tokens and
 * configz — every list read in small pages — and what a 403 or a refused handshake makes
 * of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLiveKube } from '../src/collectors/live-kube.js';
import { runRules } from '../src/engine.js';
import { Cluster } from '../src/model/cluster.js';
import type { Finding } from '../src/model/finding.js';
import { RULES } from '../src/rules/index.js';
import { kauditAsync } from './support/cli.js';
import { account, clusterRole, clusterRoleBinding, group, namespace, pod, role, roleBinding, serviceAccount } from './support/cluster-objects.js';
import { startStandIn, type StandIn, type StandInOptions } from './support/kube-standin.js';

const NOW = new Date();
const DAY = 86_400_000;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

/** What a hand-built cluster of problems plants beside a new kubeadm cluster's objects. */
const PLANTED: StandInOptions = {
  nodes: 5,
  pods: 40,
  bootstrapTokens: [
    { id: 'abcdef', expiration: new Date(NOW.getTime() + 400 * DAY).toISOString().replace(/\.\d+Z$/, 'Z') },
    { id: 'ghijkl', expiration: new Date(NOW.getTime() + 23 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z') },
  ],
  weave: {},
  networkPolicies: 2,
  kubeletConfigOf: (node) => (node === 'node-3' ? { authentication: { anonymous: { enabled: true }, webhook: { enabled: true } }, rotateCertificates: undefined } : undefined),
  planted: {
    clusterRoles: [clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]), clusterRole('ci-admin', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])],
    clusterRoleBindings: [clusterRoleBinding('ci-deployer', 'cluster-admin', [serviceAccount('ci', 'deployer')]), clusterRoleBinding('everyone-reads-secrets', 'secret-reader', [group('system:authenticated')])],
    roles: [role('sandbox', 'pod-maker', [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'get'] }])],
    roleBindings: [roleBinding('sandbox', 'everyone-makes-pods', { kind: 'Role', name: 'pod-maker' }, [group('system:authenticated')])],
    namespaces: [namespace('sandbox'), namespace('monitoring', 'privileged'), namespace('restricted-team', 'baseline'), namespace('quiet')],
    serviceAccounts: [account('sandbox', 'default'), account('monitoring', 'default'), account('restricted-team', 'default'), account('quiet', 'default', false)],
    pods: [
      pod('sandbox', 'debug-shell', { privileged: true, hostPID: true }),
      pod('monitoring', 'node-exporter-a', { owner: { kind: 'DaemonSet', name: 'node-exporter' }, hostPID: true, hostNetwork: true }),
      pod('restricted-team', 'legacy-agent-a', { owner: { kind: 'DaemonSet', name: 'legacy-agent' }, hostIPC: true, allowPrivilegeEscalation: true }),
      pod('kube-system', 'tcpdump', { hostNetwork: true }),
      pod('quiet', 'worker-1', { owner: { kind: 'ReplicaSet', name: 'worker-6b7c' } }),
    ],
  },
};

async function liveScan(api: StandIn, pageSize = 7): Promise<{ cluster: Cluster; findings: Finding[] }> {
  const cluster = new Cluster();
  await collectLiveKube(cluster, { kubeconfig: api.kubeconfig, pageSize, timeoutMs: 10_000 });
  return { cluster, findings: runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 }) };
}

function byRule(findings: Finding[], rule: string): string[] {
  return findings.filter((f) => f.ruleId === rule).map((f) => f.message);
}

describe('section 5 and the seed rules through the API', () => {
  let api: StandIn;
  let findings: Finding[];
  let cluster: Cluster;
  beforeAll(async () => {
    api = await startStandIn(PLANTED);
    ({ cluster, findings } = await liveScan(api));
  }, 60_000);
  afterAll(() => api?.close());

  it('reads every list in pages (limit and continue)', () => {
    for (const path of ['/api/v1/pods', '/api/v1/namespaces', '/api/v1/serviceaccounts', `${RBAC}/clusterroles`, `${RBAC}/clusterrolebindings`]) {
      const pages = api.requests.filter((r) => r.startsWith(`GET ${path}?`));
      expect(pages.length, path).toBeGreaterThan(1);
      expect(pages[0], path).toMatch(/[?&]limit=7/);
      expect(pages[1], path).toMatch(/[?&]continue=/);
    }
    expect(api.requests.filter((r) => r.startsWith('GET /api/v1/pods?')).length).toBe(Math.ceil(cluster.liveKube!.pods / 7));
    // Read-only: no SubjectAccessReview, no impersonation, nothing but GET.
    expect(api.requests.every((r) => r.startsWith('GET '))).toBe(true);
    expect(cluster.sourceErrors).toEqual([]);
    expect(cluster.unknowns).toEqual([]);
  });

  it('5.1.1–5.1.4: names the planted bindings and roles, not the defaults', () => {
    expect(byRule(findings, 'rbac/cluster-admin-binding')).toEqual(['ClusterRoleBinding ci-deployer gives cluster-admin to ServiceAccount ci/deployer']);
    expect(byRule(findings, 'rbac/secret-access')).toEqual(['ClusterRoleBinding everyone-reads-secrets lets every authenticated user (Group system:authenticated) get, list secrets in all namespaces, through ClusterRole secret-reader']);
    expect(byRule(findings, 'rbac/pod-create-access')).toEqual(['RoleBinding sandbox/everyone-makes-pods lets every authenticated user (Group system:authenticated) create pods in namespace sandbox, through Role sandbox/pod-maker']);
    expect(byRule(findings, 'rbac/wildcard-rule')).toEqual(['ClusterRole ci-admin: rule 1 grants "*" in verbs']);
    const located = findings.find((f) => f.ruleId === 'rbac/secret-access')!;
    expect(located.at.file).toBe(`${api.url}${RBAC}/clusterrolebindings/everyone-reads-secrets`);
    expect(located.cis).toEqual(['5.1.2']);
  });

  it('5.1.5–5.1.6: default service accounts and pods that mount tokens', () => {
    const defaults = findings.filter((f) => f.ruleId === 'rbac/default-service-account-token');
    expect(defaults.map((f) => f.at.file)).toContain(`${api.url}/api/v1/namespaces/sandbox/serviceaccounts/default`);
    expect(defaults.map((f) => f.at.file)).not.toContain(`${api.url}/api/v1/namespaces/quiet/serviceaccounts/default`);
    const mounted = byRule(findings, 'rbac/automounted-token');
    expect(mounted).toContain('Pod sandbox/debug-shell mounts a token of service account sandbox/default: neither the pod nor service account default sets automountServiceAccountToken: false');
    expect(mounted.some((m) => m.startsWith('ReplicaSet quiet/'))).toBe(false);
    // kube-system's system components (kube-proxy, weave-net, coredns, the static pods) are left alone.
    expect(mounted.some((m) => /kube-system\/(kube-proxy|weave-net|coredns|kube-apiserver)/.test(m))).toBe(false);
    // The generated workloads: one finding per ReplicaSet, not per pod.
    expect(mounted.filter((m) => m.startsWith('ReplicaSet team-')).length).toBeLessThanOrEqual(100);
  });

  it('5.2.2–5.2.6: pods outside the exceptions, with namespace and name', () => {
    expect(byRule(findings, 'pod/privileged-container')).toEqual([expect.stringMatching(/^Pod sandbox\/debug-shell: container app is privileged; namespace sandbox has no Pod Security label/)]);
    expect(byRule(findings, 'pod/host-pid')).toEqual([expect.stringMatching(/^Pod sandbox\/debug-shell: hostPID: true/)]);
    expect(byRule(findings, 'pod/host-ipc')).toEqual([expect.stringMatching(/^DaemonSet restricted-team\/legacy-agent \(1 pod, e\.g\. legacy-agent-a\): hostIPC: true; namespace restricted-team enforces the baseline Pod Security level/)]);
    expect(byRule(findings, 'pod/host-network')).toEqual([expect.stringMatching(/^Pod kube-system\/tcpdump: hostNetwork: true/)]);
    expect(byRule(findings, 'pod/privilege-escalation')).toEqual([expect.stringMatching(/^DaemonSet restricted-team\/legacy-agent .*: container app sets allowPrivilegeEscalation: true/)]);
    expect(findings.find((f) => f.ruleId === 'pod/host-ipc')!.at.file).toBe(`${api.url}/apis/apps/v1/namespaces/restricted-team/daemonsets/legacy-agent`);
  });

  it('issue 15: weave-net without a password, weave-npc present, a bootstrap token for 400 days', () => {
    expect(findings.filter((f) => f.ruleId === 'cni/weave-unencrypted').map((f) => f.at.file)).toEqual([`${api.url}/apis/apps/v1/namespaces/kube-system/daemonsets/weave-net`]);
    expect(byRule(findings, 'cni/weave-npc-disabled')).toEqual([]);
    expect(byRule(findings, 'bootstrap/long-lived-token')).toEqual([expect.stringMatching(/^bootstrap token Secret kube-system\/bootstrap-token-abcdef expires on .*, in 400 days/)]);
  });

  it('judges kubelet settings read through configz (a missing field is its zero value)', () => {
    const node3 = findings.filter((f) => f.at.host === 'node-3').map((f) => `${f.ruleId}: ${f.message}`);
    expect(node3).toEqual([
      'auth/anonymous-auth: kubelet on node-3: authentication.anonymous.enabled: true in its config file; anonymous requests reach the kubelet API',
      'bootstrap/tls-bootstrap: kubelet on node-3: --rotate-certificates=false; its client certificate is not renewed before it expires',
    ]);
    expect(findings.find((f) => f.at.host === 'node-3')!.at.file).toBe(`${api.url}/api/v1/nodes/node-3/proxy/configz`);
    expect(findings.filter((f) => /^node-[0124]$/.test(f.at.host))).toEqual([]);
  });

  it('reports no encryption where the apiserver has no --encryption-provider-config (its flags are visible)', () => {
    expect(findings.filter((f) => f.ruleId === 'apiserver/no-encryption-at-rest').map((f) => f.at.host).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
  });
});

describe('unknown is not absent', () => {
  it('a 403 on one list leaves its controls unknown, naming the permission, and nothing else', async () => {
    const api = await startStandIn({ ...PLANTED, forbid: [`${RBAC}/rolebindings`, '/api/v1/namespaces/kube-system/secrets'] });
    try {
      const { cluster, findings } = await liveScan(api);
      expect(cluster.sourceErrors).toEqual([]);
      expect(cluster.unknowns).toEqual([
        expect.objectContaining({ what: 'bootstrap token secrets', supply: 'the list secrets in kube-system permission for the credentials kaudit uses', affects: ['bootstrap/long-lived-token'] }),
        expect.objectContaining({
          what: 'role bindings',
          why: `GET ${RBAC}/rolebindings answered 403 Forbidden`,
          supply: 'the list rolebindings.rbac.authorization.k8s.io in all namespaces permission for the credentials kaudit uses',
          affects: ['rbac/secret-access', '5.1.2', 'rbac/pod-create-access', '5.1.4'],
        }),
      ]);
      expect(byRule(findings, 'bootstrap/long-lived-token')).toEqual([]);
      expect(byRule(findings, 'rbac/pod-create-access')).toEqual([]);
      // What could be read is still judged: the cluster-wide grant is a finding.
      expect(byRule(findings, 'rbac/secret-access')).toHaveLength(1);
      expect(findings.some((f) => f.ruleId === 'source/unreadable')).toBe(false);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('without nodes/proxy, kubelet settings are one unknown, never a finding with an empty default', async () => {
    const api = await startStandIn({ nodes: 4, pods: 3, forbid: ['/api/v1/nodes/proxy'] });
    try {
      const { cluster, findings } = await liveScan(api);
      expect(findings.filter((f) => /^node-/.test(f.at.host))).toEqual([]);
      const kubelet = cluster.unknowns.filter((u) => u.what.startsWith('kubelet settings'));
      expect(kubelet).toEqual([
        expect.objectContaining({
          what: 'kubelet settings of 4 nodes (node-0, node-1, node-2 and 1 more)',
          why: 'GET /api/v1/nodes/NAME/proxy/configz answered 403 Forbidden',
          supply: 'the get permission on nodes/proxy for the credentials kaudit uses, or a node scan (kaudit scan / on each node, or kaudit collect)',
        }),
      ]);
      expect(kubelet[0].affects).toEqual(expect.arrayContaining(['bootstrap/tls-bootstrap', 'auth/anonymous-auth', '4.2.1', '4.2.10']));
      // After the first 403 the other nodes are not asked.
      expect(api.requests.filter((r) => r.endsWith('/proxy/configz')).length).toBeLessThan(4 + 16);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('an encryption config named by a flag is an unknown, not "no encryption"', async () => {
    const api = await startStandIn({ nodes: 1, pods: 1, apiserverFlags: ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml'] });
    try {
      const run = await kauditAsync(['scan', '--kubeconfig', api.kubeconfig, '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
      const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }>; unknowns: Array<{ what: string; why: string; supply: string; affects: string[] }> };
      expect(report.findings.filter((f) => f.ruleId.startsWith('encryption/') || f.ruleId === 'apiserver/no-encryption-at-rest')).toEqual([]);
      expect(report.unknowns).toContainEqual({
        what: 'the encryption config /etc/kubernetes/enc/encryption-config.yaml of kube-apiserver on cp-1',
        why: 'files on the nodes are not visible through the Kubernetes API',
        supply: 'a scan of cp-1 (kaudit scan / there, or a folder from kaudit collect)',
        host: 'cp-1',
        file: `${api.url}/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-1`,
        affects: ['encryption/no-aescbc-provider', 'encryption/weak-key', 'encryption/legacy-config', '1.2.28'],
      });
    } finally {
      await api.close();
    }
  }, 60_000);
});

describe('a node scanned in the same run supplies what the API cannot show', () => {
  it('no unknown for the encryption config of a node whose folder is scanned, nor for its kubelet', async () => {
    const { TreeWriter } = await import('./support/tree.js');
    const { staticPod } = await import('./support/hosts.js');
    const { encryptionConfig } = await import('./support/kubeadm.js');
    const tree = TreeWriter.temp();
    const api = await startStandIn({ nodes: 2, pods: 1, apiserverFlags: ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml'], forbid: ['/api/v1/nodes/proxy'] });
    try {
      staticPod(tree, 'cp-1', 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml'], { mounts: ['/etc/kubernetes/pki', '/etc/kubernetes/enc'] });
      tree.write('cp-1', '/etc/kubernetes/enc/encryption-config.yaml', encryptionConfig(Buffer.alloc(32, 7).toString('base64')), 0o600);
      tree.write('node-1', '/etc/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet --rotate-certificates=true --anonymous-auth=false\n');
      tree.write('node-0', '/etc/hostname', 'node-0\n');
      tree.writeSnapshotManifests();
      const run = await kauditAsync(['scan', tree.dir, '--kubeconfig', api.kubeconfig, '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
      const report = JSON.parse(run.stdout) as { unknowns: Array<{ what: string }> };
      const whats = report.unknowns.map((u) => u.what);
      expect(whats.filter((w) => w.startsWith('the encryption config')).sort()).toEqual(['cp-2', 'cp-3'].map((host) => `the encryption config /etc/kubernetes/enc/encryption-config.yaml of kube-apiserver on ${host}`));
      expect(whats.filter((w) => w.startsWith('kubelet settings'))).toEqual(['kubelet settings of 1 node (node-0)']);
    } finally {
      tree.cleanup();
      await api.close();
    }
  }, 60_000);
});

describe('a refused TLS or authentication handshake', () => {
  let api: StandIn;
  let strict: StandIn;
  beforeAll(async () => {
    api = await startStandIn({ nodes: 2, pods: 2 });
    strict = await startStandIn({ nodes: 2, pods: 2, requireClientCert: true });
  });
  afterAll(async () => {
    await api?.close();
    await strict?.close();
  });

  const cases: Array<[string, () => [string, string], RegExp]> = [
    ['a client certificate from a CA the API server does not trust (401)', () => [api.strangerKubeconfig, api.url], /: the API server does not trust the client certificate \(401 Unauthorized\): it is not signed by a CA the server trusts \(--client-ca-file\), or it has expired; that part of the cluster was not audited$/],
    ['a client certificate refused in the TLS handshake', () => [strict.strangerKubeconfig, strict.url], /: the API server does not trust the client certificate: it ended the TLS handshake|: the API server closed the connection during the TLS handshake/],
    ["a kubeconfig whose CA did not sign the API server's certificate", () => [api.wrongServerCaKubeconfig, api.url], /: kaudit does not trust the certificate the API server presents: it is not signed by the certificate authority kaudit was given \([A-Z_]+\)/],
  ];
  for (const [name, setup, message] of cases) {
    it(`${name}: one finding in plain words, exit status 1`, async () => {
      const [kubeconfig, url] = setup();
      const run = await kauditAsync(['scan', '--kubeconfig', kubeconfig, '--format', 'json'], { timeout: 60_000 });
      expect(run.stderr).not.toMatch(/\n\s+at |FetchError|HTTP-Code/);
      const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; level: string; file: string; message: string }>; unknowns: unknown[] };
      expect(report.findings.map((f) => f.ruleId)).toEqual(['source/unreadable']);
      expect(report.findings[0].message).toMatch(message);
      expect(report.findings[0].message.startsWith(`kubernetes: ${url}: `)).toBe(true);
      expect(report.findings[0].level).toBe('error');
      expect(report.unknowns).toEqual([]);
      // interfaces.md: exit 1 when a finding is at or above --fail-on (default error).
      expect(run.status).toBe(1);
    }, 60_000);
  }
});

describe('fixes of what the API shows', () => {
  it('plan the changes on the node, with its name and the KubeletConfiguration field, for a kubelet read through configz', async () => {
    const { planFixes } = await import('../src/fixers/index.js');
    const { renderChanges } = await import('../src/fixers/render.js');
    const api = await startStandIn({ nodes: 4, pods: 3, bootstrapTokens: [{ id: 'abcdef' }], kubeletConfigOf: PLANTED.kubeletConfigOf! });
    try {
      const { cluster, findings } = await liveScan(api);
      const dryRun = renderChanges(await planFixes(cluster, findings, { now: NOW }));
      expect(dryRun).toContain('On node-3, kubelet: set authentication.anonymous.enabled: false in the KubeletConfiguration its --config names');
      expect(dryRun).toContain('On node-3, kubelet: set rotateCertificates: true');
      expect(dryRun).toContain('$ kubeadm token delete abcdef');
      expect(dryRun).toContain("kubectl -n kube-system patch daemonset weave-net --patch");
      expect(dryRun).toContain("On cp-1, kube-apiserver: write an EncryptionConfiguration");
      expect(dryRun).not.toMatch(/Not fixed:|Cannot read|unknown host/);
    } finally {
      await api.close();
    }
  }, 60_000);
});
