/**
 * Bounded work: a trust bundle of 10,000 certificates named by several flags and
 * kubeconfigs, and a unit whose ExecStart has 200,000 words, are scanned and fixed in
 * seconds (issuers are looked up by subject, command lines are read in linear time).
 * The timeout is a guard against quadratic work, not a benchmark: bench/bounded-bench.ts
 * measures.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { certificateBundle, hugeExecStart } from './support/bulk.js';
import { kubeconfigText, staticPod } from './support/hosts.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';

const BUNDLE = 10_000;
const WORDS = 200_000;
/** What a scan of this tree may take on a loaded, shared 2-core machine (about 5 s alone); quadratic work takes many minutes. */
const GUARD_MS = 60_000;

describe('bounded work', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    const leaf = await pki.leaf(ca, 'kube-apiserver', { usages: ['serverAuth'] });
    const bundle = `${await certificateBundle(BUNDLE)}${ca.certPem}`;
    tree.write('cp', '/etc/kubernetes/pki/bundle.crt', bundle);
    tree.write('cp', '/etc/kubernetes/pki/apiserver.crt', leaf.certPem);
    tree.write('cp', '/etc/kubernetes/pki/apiserver.key', leaf.keyPem, 0o600);
    for (const name of ['admin', 'controller-manager', 'scheduler']) {
      tree.write('cp', `/etc/kubernetes/${name}.conf`, kubeconfigText('https://10.0.0.1:6443', ca, name, leaf).replace(/certificate-authority-data: \S+/, 'certificate-authority: /etc/kubernetes/pki/bundle.crt'));
    }
    staticPod(tree, 'cp', 'kube-apiserver', [
      '--client-ca-file=/etc/kubernetes/pki/bundle.crt',
      '--requestheader-client-ca-file=/etc/kubernetes/pki/bundle.crt',
      '--kubelet-certificate-authority=/etc/kubernetes/pki/bundle.crt',
      '--etcd-cafile=/etc/kubernetes/pki/bundle.crt',
      '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
    ], { mounts: ['/etc/kubernetes'] });
    tree.write('cp', '/etc/systemd/system/kubelet.service', hugeExecStart('/usr/bin/kubelet', WORDS));
    tree.write('cp', '/etc/systemd/system/etcd.service', hugeExecStart('/usr/bin/etcd', WORDS).replace('--v=2', '--trusted-ca-file=/etc/kubernetes/pki/bundle.crt --cert-file=/etc/kubernetes/pki/apiserver.crt'));
    tree.writeSnapshotManifests();
  }, 120_000);
  afterAll(() => tree.cleanup());

  it(`scans ${BUNDLE.toLocaleString('en')} certificates and ${WORDS.toLocaleString('en')}-word command lines in seconds`, () => {
    const started = Date.now();
    const run = kaudit(['scan', tree.dir, '--format', 'json', '--fail-on', 'none'], { timeout: GUARD_MS, maxBuffer: 256 * 1024 * 1024 });
    expect(run.status, `${Date.now() - started} ms; ${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { certificates: number }; components: Array<{ kind: string; flags: unknown[] }>; warnings: unknown[] };
    expect(report.summary.certificates).toBe(BUNDLE + 5); // the bundle with its CA, the serving certificate, three kubeconfigs' client certificates
    expect(report.components.find((c) => c.kind === 'kubelet')?.flags.length).toBeGreaterThan(WORDS);
    expect(report.warnings).toEqual([]);
  });

  it('plans the fixes of the same tree in seconds', () => {
    const run = kaudit(['fix', tree.dir], { timeout: GUARD_MS, maxBuffer: 256 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    expect(fs.existsSync(tree.real('cp', '/etc/kubernetes/pki/bundle.crt'))).toBe(true);
  });
});
