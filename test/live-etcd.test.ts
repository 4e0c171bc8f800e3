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

/** Writes a key through etcd's JSON gateway, as the apiserver's storage would. */
async function put(cluster: EtcdCluster, key: string, value: Buffer): Promise<void> {
  const https = await import('node:https');
  const fs = await import('node:fs');
  const body = JSON.stringify({ key: Buffer.from(key).toString('base64'), value: value.toString('base64') });
  await new Promise<void>((resolve, reject) => {
    const req = https.request(`${cluster.members[0].clientUrl}/v3/kv/put`, { method: 'POST', ca: fs.readFileSync(cluster.cacert), cert: fs.readFileSync(cluster.cert), key: fs.readFileSync(cluster.key), headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`put ${key}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A Secret as the apiserver stores it without encryption: the protobuf envelope, its data readable. */
function plaintextSecret(name: string, marker: string, size = 200): Buffer {
  return Buffer.concat([Buffer.from('k8s\u0000\n\f\n\u0002v1\u0012\u0006Secret\u0012'), Buffer.from(`${name} password=${marker} `), Buffer.alloc(size, 'x')]);
}

/** A Secret as aescbc stores it: the prefix, then ciphertext. */
function encryptedSecret(marker: string, size = 300): Buffer {
  return Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key-20260301:'), Buffer.from(marker), Buffer.alloc(size, 7)]);
}

describe.runIf(etcdAvailable())('encryption/stale-plaintext against a real etcd', () => {
  let cluster: EtcdCluster;
  const PLAIN_MARKER = 'PLANTED-PLAINTEXT-VALUE-5f2a9c';
  const CIPHER_MARKER = 'PLANTED-CIPHERTEXT-BYTES-77e1d0';
  beforeAll(async () => {
    cluster = await startEtcdCluster(1);
    // 30 encrypted Secrets (more than a page of values), 3 left from before encryption, one of them large.
    for (let i = 0; i < 30; i++) await put(cluster, `/registry/secrets/team-${i % 3}/app-${i}`, encryptedSecret(CIPHER_MARKER));
    await put(cluster, '/registry/secrets/default/old-db-password', plaintextSecret('old-db-password', PLAIN_MARKER));
    await put(cluster, '/registry/secrets/kube-system/bootstrap-token-abcdef', plaintextSecret('bootstrap-token-abcdef', PLAIN_MARKER));
    await put(cluster, '/registry/secrets/team-2/big-bundle', plaintextSecret('big-bundle', PLAIN_MARKER, 600_000));
    // Not a Secret: never read.
    await put(cluster, '/registry/configmaps/default/settings', plaintextSecret('settings', PLAIN_MARKER));
  }, 120_000);
  afterAll(() => cluster?.close());

  it('names the Secrets stored in plaintext, only those, and no value byte reaches any report', () => {
    const formats = ['json', 'sarif', 'text'].map((format) => {
      const args = ['scan', '--format', format, '--fail-on', 'none', '--etcd-endpoints', cluster.members[0].clientUrl, '--etcd-cacert', cluster.cacert, '--etcd-cert', cluster.cert, '--etcd-key', cluster.key];
      const run = kaudit(args, { timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout + run.stderr;
    });
    const report = JSON.parse(formats[0]) as Report;
    const stale = report.findings.filter((f) => f.ruleId === 'encryption/stale-plaintext');
    expect(stale.map((f) => f.file).sort()).toEqual(
      ['/registry/secrets/default/old-db-password', '/registry/secrets/kube-system/bootstrap-token-abcdef', '/registry/secrets/team-2/big-bundle'].map((key) => `${cluster.members[0].clientUrl}${key}`),
    );
    expect(stale[0].message).toMatch(/is stored in etcd in plaintext although encryption is in force \(30 other Secrets are encrypted \(aescbc:v1:key-20260301\)\)/);
    for (const output of formats) {
      expect(output).not.toContain(PLAIN_MARKER);
      expect(output).not.toContain(CIPHER_MARKER);
      expect(output).not.toContain('password=');
    }
  });

  it('lists keys and reads values in small pages, keeping only each value\'s prefix in the model', async () => {
    const { Cluster } = await import('../src/model/cluster.js');
    const { collectLiveEtcd } = await import('../src/collectors/live-etcd.js');
    const model = new Cluster();
    await collectLiveEtcd(model, { endpoints: [cluster.members[0].clientUrl], cacert: cluster.cacert, cert: cluster.cert, key: cluster.key, secretPages: { keys: 4, values: 3 } });
    const secrets = model.liveEtcd!.secrets!;
    expect(secrets).toHaveLength(33);
    expect(secrets.filter((s) => !s.encryptedWith).map((s) => s.key).sort()).toEqual(['/registry/secrets/default/old-db-password', '/registry/secrets/kube-system/bootstrap-token-abcdef', '/registry/secrets/team-2/big-bundle']);
    expect(new Set(secrets.map((s) => s.encryptedWith).filter(Boolean))).toEqual(new Set(['aescbc:v1:key-20260301']));
    expect(JSON.stringify(model)).not.toContain(PLAIN_MARKER);
    expect(JSON.stringify(model)).not.toContain(CIPHER_MARKER);
  });

  it('is silent where nothing shows that encryption is in force', async () => {
    const plain = await startEtcdCluster(1);
    try {
      await put(plain, '/registry/secrets/default/db', plaintextSecret('db', PLAIN_MARKER));
      const run = kaudit(['scan', '--format', 'json', '--fail-on', 'none', '--etcd-endpoints', plain.members[0].clientUrl, '--etcd-cacert', plain.cacert, '--etcd-cert', plain.cert, '--etcd-key', plain.key], { timeout: 60_000 });
      expect((JSON.parse(run.stdout) as Report).findings.filter((f) => f.ruleId === 'encryption/stale-plaintext')).toEqual([]);
    } finally {
      await plain.close();
    }
  }, 60_000);
});
