import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { kubeconfigText, staticPod } from './support/hosts.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';
import { generateKeyPair, privateKeyPem, type KeySpec, type PrivateKeyFormat } from '../src/pki/issue.js';

const BOOTSTRAP_TOKEN = 'q7w3ab.9x8c7v6b5n4m3l2k';
const STATIC_TOKEN = 'S3cr3tStaticT0kenValue0123456789';
const ENCRYPTION_KEY = Buffer.from('not-so-secret-20byte').toString('base64'); // 20 bytes: encryption/weak-key reports it

/** Lines of base64 inside PEM private keys: what must never be printed. */
function keyMaterial(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}

describe('secrets in the scanned tree', () => {
  let tree: TreeWriter;
  const secrets: string[] = [BOOTSTRAP_TOKEN, STATIC_TOKEN, ENCRYPTION_KEY];
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const formats: Array<[KeySpec, PrivateKeyFormat]> = [
      [{ algorithm: 'rsa', bits: 2048 }, 'pkcs1'],
      [{ algorithm: 'rsa', bits: 1024 }, 'pkcs8'],
      [{ algorithm: 'ec', curve: 'P-256' }, 'sec1'],
      [{ algorithm: 'ec', curve: 'P-384' }, 'pkcs8'],
      [{ algorithm: 'ed25519' }, 'pkcs8'],
    ];
    for (const [index, [spec, format]] of formats.entries()) {
      const pem = privateKeyPem(await generateKeyPair(spec), format);
      secrets.push(...keyMaterial(pem));
      tree.write('cp', `/etc/kubernetes/pki/key-${index}.key`, pem, 0o644); // world-readable: reported, never printed
    }
    const truncated = privateKeyPem(await generateKeyPair({ algorithm: 'rsa', bits: 2048 }));
    secrets.push(...keyMaterial(truncated));
    tree.write('cp', '/etc/kubernetes/pki/truncated.key', truncated.split('\n').slice(0, 8).join('\n'));
    const corrupt = privateKeyPem(await generateKeyPair({ algorithm: 'ec', curve: 'P-256' })).replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    secrets.push(...keyMaterial(corrupt));
    tree.write('cp', '/etc/kubernetes/pki/corrupt.key', corrupt);

    const ca = await pki.ca('kubernetes');
    const admin = await pki.leaf(ca, 'kubernetes-admin', { validFromDays: -400, validForDays: -1 });
    secrets.push(...keyMaterial(admin.keyPem), Buffer.from(admin.keyPem).toString('base64').slice(0, 60));
    tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', admin), 0o600);
    tree.write('cp', '/etc/kubernetes/bootstrap-kubelet.conf', [
      'apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: tls-bootstrap-token-user', '  user:', `    token: ${BOOTSTRAP_TOKEN}`, '',
    ].join('\n'));
    tree.write('cp', '/etc/kubernetes/tokens.csv', `${STATIC_TOKEN},admin,admin,system:masters\n`);
    tree.write('cp', '/etc/kubernetes/enc/encryption-config.yaml', [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources: [secrets]', '    providers:',
      '      - aescbc:', '          keys:', '            - name: key1', `              secret: ${ENCRYPTION_KEY}`, '      - identity: {}', '',
    ].join('\n'));
    staticPod(tree, 'cp', 'kube-apiserver', [
      '--token-auth-file=/etc/kubernetes/tokens.csv',
      '--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml',
      '--tls-private-key-file=/etc/kubernetes/pki/key-0.key',
      '--tls-cert-file=/etc/kubernetes/pki/missing.crt',
    ], { mounts: ['/etc/kubernetes'] });
    tree.writeSnapshotManifests();
  });
  afterAll(() => tree.cleanup());

  it('prints none of them in any output format, nor in warnings', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const run = kaudit(['scan', tree.dir, '--format', format, '--fail-on', 'none']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(100);
      expect(run.stderr).toMatch(/truncated\.key/); // the broken keys are named...
      for (const secret of secrets) {
        expect(run.stdout, `${format} stdout`).not.toContain(secret); // ...but never shown
        expect(run.stderr, `${format} stderr`).not.toContain(secret);
      }
    }
  });

  it('still reports the problems with those files', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json']);
    const rules = new Set((JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId));
    expect([...rules].sort()).toEqual([
      'auth/anonymous-auth',
      'auth/insecure-authorization',
      'auth/no-user-authn',
      'auth/static-credentials',
      'encryption/weak-key',
      'pki/cert-expired',
      'pki/key-permissions',
      'pki/missing-file',
      'pki/weak-key',
    ]);
  });
});
