import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { kubeconfigText, staticPod } from './support/hosts.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';
import { generateKeyPair, privateKeyPem, type KeySpec, type PrivateKeyFormat } from '../src/pki/issue.js';

const BOOTSTRAP_TOKEN = 'q7w3ab.9x8c7v6b5n4m3l2k';
const STATIC_TOKEN = 'S3cr3tStaticT0kenValue0123456789';
const ENCRYPTION_KEY = Buffer.from('not-so-secret-20byte').toString('base64'); // 20 bytes: encryption/weak-key reports it
/** One planted secret per format of interfaces.md "Secret values", each written in a YAML style of its own. */
const PLANTED = {
  flowStyleKey: Buffer.from('flow-style-aesgcm-key-32-bytes!!').toString('base64'),
  quotedKey: Buffer.from('quoted-secretbox-key-32-bytes!!!').toString('base64'),
  anchoredKey: Buffer.from('anchored-aescbc-key-32-bytes!!!!').toString('base64'),
  blockScalarKey: Buffer.from('block-scalar-aescbc-key-32-bytes').toString('base64'),
  jsonKey: Buffer.from('json-style-aescbc-key-32-bytes!!').toString('base64'),
  secretData: Buffer.from('Secret-data-password-5f1e').toString('base64'),
  tokenSecret: 'tokensecret0a1b2c', // a bootstrap token Secret's token-secret (stringData)
  tokenSecretData: Buffer.from('abcdef.datatokensecret9').toString('base64'),
  urlPassword: 'UrlPassw0rd-in-etcd-servers',
  envPassword: 'EnvListPassw0rd-of-a-container',
  etcdEnvToken: 'EtcdEnvAuthT0ken-in-an-env-file',
  flagSecret: 'FlagClientSecretValue-77',
  kubeletFlagToken: 'abcdef.kubeletflagtoken0',
  kubeconfigPassword: 'KubeconfigBasicAuthPassw0rd',
  processFlagSecret: 'ProcessCmdlineS3cret-0042',
};

/**
 * Lines of base64 inside PEM private keys: what must never be printed. A line that is
 * also in the key's public half (the public point closing a SEC1 key) is public.
 */
function keyMaterial(pem: string): string[] {
  let publicHalf = '';
  try {
    publicHalf = (createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }) as string).replace(/-----[A-Z ]+-----|\n/g, '');
  } catch {
    // a truncated or corrupt key: every line of it counts
  }
  return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----') && !publicHalf.includes(line));
}

describe('secrets in the scanned tree', () => {
  let tree: TreeWriter;
  const secrets: string[] = [BOOTSTRAP_TOKEN, STATIC_TOKEN, ENCRYPTION_KEY, ...Object.values(PLANTED)];
  let work: string;
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
      'apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: tls-bootstrap-token-user', '  user:', `    token: ${BOOTSTRAP_TOKEN}`,
      '- name: basic', '  user: {username: admin, password: "' + PLANTED.kubeconfigPassword + '"}', '',
    ].join('\n'));
    // Encryption provider secrets in every YAML style: flow maps, quotes, anchors, block scalars, JSON.
    tree.write('cp', '/etc/kubernetes/enc/styles.yaml', [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources: [secrets]', '    providers:',
      `      - aesgcm: {keys: [{name: flow, secret: ${PLANTED.flowStyleKey}}]}`,
      `      - secretbox:`, '          keys:', `            - {"name": "quoted", "secret": "${PLANTED.quotedKey}"}`,
      '      - aescbc:', '          keys:', `            - name: anchored`, `              secret: &k ${PLANTED.anchoredKey}`, '            - name: again', '              secret: *k',
      '            - name: block', '              secret: |', `                ${PLANTED.blockScalarKey}`,
      '      - identity: {}', '',
    ].join('\n'));
    tree.write('cp', '/etc/kubernetes/enc/encryption.json', JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['configmaps'], providers: [{ aescbc: { keys: [{ name: 'json', secret: PLANTED.jsonKey }] } }] }] }, null, 2));
    tree.write('cp', '/etc/kubernetes/addons/secrets.yaml', [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  namespace: kube-system', '  labels: {addonmanager.kubernetes.io/mode: Reconcile}', 'data:', `  password: ${PLANTED.secretData}`,
      '---', 'apiVersion: v1', 'kind: Secret', 'type: bootstrap.kubernetes.io/token', 'metadata:', '  name: bootstrap-token-abcdef', '  namespace: kube-system',
      'stringData:', '  token-id: abcdef', `  token-secret: ${PLANTED.tokenSecret}`, 'data:', `  auth-extra-groups: ${PLANTED.tokenSecretData}`, '',
    ].join('\n'));
    tree.write('cp', '/proc/4242/cmdline', `kube-scheduler\0--client-secret=${PLANTED.processFlagSecret}\0--v=2\0`);
    tree.write('cp', '/etc/etcd.env', `ETCD_NAME=cp\nETCD_AUTH_TOKEN=${PLANTED.etcdEnvToken}\nETCD_LISTEN_CLIENT_URLS=https://10.0.0.1:2379\n`);
    tree.write('cp', '/etc/systemd/system/kubelet.service', `[Service]\nExecStart=/usr/bin/kubelet --bootstrap-token=${PLANTED.kubeletFlagToken} --config=/var/lib/kubelet/config.yaml\n`);
    tree.write('cp', '/etc/kubernetes/tokens.csv', `${STATIC_TOKEN},admin,admin,system:masters\n`);
    tree.write('cp', '/etc/kubernetes/enc/encryption-config.yaml', [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources: [secrets]', '    providers:',
      '      - aescbc:', '          keys:', '            - name: key1', `              secret: ${ENCRYPTION_KEY}`, '      - identity: {}', '',
    ].join('\n'));
    staticPod(tree, 'cp', 'kube-apiserver', [
      `--etcd-servers=https://kube:${PLANTED.urlPassword}@10.0.0.1:2379`,
      `--oidc-client-secret=${PLANTED.flagSecret}`,
      '--token-auth-file=/etc/kubernetes/tokens.csv',
      '--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml',
      '--tls-private-key-file=/etc/kubernetes/pki/key-0.key',
      '--tls-cert-file=/etc/kubernetes/pki/missing.crt',
    ], { mounts: ['/etc/kubernetes'] });
    // A container's env list: the value of a variable whose name says password.
    const pod = fs.readFileSync(tree.real('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8');
    tree.write('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml', pod.replace('    volumeMounts:', `    env:\n    - name: DB_PASSWORD\n      value: ${PLANTED.envPassword}\n    volumeMounts:`));
    tree.writeSnapshotManifests();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-secrets-'));
  });
  afterAll(() => {
    tree.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  function expectNone(text: string, where: string): void {
    for (const secret of secrets) expect(text.includes(secret), `${where} holds ${secret.slice(0, 12)}…`).toBe(false);
  }

  it('prints none of them in any output format, nor in warnings', () => {
    for (const format of ['text', 'json', 'sarif', 'junit', 'html']) {
      const output = path.join(work, `report.${format}`);
      const run = kaudit(['scan', tree.dir, '--format', format, '--output', output, '--fail-on', 'none']);
      expect(run.status, run.stderr).toBe(0);
      const report = fs.readFileSync(output, 'utf8');
      expect(report.length).toBeGreaterThan(100);
      expect(run.stderr).toMatch(/truncated\.key/); // the broken keys are named...
      expectNone(report, `${format} report`); // ...but never shown
      expectNone(run.stdout + run.stderr, `${format} stdout and stderr`);
    }
  });

  it('masks secret flags, variables and URL passwords in the JSON components list; file paths stay', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json', '--fail-on', 'none']);
    const components = (JSON.parse(run.stdout) as { components: Array<{ kind: string; flags: Array<{ name: string; value: string }> }> }).components;
    expectNone(JSON.stringify(components), 'components');
    const flags = components.flatMap((c) => c.flags.map((f) => [c.kind, f.name, f.value].join(' ')));
    expect(flags).toContain('kube-apiserver etcd-servers https://kube:*****@10.0.0.1:2379');
    expect(flags).toContain('kube-apiserver oidc-client-secret *****');
    expect(flags).toContain('kubelet bootstrap-token *****');
    expect(flags).toContain('etcd auth-token *****');
    expect(flags).toContain('kube-apiserver tls-private-key-file /etc/kubernetes/pki/key-0.key');
  });

  it('shows no secret in the fix dry run; a secret that changes shows as changed, not what it is', () => {
    const run = kaudit(['fix', tree.dir]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\+.*secret: \*\*\*\*\* \(secret #\d+, not shown\)/m); // the weak key's new one
    expectNone(run.stdout + run.stderr, 'fix dry run');
  });

  it('leaves none of them in a collected snapshot, which still scans', () => {
    const out = path.join(work, 'snapshot');
    const run = kaudit(['collect', '--host-root', path.join(tree.dir, 'cp'), '--output', out]);
    expect(run.status, run.stderr).toBe(0);
    expectNone(run.stdout + run.stderr, 'collect output');
    const files = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => fs.lstatSync(path.join(out, f)).isFile());
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expectNone(fs.readFileSync(path.join(out, file), 'utf8'), `snapshot ${file}`);
    const rescan = kaudit(['scan', out, '--format', 'json', '--fail-on', 'none']);
    expect(JSON.parse(rescan.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'encryption/weak-key')).toBe(true);
  });

  it('still reports the problems with those files', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json']);
    const rules = new Set((JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId));
    expect([...rules].sort()).toEqual([
      'auth/anonymous-auth',
      'auth/insecure-authorization',
      'auth/no-user-authn',
      'auth/static-credentials',
      'encryption/no-aescbc-provider', // encryption.json's entry is for configmaps only
      'encryption/weak-key',
      'etcd/no-client-cert-auth', // the etcd of etc/etcd.env
      'etcd/no-fault-tolerance',
      'etcd/plaintext-urls',
      'etcd/weak-cluster-token',
      'pki/cert-expired',
      'pki/key-permissions',
      'pki/missing-file',
      'pki/weak-key',
    ]);
  });
});
