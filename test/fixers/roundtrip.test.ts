import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { issuersOf } from '../../src/rules/lib/pki.js';
import { RULES } from '../../src/rules/index.js';
import { kaudit } from '../support/cli.js';
import { changedFiles, copyTree, hashTree } from '../support/files.js';
import { writeHardWayCluster } from '../support/hardway.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

const PLAN_ONLY = new Set(RULES.filter((r) => r.fix === 'plan').map((r) => r.id));

function findings(dir: string, now?: string): Array<{ ruleId: string; file: string; line: number }> {
  const run = kaudit(['scan', dir, '--format', 'json', ...(now ? ['--now', now] : [])]);
  return JSON.parse(run.stdout).findings;
}

function openssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`; // the assertion shows what openssl said
  }
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Every certificate of the fixed files verifies against its CA, with openssl, and matches its key. */
function verifyWrittenCertificates(dir: string, changed: string[], at?: Date): number {
  const cluster = collect([dir]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-verify-'));
  let verified = 0;
  for (const cert of cluster.certificates) {
    if (!changed.includes(cert.at.file) || cert.isCA) continue;
    const certFile = path.join(work, `cert-${verified}.pem`);
    fs.writeFileSync(certFile, pem(cert.der));
    const ca = issuersOf(cluster, cert)[0];
    expect(ca, `the CA of ${cert.at.file}`).toBeDefined();
    const label = `${cert.at.file} (${cert.subject}) under ${ca.subject} from ${ca.at.file}`;
    const caFile = path.join(work, `ca-${verified}.pem`);
    fs.writeFileSync(caFile, pem(ca.der));
    expect(openssl(['verify', ...(at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : []), '-CAfile', caFile, certFile]).trim(), label).toBe(`${certFile}: OK`);
    const key = cluster.keys.find((k) => k.isPrivate && k.host === cert.host && k.publicKey?.fingerprint === cert.publicKey.fingerprint && !k.embeddedIn);
    if (key) {
      const keyFile = path.join(cluster.roots[0].path, key.at.file);
      const keyPub = openssl(['pkey', '-in', keyFile, '-pubout']);
      expect(openssl(['x509', '-in', certFile, '-noout', '-pubkey']), `key of ${cert.at.file}`).toBe(keyPub);
    }
    verified++;
  }
  fs.rmSync(work, { recursive: true, force: true });
  return verified;
}

describe('kaudit fix round trip on the example cluster', () => {
  let dir: string;
  let original: Map<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-fix-example-'));
    copyTree('fixtures/example-cluster', dir);
    original = hashTree(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows a diff and a plan and changes nothing without --write', () => {
    const dry = kaudit(['fix', dir, '--now', '2026-12-01']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('--- a/cp-2/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(dry.stdout).toContain('+    - --endpoint-reconciler-type=lease');
    expect(dry.stdout).toMatch(/^remove {2}worker-1\/etc\/cni\/net\.d\/10-weave\.conf: .*\n {2}side effect: .*\n {2}side effect: the file is kept in the backup folder$/m);
    expect(dry.stdout).toMatch(/^Manual steps \(kaudit cannot write these\):$/m);
    expect(dry.stdout).not.toMatch(/-----BEGIN (EC |RSA )?PRIVATE KEY-----\n[A-Za-z0-9+/]{20,}/);
    expect(changedFiles(original, hashTree(dir))).toEqual([]);
  });

  it('writes the fixes: only plan findings remain, and a second run changes nothing', () => {
    const before = findings(dir, '2026-12-01');
    const run = kaudit(['fix', dir, '--now', '2026-12-01', '--write']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Applied \d+ changes\.\nBackups of the replaced and removed files: .*\.kaudit-backup\/\d{8}T\d{6}Z/);
    const after = findings(dir, '2026-12-01');
    const fixable = before.filter((f) => !PLAN_ONLY.has(f.ruleId));
    expect(fixable.length).toBeGreaterThan(10);
    expect(after.filter((f) => !PLAN_ONLY.has(f.ruleId))).toEqual([]);
    const planned = new Set(before.map((f) => `${f.ruleId} ${f.file}`));
    expect(after.filter((f) => !planned.has(`${f.ruleId} ${f.file}`))).toEqual([]); // nothing new

    const written = hashTree(dir);
    expect(kaudit(['fix', dir, '--now', '2026-12-01', '--write']).status).toBe(0);
    expect(changedFiles(written, hashTree(dir))).toEqual([]);
  });

  it('writes certificates that openssl verifies, with the SANs and usages they lacked, and keys that match', () => {
    const changed = changedFiles(original, hashTree(dir));
    expect(verifyWrittenCertificates(dir, changed, new Date('2026-12-01T00:00:00Z'))).toBeGreaterThanOrEqual(5);
    const text = (file: string) => openssl(['x509', '-in', path.join(dir, file), '-noout', '-text']);
    expect(text('cp-2/etc/kubernetes/pki/apiserver.crt')).toMatch(/IP Address:10\.0\.0\.12/);
    expect(text('cp-1/etc/kubernetes/pki/etcd/peer.crt')).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text('cp-1/etc/kubernetes/pki/apiserver-kubelet-client.crt')).toMatch(/Public-Key: \(2048 bit\)/);
    expect(text('cp-3/etc/kubernetes/pki/apiserver-etcd-client.crt')).toMatch(/Issuer: CN ?= ?etcd-ca/);
  });

  it('keeps the CAs byte-identical and modes of keys at 0600', () => {
    const now = hashTree(dir);
    for (const file of [...original.keys()].filter((f) => /(^|\/)(ca|front-proxy-ca)\.(crt|key)$/.test(f))) expect(now.get(file), file).toBe(original.get(file));
    expect(fs.statSync(path.join(dir, 'cp-1/etc/kubernetes/pki/apiserver-etcd-client.key')).mode & 0o777).toBe(0o600);
    const created = path.join(dir, 'cp-2/etc/kubernetes/enc/encryption-config.yaml');
    expect(fs.statSync(created).mode & 0o777).toBe(0o600);
    // One key for every apiserver of the cluster, or each reads only what it wrote.
    const secrets = ['cp-1', 'cp-2', 'cp-3'].map((h) => /secret: (\S+)/.exec(fs.readFileSync(path.join(dir, h, 'etc/kubernetes/enc/encryption-config.yaml'), 'utf8'))![1]);
    expect(new Set(secrets).size).toBe(1);
  });

  it('keeps the apiserver probes working without anonymous access: tcpSocket instead of httpGet', () => {
    const pod = fs.readFileSync(path.join(dir, 'cp-3/etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8');
    expect(pod).toContain('    - --anonymous-auth=false');
    expect(pod).not.toContain('httpGet:');
    expect(pod).toMatch(/livenessProbe:\n\s+failureThreshold: 8\n\s+tcpSocket:\n\s+host: 10\.0\.0\.13\n\s+port: 6443/);
  });

  it('wrote the systemd-networkd route drop-in for the host without kube-proxy', () => {
    expect(fs.readFileSync(path.join(dir, 'cp-3/etc/systemd/network/10-eth0.network.d/kaudit-service-route.conf'), 'utf8')).toMatch(/\[Route\]\nDestination=10\.96\.0\.0\/12\n/);
  });

  it('kept every replaced or removed file in the backup', () => {
    const backups = fs.readdirSync(path.join(dir, '.kaudit-backup'));
    expect(backups).toHaveLength(1);
    const backup = path.join(dir, '.kaudit-backup', backups[0]);
    expect(fs.readFileSync(path.join(backup, 'worker-1/etc/cni/net.d/10-weave.conf'))).toEqual(fs.readFileSync('fixtures/example-cluster/worker-1/etc/cni/net.d/10-weave.conf'));
    expect(fs.readFileSync(path.join(backup, 'cp-2/etc/kubernetes/manifests/kube-apiserver.yaml'))).toEqual(fs.readFileSync('fixtures/example-cluster/cp-2/etc/kubernetes/manifests/kube-apiserver.yaml'));
  });
});

describe('kaudit fix round trip on kubernetes-the-hard-way', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeHardWayCluster(tree, new PkiFactory());
  });
  afterAll(() => tree.cleanup());

  it('fixes what it can write, and the rest is a plan', () => {
    const original = hashTree(tree.dir);
    const before = findings(tree.dir);
    const run = kaudit(['fix', tree.dir, '--write']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const after = findings(tree.dir);
    expect(after.filter((f) => !PLAN_ONLY.has(f.ruleId)).map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual([]);
    expect(before.filter((f) => !PLAN_ONLY.has(f.ruleId)).length).toBeGreaterThan(10);
    const changed = changedFiles(original, hashTree(tree.dir));
    expect(verifyWrittenCertificates(tree.dir, changed)).toBeGreaterThanOrEqual(3);
    // The CA key sits on the controllers only: worker certificates were signed with it from there.
    expect(changed).toContain('controller-0/etc/systemd/system/kube-apiserver.service');
    const written = hashTree(tree.dir);
    expect(kaudit(['fix', tree.dir, '--write']).status).toBe(0);
    expect(changedFiles(written, hashTree(tree.dir))).toEqual([]);

    // pki/shared-ca: a new etcd CA at etcd's CA path; the cluster CA's files byte-identical.
    for (const host of ['controller-0', 'controller-1', 'controller-2']) {
      for (const file of ['var/lib/kubernetes/ca.pem', 'var/lib/kubernetes/ca-key.pem']) expect(written.get(`${host}/${file}`), file).toBe(original.get(`${host}/${file}`));
      expect(changed).toContain(`${host}/etc/etcd/ca.pem`);
      expect(openssl(['x509', '-in', path.join(tree.dir, host, 'etc/etcd/ca.pem'), '-noout', '-subject'])).toMatch(/CN ?= ?etcd-ca/);
    }
    const backup = path.join(tree.dir, '.kaudit-backup', fs.readdirSync(path.join(tree.dir, '.kaudit-backup'))[0]);
    expect(fs.readFileSync(path.join(backup, 'controller-0/etc/etcd/ca.pem'), 'utf8')).toBe(tree.read('controller-0', '/var/lib/kubernetes/ca.pem'));
  });
});
