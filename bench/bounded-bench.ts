/**
 * Benchmark of bounded work (issue 12): a trust bundle of N certificates named by every
 * CA flag and by kubeconfigs, and units whose ExecStart has W words, timed through the
 * built CLI (scan and fix dry run).
 *   npm run build && npx tsx bench/bounded-bench.ts [-- --certificates 10000 --words 200000 --runs 3]
 * Targets (2-core machine): each under 10 s; doubling N or W about doubles the time (linear).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { certificateBundle, hugeExecStart } from '../test/support/bulk.js';
import { kubeconfigText, staticPod } from '../test/support/hosts.js';
import { PkiFactory } from '../test/support/pki.js';
import { TreeWriter } from '../test/support/tree.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const certificates = option('certificates', 10_000);
const words = option('words', 200_000);
const runs = option('runs', 3);
const cli = path.resolve('dist/cli/main.js');

async function build(): Promise<TreeWriter> {
  const tree = TreeWriter.temp('kaudit-bench-');
  const pki = new PkiFactory();
  const ca = await pki.ca('kubernetes');
  const leaf = await pki.leaf(ca, 'kube-apiserver', { usages: ['serverAuth'] });
  tree.write('cp', '/etc/kubernetes/pki/bundle.crt', `${await certificateBundle(certificates)}${ca.certPem}`);
  tree.write('cp', '/etc/kubernetes/pki/apiserver.crt', leaf.certPem);
  tree.write('cp', '/etc/kubernetes/pki/apiserver.key', leaf.keyPem, 0o600);
  for (const name of ['admin', 'controller-manager', 'scheduler']) {
    tree.write('cp', `/etc/kubernetes/${name}.conf`, kubeconfigText('https://10.0.0.1:6443', ca, name, leaf).replace(/certificate-authority-data: \S+/, 'certificate-authority: /etc/kubernetes/pki/bundle.crt'));
  }
  const caFlags = ['client-ca-file', 'requestheader-client-ca-file', 'kubelet-certificate-authority', 'etcd-cafile'].map((flag) => `--${flag}=/etc/kubernetes/pki/bundle.crt`);
  staticPod(tree, 'cp', 'kube-apiserver', [...caFlags, '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key'], { mounts: ['/etc/kubernetes'] });
  tree.write('cp', '/etc/systemd/system/kubelet.service', hugeExecStart('/usr/bin/kubelet', words));
  tree.write('cp', '/etc/systemd/system/etcd.service', hugeExecStart('/usr/bin/etcd', words).replace('--v=2', '--trusted-ca-file=/etc/kubernetes/pki/bundle.crt --peer-trusted-ca-file=/etc/kubernetes/pki/bundle.crt'));
  tree.writeSnapshotManifests();
  return tree;
}

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status === null || run.status > 1) throw new Error(`kaudit ${args.join(' ')} failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const tree = await build();
try {
  for (const [label, args] of [
    ['scan', ['scan', tree.dir, '--format', 'json', '--fail-on', 'none']],
    ['fix (dry run)', ['fix', tree.dir]],
  ] as const) {
    const seconds = Array.from({ length: runs }, () => time([...args]));
    console.log(`${label}: ${certificates} certificates, ${words} words: best ${Math.min(...seconds).toFixed(2)} s of ${runs}`);
  }
} finally {
  tree.cleanup();
}
