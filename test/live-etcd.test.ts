import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { etcdAvailable, startEtcdCluster, type EtcdCluster } from './support/etcd-cluster.js';

interface Report {
  findings: Array<{ ruleId: string; host: string; file: string; message: string }>;
}

function scanLive(cluster: EtcdCluster, extra: string[] = []): Report {
  const args = ['scan', '--format', 'json', '--etcd-endpoints', cluster.members[0].clientUrl, ...(cluster.tls ? ['--etcd-cacert', cluster.cacert, '--etcd-cert', cluster.cert, '--etcd-key', cluster.key] : []), ...extra];
  const run = kaudit(args, { timeout: 60_000 });
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return JSON.parse(run.stdout) as Report;
}

describe.runIf(etcdAvailable())('live etcd (a real three-member cluster with TLS)', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('reports no unhealthy member, nor any etcd/pki problem, for a healthy cluster', () => {
    const report = scanLive(cluster);
    expect(report.findings.map((f) => `${f.ruleId} ${f.host}: ${f.message}`)).toEqual([]);
  });

  it('reads the certificate each endpoint serves', () => {
    const report = scanLive(cluster, ['--now', new Date(Date.now() + 400 * 86_400_000).toISOString()]);
    const expired = report.findings.filter((f) => f.ruleId === 'pki/cert-expired');
    expect(expired.map((f) => f.file).sort()).toEqual(cluster.members.map((m) => m.clientUrl).sort());
    expect(expired[0].message).toContain('certificate "etcd-server" expired');
  });

  it('names the member that stopped', async () => {
    await cluster.stop('member-3');
    const report = scanLive(cluster);
    const unhealthy = report.findings.filter((f) => f.ruleId === 'etcd/unhealthy-member');
    expect(unhealthy).toHaveLength(1);
    expect(unhealthy[0].host).toBe('member-3');
    expect(unhealthy[0].message).toMatch(/^etcd member member-3 does not answer \(ECONNREFUSED.*\); 2 of 3 healthy \(the cluster tolerates 1 failure\)$/);
  });
});

describe.runIf(etcdAvailable())('live etcd: a plaintext cluster of two', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster(2, { tls: false });
  }, 60_000);
  afterAll(() => cluster?.close());

  it('reports plaintext URLs and the even size', () => {
    const report = scanLive(cluster);
    const rules = report.findings.map((f) => `${f.ruleId} ${f.host}`);
    expect(rules).toContain('etcd/even-members member-1');
    expect(rules.filter((r) => r.startsWith('etcd/plaintext-urls')).sort()).toEqual([
      'etcd/plaintext-urls member-1',
      'etcd/plaintext-urls member-1',
      'etcd/plaintext-urls member-2',
      'etcd/plaintext-urls member-2',
    ]);
    expect(report.findings.find((f) => f.ruleId === 'etcd/even-members')?.message).toContain('2 members: majority 2, tolerates 0 failures');
  });
});

describe('live etcd that cannot be reached', () => {
  it('gives one finding for the source, and the rest of the scan still runs', () => {
    const run = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', 'json', '--etcd-endpoints', 'https://127.0.0.1:1', '--rule', 'etcd/*']);
    const report = JSON.parse(run.stdout) as Report;
    const unreachable = report.findings.filter((f) => f.ruleId === 'etcd/unhealthy-member');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0].message).toMatch(/^no etcd endpoint answered \(https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
    expect(report.findings.some((f) => f.ruleId === 'etcd/inconsistent-membership')).toBe(true);
  });
});

describe.runIf(etcdAvailable())('kaudit scan / on this machine', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('reports the etcd processes the tests started, with their flags', () => {
    const run = kaudit(['scan', '/', '--format', 'json', '--fail-on', 'none'], { timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { components: Array<{ kind: string; source: string; file: string; flags: Array<{ name: string; value: string }> }> };
    const etcds = report.components.filter((c) => c.kind === 'etcd' && c.source === 'process');
    // By the process ids the test started: another etcd on this machine may share a member name.
    for (const member of cluster.members) {
      const etcd = etcds.find((c) => c.file === `proc/${member.process!.pid}/cmdline`);
      expect(etcd, `etcd ${member.name} (pid ${member.process!.pid})`).toBeDefined();
      expect(etcd!.flags).toContainEqual(expect.objectContaining({ name: 'name', value: member.name }));
      expect(etcd!.flags).toContainEqual(expect.objectContaining({ name: 'listen-client-urls', value: member.clientUrl }));
      expect(etcd!.flags).toContainEqual(expect.objectContaining({ name: 'client-cert-auth', value: 'true' }));
    }
  });
});
