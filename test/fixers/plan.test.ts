import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from '../support/cli.js';
import { changedFiles, copyTree, hashTree } from '../support/files.js';
import { kubeconfigText, unit, writePair } from '../support/hosts.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';
import { displayText } from '../../src/fixers/plan.js';
import { DRY_RUN_FOOTER } from '../../src/fixers/render.js';

interface JsonPlan {
  dryRun: boolean;
  summary: { filesChanged: number; edited: number; created: number; removed: number; modesChanged: number; certificatesReissued: number; keysCreated: number; encryptionKeysCreated: number; manualSteps: number; restarts: string[] };
  changes: Array<{ file: string; action: string; rules: string[]; diff?: string; certificates: Array<{ before?: { sans: string[]; issuer: string; notAfter: string }; after: { sans: string[]; issuer: string; notAfter: string; subject: string }; newKey: boolean }>; sideEffects: string[]; restart: string[] }>;
  manualSteps: Array<{ title: string; rule: string; commands: string[] }>;
  written?: { applied: string[] };
}

/** A line of base64 as long as a PEM body line or an embedded certificate: what the dry run must not show. */
const BASE64_LINE = /(^|[\s:])[A-Za-z0-9+/]{40,}={0,2}$/m;

describe('the fix dry run of the example cluster: reviewable', () => {
  let dir: string;
  let text: string;
  let plan: JsonPlan;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-plan-'));
    copyTree('fixtures/example-cluster', dir);
    const dry = kaudit(['fix', dir, '--now', '2026-12-01']);
    expect(dry.status).toBe(0);
    text = dry.stdout;
    const json = kaudit(['fix', dir, '--now', '2026-12-01', '--format', 'json']);
    expect(json.status).toBe(0);
    plan = JSON.parse(json.stdout) as JsonPlan;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts with a summary of files, certificates, keys and manual steps, and ends saying nothing was written', () => {
    const s = plan.summary;
    expect(s.filesChanged).toBe(plan.changes.length);
    expect(s.filesChanged).toBe(s.edited + s.created + s.removed + s.modesChanged);
    expect(s.certificatesReissued).toBe(plan.changes.flatMap((c) => c.certificates).filter((c) => c.before).length);
    expect(s.certificatesReissued).toBeGreaterThanOrEqual(6);
    expect(s.manualSteps).toBe(plan.manualSteps.length);
    const first = text.split('\n')[0];
    expect(first).toBe(
      `Fix plan: ${s.filesChanged} files to change on 5 hosts (${s.edited} edited, ${s.created} created, ${s.removed} removed, ${s.modesChanged} mode change); ${s.certificatesReissued} certificates re-issued; ${s.keysCreated} keys created (and ${s.encryptionKeysCreated} encryption key); ${s.manualSteps} manual steps`,
    );
    expect(text.split('\n')[1]).toBe(`Restarts: ${s.restarts.join(', ')}`);
    expect(text.trimEnd().split('\n').pop()).toBe(DRY_RUN_FOOTER);
    expect(plan.dryRun).toBe(true);
  });

  it('shows certificate changes decoded (subject, SANs, validity, issuer, key), never base64', () => {
    expect(text).not.toMatch(BASE64_LINE);
    expect(JSON.stringify(plan.changes.map((c) => c.diff ?? ''))).not.toMatch(/[A-Za-z0-9+/]{60,}/);
    const san = plan.changes.find((c) => c.file === 'cp-2/etc/kubernetes/pki/apiserver.crt')!;
    expect(san.certificates[0].after.sans.filter((n) => !san.certificates[0].before!.sans.includes(n))).toEqual(['IP:10.0.0.12']);
    expect(text).toMatch(/edit {4}cp-2\/etc\/kubernetes\/pki\/apiserver\.crt {2}\[pki\/missing-san\]\n {2}certificate re-issued, same key:\n {4}subject {3}CN=kube-apiserver\n {4}SANs {6}DNS:k8s-api\.example\.internal, .*\n {14}\+ IP:10\.0\.0\.12\n {4}validity {2}\d{4}-\d\d-\d\d – 2027-12-01 {2}→ {2}\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d\n {4}issuer {4}CN=kubernetes\n/);
    // The apiserver's etcd client certificate moves to the CA that etcd trusts.
    expect(text).toMatch(/issuer {4}CN=kubernetes {2}→ {2}CN=etcd-ca/);
    // A weak key is replaced: the key line says from what to what.
    expect(text).toMatch(/certificate re-issued with a new key pair:[\s\S]*?key {7}RSA 1024 {2}→ {2}RSA 2048/);
    expect(text).toMatch(/edit {4}worker-2\/var\/lib\/kubelet\/pki\/kubelet-client-2026-01-01-00-00-00\.pem {2}\[pki\/shared-keypair\]\n {2}certificate re-issued with a new key pair:/);
  });

  it('names side effects and restart needs per change', () => {
    const pod = plan.changes.find((c) => c.file === 'cp-2/etc/kubernetes/manifests/kube-apiserver.yaml')!;
    expect(pod.restart).toEqual(['kube-apiserver on cp-2: the kubelet recreates the static pod when its manifest changes (a short outage of it on cp-2)']);
    // Anonymous auth off: what else stops working, and the probes that would fail.
    expect(pod.sideEffects).toEqual(expect.arrayContaining([expect.stringMatching(/^anonymous requests get 401: kubeadm join with a bootstrap token cannot read the cluster-info ConfigMap in kube-public/), expect.stringMatching(/httpGet probes would get 401 .* tcpSocket probes/)]));
    const cert = plan.changes.find((c) => c.file === 'cp-3/etc/kubernetes/pki/front-proxy-client.crt')!;
    expect(cert.restart[0]).toMatch(/^kube-apiserver on cp-3: restart it to load the file/);
    const env = plan.changes.find((c) => c.file === 'worker-2/var/lib/kubelet/kubeadm-flags.env')!;
    expect(env.restart).toEqual(['kubelet on worker-2: systemctl daemon-reload && systemctl restart kubelet.service']);
    expect(plan.changes.find((c) => c.action === 'remove')!.sideEffects).toContain('the file is kept in the backup folder');
    for (const change of plan.changes) {
      const block = text.slice(text.indexOf(`  ${change.file}`) === -1 ? text.indexOf(change.file) : text.indexOf(`  ${change.file}`));
      for (const line of [...change.sideEffects.map((e) => `  side effect: ${e}`), ...change.restart.map((r) => `  restart: ${r}`)]) expect(block).toContain(line);
    }
    expect(plan.summary.restarts).toEqual(expect.arrayContaining(['kube-apiserver on cp-1', 'kube-apiserver on cp-2', 'kube-apiserver on cp-3', 'etcd on cp-3', 'kubelet on worker-2']));
  });

  it('gives scripts the same plan as JSON, and with --write what was written; the text says what was applied', () => {
    const headers = [...text.matchAll(/^(edit|create|remove|mode) +(\S+?):? /gm)].map((m) => m[2]);
    expect(headers).toEqual(plan.changes.map((c) => c.file));
    const written = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-plan-write-'));
    try {
      copyTree('fixtures/example-cluster', written);
      const run = kaudit(['fix', written, '--now', '2026-12-01', '--write', '--format', 'json']);
      expect(run.status).toBe(0);
      const applied = JSON.parse(run.stdout) as JsonPlan;
      expect(applied.dryRun).toBe(false);
      expect(applied.written!.applied).toHaveLength(plan.changes.length);
      expect(applied.summary).toMatchObject({ ...plan.summary, restarts: plan.summary.restarts });
    } finally {
      fs.rmSync(written, { recursive: true, force: true });
    }
    expect(changedFiles(hashTree('fixtures/example-cluster'), hashTree(dir))).toEqual([]);
  });
});

describe('the fix plan never shows a secret value', () => {
  let tree: TreeWriter;
  const OLD_KEY = Buffer.alloc(32, 7).toString('base64');
  beforeAll(async () => {
    tree = TreeWriter.temp('kaudit-plan-secrets-');
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    writePair(tree, 'c0', '/var/lib/kubernetes/ca', ca);
    // An expired client certificate embedded in a kubeconfig, with its key beside it.
    const kubelet = await pki.leaf(ca, 'system:node:c0', { validFromDays: -400, validForDays: -1, organizations: ['system:nodes'] });
    tree.write('c0', '/var/lib/kubelet/kubeconfig', kubeconfigText('https://10.0.0.10:6443', ca, 'system:node:c0', kubelet), 0o600);
    unit(tree, 'c0', 'kubelet', ['--kubeconfig=/var/lib/kubelet/kubeconfig']);
    // An encryption config that writes plaintext, with an old key kept for reading.
    tree.write('c0', '/var/lib/kubernetes/encryption-config.yaml', `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - secrets\n    providers:\n      - identity: {}\n      - aescbc:\n          keys:\n            - name: old\n              secret: ${OLD_KEY}\n`, 0o600);
    unit(tree, 'c0', 'kube-apiserver', ['--encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml', '--client-ca-file=/var/lib/kubernetes/ca.crt']);
  });
  afterAll(() => tree.cleanup());

  it('in the diff, the decoded certificates and the JSON: keys and secrets are masked, before and after', () => {
    const before = hashTree(tree.dir);
    const kubeconfig = tree.read('c0', '/var/lib/kubelet/kubeconfig');
    const keyData = /client-key-data: (\S+)/.exec(kubeconfig)![1];
    const dry = kaudit(['fix', tree.dir, '--rule', 'pki/cert-expired,encryption/no-aescbc-provider']);
    const json = kaudit(['fix', tree.dir, '--rule', 'pki/cert-expired,encryption/no-aescbc-provider', '--format', 'json']);
    for (const out of [dry.stdout, json.stdout]) {
      expect(out).not.toContain(OLD_KEY);
      expect(out).not.toContain(keyData.slice(0, 40));
      expect(out).not.toMatch(BASE64_LINE);
    }
    expect(dry.stdout).toMatch(/edit {4}c0\/var\/lib\/kubelet\/kubeconfig {2}\[pki\/cert-expired\]\n {2}certificate re-issued, same key:\n {4}subject {3}CN=system:node:c0, O=system:nodes/);
    expect(dry.stdout).toContain('+              secret: *****');
    expect(changedFiles(before, hashTree(tree.dir))).toEqual([]);

    // The new key is not shown either: written, then looked for in what was printed.
    const write = kaudit(['fix', tree.dir, '--rule', 'pki/cert-expired,encryption/no-aescbc-provider', '--write']);
    expect(write.status, write.stdout + write.stderr).toBe(0);
    const newKey = /- name: key-\d+\n\s+secret: (\S+)/.exec(tree.read('c0', '/var/lib/kubernetes/encryption-config.yaml'))![1];
    expect(newKey).not.toBe(OLD_KEY);
    for (const out of [dry.stdout, json.stdout, write.stdout]) expect(out).not.toContain(newKey);
    expect(write.stdout).not.toContain(DRY_RUN_FOOTER);
    expect(write.stdout).toMatch(/Applied 2 changes\./);
  });

  it('displayText summarises certificates and masks keys and secret fields', async () => {
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    const leaf = await pki.leaf(ca, 'admin');
    const shown = displayText(`${leaf.certPem}${leaf.keyPem}`);
    expect(shown).toMatch(/^-----BEGIN CERTIFICATE-----\n<certificate CN=admin, serial [0-9A-F]+, valid \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d>\n-----END CERTIFICATE-----\n/);
    expect(shown).not.toMatch(BASE64_LINE);
    const config = displayText(kubeconfigText('https://x:6443', ca, 'admin', leaf));
    expect(config).toMatch(/certificate-authority-data: <certificate CN=kubernetes, /);
    expect(config).toMatch(/client-certificate-data: <certificate CN=admin, /);
    expect(config).toContain('client-key-data: *****');
    const encryption = displayText(`providers:\n  - aescbc:\n      keys:\n        - name: old\n          secret: ${OLD_KEY}\n`);
    expect(encryption).toBe('providers:\n  - aescbc:\n      keys:\n        - name: old\n          secret: *****\n');
    // A base64 key may start with "/" (one in 64 random keys does): still a key, not a path.
    for (const key of ['//2juf+ztlKvxGLbsGI2t5iGKHy10mnJkCUpcigDPG0=', '/etc+not+a+path/abcdefghijklmnopqrstuvwx=']) {
      expect(displayText(`      - aescbc:\n          keys:\n            - name: k\n              secret: ${key}\n`)).not.toContain(key);
    }
  });
});
