import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { copyTree } from './support/files.js';

interface Report {
  findings: Array<{ ruleId: string; file: string }>;
}

/** "rule path-in-host" of a scan, whatever folder the host sits in. */
function findings(args: string[]): string[] {
  const run = kaudit(['scan', ...args, '--now', '2026-12-01', '--format', 'json']);
  return (JSON.parse(run.stdout) as Report).findings.map((f) => `${f.ruleId} ${f.file.replace(/^cp-1\//, '')}`).sort();
}

describe('kaudit collect and --host-root', () => {
  let work: string;
  let hostRoot: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-collect-'));
    // A node's root file system as a pod sees it at /host: here, a copy of the example's cp-1.
    hostRoot = path.join(work, 'host');
    copyTree('fixtures/example-cluster/cp-1', hostRoot);
    fs.rmSync(path.join(hostRoot, '.kaudit-snapshot.json'));
    fs.writeFileSync(path.join(hostRoot, 'etc/hostname'), 'cp-1\n');
    for (const key of ['etc/kubernetes/pki/ca.key', 'etc/kubernetes/pki/sa.key', 'etc/kubernetes/pki/apiserver.key']) fs.chmodSync(path.join(hostRoot, key), 0o600);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('writes a snapshot that scans as the node does, with no private key material', () => {
    const run = kaudit(['collect', '--host-root', hostRoot, '--output', path.join(work, 'cluster')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^cp-1: \d+ files written to .*cluster\/cp-1 \(\d+ with keys or secrets masked\)/);
    const snapshot = path.join(work, 'cluster', 'cp-1');
    const texts = fs.readdirSync(snapshot, { recursive: true }).map(String).filter((f) => fs.lstatSync(path.join(snapshot, f)).isFile()).map((f) => fs.readFileSync(path.join(snapshot, f), 'utf8'));
    expect(texts.some((t) => /PRIVATE KEY-----/.test(t))).toBe(false);
    expect(texts.some((t) => t.includes(fs.readFileSync(path.join(hostRoot, 'etc/kubernetes/pki/ca.key'), 'utf8').split('\n')[1]))).toBe(false);
    expect(fs.lstatSync(path.join(snapshot, 'var/lib/kubelet/pki/kubelet-client-current.pem')).isSymbolicLink()).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(snapshot, '.kaudit-snapshot.json'), 'utf8'));
    expect(manifest.modes['/etc/kubernetes/pki/ca.key']).toBe('0600');
    expect(manifest.versions['kube-apiserver']).toBe('1.29.3');
    expect(findings([path.join(work, 'cluster')])).toEqual(findings(['--host-root', hostRoot]));
  });

  it('copies private keys as they are with --include-keys', () => {
    const out = path.join(work, 'with-keys');
    expect(kaudit(['collect', '--host-root', hostRoot, '--output', out, '--include-keys']).status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'cp-1/etc/kubernetes/pki/ca.key'), 'utf8')).toBe(fs.readFileSync(path.join(hostRoot, 'etc/kubernetes/pki/ca.key'), 'utf8'));
  });
});

describe('deploy/', () => {
  it('holds a DaemonSet that runs the collector on every node with the host mounted read-only', async () => {
    const { parseAllDocuments } = await import('yaml');
    const docs = parseAllDocuments(fs.readFileSync('deploy/kaudit-collector.yaml', 'utf8')).map((d) => d.toJS());
    const daemonSet = docs.find((d) => d.kind === 'DaemonSet');
    const pod = daemonSet.spec.template.spec;
    expect(pod.tolerations).toContainEqual(expect.objectContaining({ operator: 'Exists' }));
    const hostVolume = pod.volumes.find((v: { hostPath?: { path: string } }) => v.hostPath?.path === '/');
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === hostVolume.name);
    expect(mount).toMatchObject({ mountPath: '/host', readOnly: true });
    expect(pod.containers[0].args.join(' ')).toContain('collect --host-root /host');
  });
});

describe('kaudit collect on a k3s node', () => {
  it("records k3s's variables of its process (the token masked, every other variable left on the node), and its command line; what runs differently from the unit is a pending restart", async () => {
    const { writeRancherCluster, K3S_SPEC } = await import('./support/rancher.js');
    const { PkiFactory } = await import('./support/pki.js');
    const { TreeWriter } = await import('./support/tree.js');
    const tree = TreeWriter.temp();
    try {
      await writeRancherCluster(tree, new PkiFactory(), { ...K3S_SPEC, nodes: [K3S_SPEC.nodes[0]] });
      const hostRoot = tree.real('k3s-server-1', '/');
      fs.rmSync(path.join(hostRoot, '.kaudit-snapshot.json'));
      fs.writeFileSync(path.join(hostRoot, 'var/lib/rancher/k3s/.placeholder'), '');
      // k3s was started with a scheduler flag its unit no longer gives.
      tree.write('k3s-server-1', '/proc/701/cmdline', ['/usr/local/bin/k3s', 'server', '--kube-scheduler-arg=profiling=true', ''].join('\0'));
      tree.write('k3s-server-1', '/proc/701/environ', ['HOME=/root', 'K3S_TOKEN=K10topsecret::server:abc', 'AWS_SECRET_ACCESS_KEY=never-copied', ''].join('\0'));
      const out = path.join(os.tmpdir(), `kaudit-collect-k3s-${process.pid}`);
      const run = kaudit(['collect', '--host-root', hostRoot, '--output', out]);
      expect(run.status, run.stderr).toBe(0);
      const snapshot = path.join(out, 'k3s-server-1');
      expect(fs.readFileSync(path.join(snapshot, 'proc/701/environ'), 'utf8').split('\0')).toEqual(['K3S_TOKEN=*****', '']);
      expect(fs.readFileSync(path.join(snapshot, 'proc/701/cmdline'), 'utf8')).toBe(['/usr/local/bin/k3s', 'server', '--kube-scheduler-arg=profiling=true', ''].join('\0'));
      expect(fs.readFileSync(path.join(snapshot, 'etc/rancher/k3s/config.yaml'), 'utf8')).toContain('kube-apiserver-arg:');
      // The process runs a flag its unit no longer gives: a pending restart, also in the snapshot.
      const scan = JSON.parse(kaudit(['scan', out, '--format', 'json']).stdout) as { findings: Array<{ ruleId: string; message: string }> };
      expect(scan.findings.filter((f) => f.ruleId === 'component/restart-pending').map((f) => f.message)).toEqual(['kube-scheduler on k3s-server-1 needs a restart: its running process (pid 701) differs from its definition (--profiling runs as true, set to false)']);
      fs.rmSync(out, { recursive: true, force: true });
    } finally {
      tree.cleanup();
    }
  });
});
