/**
 * A kubeadm cluster copied with its running processes (proc/<pid>/cmdline), as `kaudit
 * collect` leaves it: each component counts once, rules judge the manifests, and after
 * `kaudit fix --write` the stale processes say that a restart is pending, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from '../support/cli.js';
import { DEFAULT_SPEC, writeKubeadmCluster } from '../support/kubeadm.js';
import { writeProcessesOf } from '../support/kubeadm-variants.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

interface Report {
  findings: Array<{ ruleId: string; host: string; file: string; line: number; message: string; related: Array<{ file: string; line: number }> }>;
  components: Array<{ host: string; kind: string; source: string; file: string }>;
  hosts: Array<{ name: string; distribution: { name: string; version: string; role: string } | null }>;
}

function scan(dir: string): Report {
  const run = kaudit(['scan', dir, '--format', 'json']);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Report;
}

describe('a kubeadm cluster copied with its processes', () => {
  let tree: TreeWriter;
  const spec = { ...DEFAULT_SPEC, hardened: true };
  beforeAll(async () => {
    tree = TreeWriter.temp();
    await writeKubeadmCluster(tree, new PkiFactory(), spec);
    // cp-1's apiserver was started with anonymous auth on, and runs that way.
    tree.write('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml', tree.read('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml').replace('--anonymous-auth=false', '--anonymous-auth=true'), 0o600);
    writeProcessesOf(tree, spec);
  });
  afterAll(() => tree.cleanup());

  it('counts each component once per host: the process is its manifest running', () => {
    const report = scan(tree.dir);
    const apiservers = report.components.filter((c) => c.kind === 'kube-apiserver');
    expect(apiservers.map((c) => `${c.host} ${c.source} ${c.file}`)).toEqual([
      'cp-1 static-pod cp-1/etc/kubernetes/manifests/kube-apiserver.yaml',
      'cp-2 static-pod cp-2/etc/kubernetes/manifests/kube-apiserver.yaml',
      'cp-3 static-pod cp-3/etc/kubernetes/manifests/kube-apiserver.yaml',
    ]);
    expect(report.components.filter((c) => c.source === 'process')).toEqual([]);
    expect(report.components.filter((c) => c.kind === 'kubelet')).toHaveLength(5);
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['auth/anonymous-auth cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:14']);
    expect(report.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.version} ${h.distribution?.role}`)).toEqual([
      'cp-1: kubeadm v1.29.3 control-plane',
      'cp-2: kubeadm v1.29.3 control-plane',
      'cp-3: kubeadm v1.29.3 control-plane',
      'worker-1: kubeadm null worker', // no file of a worker says the kubelet's version
      'worker-2: kubeadm null worker',
    ]);
  });

  it('after kaudit fix --write, a new scan shows none of the fixed findings, one apiserver per host, and the pending restart once', () => {
    const fix = kaudit(['fix', tree.dir, '--write', '--rule', 'auth/anonymous-auth']);
    expect(fix.status, fix.stderr).toBe(0);
    const report = scan(tree.dir);
    expect(report.components.filter((c) => c.kind === 'kube-apiserver')).toHaveLength(3);
    expect(report.findings.map((f) => `${f.ruleId} ${f.host} ${f.file}:${f.line}`)).toEqual(['component/restart-pending cp-1 cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:1']);
    const [pending] = report.findings;
    expect(pending.message).toBe('kube-apiserver on cp-1 needs a restart: its running process (pid 1101) differs from its definition (--anonymous-auth runs as true, set to false)');
    expect(pending.related.map((r) => `${r.file}:${r.line}`)).toEqual(['cp-1/proc/1101/cmdline:1', 'cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:14']);
    const text = kaudit(['scan', tree.dir]);
    expect(text.stdout).toContain('  cp-1: kubeadm v1.29.3 control-plane\n');
  });
});
