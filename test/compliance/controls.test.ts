/**
 * Every automated control of CIS v1.11 and v1.12, in every layout that can carry its
 * setting: kaudit's verdict must be the one kube-bench's test gives (the hand-written list
 * of kube-bench-expectations.ts), and a failing control must be reported by a finding that
 * names it — a passing one by none. One cluster folder per benchmark and layout, one host
 * per case; no certificate is issued.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { benchmarkById } from '../../src/benchmarks/index.js';
import { scan } from '../../src/pipeline/scan.js';
import type { ScanResult } from '../../src/reporters/result.js';
import { ruleById } from '../../src/rules/index.js';
import { staticPod, unit } from '../support/hosts.js';
import { LAYOUTS, canCarry, writeComponent, type Kind, type Layout } from '../support/layouts.js';
import { TreeWriter } from '../support/tree.js';
import { FILE_CONTROLS, KUBELET_PRECEDENCE, SETTING_CONTROLS, type BenchmarkId, type Status } from './kube-bench-expectations.js';

const BENCHMARKS: BenchmarkId[] = ['cis-1.11', 'cis-1.12'];
const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));

function newTree(): TreeWriter {
  const tree = TreeWriter.temp('kaudit-cis-');
  trees.push(tree);
  return tree;
}

async function scanWith(tree: TreeWriter, benchmark: BenchmarkId): Promise<ScanResult> {
  tree.writeSnapshotManifests();
  return scan([tree.dir], { now: new Date('2026-06-01T00:00:00Z'), rule: [], disable: [], benchmark }, 'test');
}

interface Expected {
  host: string;
  id: string;
  status: Status;
}

/** "id host: STATUS" of what was expected and of what kaudit says, for one readable comparison. */
function verdicts(result: ScanResult, expected: Expected[]): { actual: string[]; wanted: string[] } {
  const byKey = new Map(result.compliance!.results.map((r) => [`${r.control.id} ${r.host}`, r]));
  const actual = expected.map((e) => {
    const r = byKey.get(`${e.id} ${e.host}`);
    return `${e.id} ${e.host}: ${r ? r.status : 'absent'}${r && r.status !== e.status ? ` (${r.reason})` : ''}`;
  });
  return { actual, wanted: expected.map((e) => `${e.id} ${e.host}: ${e.status}`) };
}

/** A failing control is reported by a finding naming it on its host, at the right level; a passing one by none. */
function findingsAgree(result: ScanResult, expected: Expected[], benchmark: BenchmarkId): string[] {
  const problems: string[] = [];
  const controls = new Map(benchmarkById(benchmark)!.controls.map((c) => [c.id, c]));
  for (const e of expected) {
    const naming = result.findings.filter((f) => f.at.host === e.host && f.cis.includes(e.id));
    const control = controls.get(e.id)!;
    if ((e.status === 'FAIL' || e.status === 'WARN') && naming.length === 0) problems.push(`${e.id} ${e.host}: ${e.status} without a finding`);
    if ((e.status === 'PASS' || e.status === 'N/A' || e.status === 'UNKNOWN') && naming.length > 0) problems.push(`${e.id} ${e.host}: ${e.status} with finding ${naming[0].ruleId}: ${naming[0].message}`);
    for (const f of naming) {
      const rule = ruleById(f.ruleId)!;
      const level = rule.benchmarkOnly ? (control.scored ? 'error' : 'warning') : rule.level;
      if (f.level !== level) problems.push(`${e.id} ${e.host}: ${f.ruleId} at ${f.level}, want ${level}`);
    }
  }
  return problems;
}

function statusIn(expect: Status | Record<BenchmarkId, Status>, benchmark: BenchmarkId): Status {
  return typeof expect === 'string' ? expect : expect[benchmark];
}

const ALL_LAYOUTS = [...new Set(Object.values(LAYOUTS).flat())];

describe.each(BENCHMARKS)('%s: settings, as kube-bench tests them', (benchmark) => {
  it.each(ALL_LAYOUTS)('in the %s layout', async (layout: Layout) => {
    const tree = newTree();
    const expected: Expected[] = [];
    for (const control of SETTING_CONTROLS) {
      if (control.benchmarks && !control.benchmarks.includes(benchmark)) continue;
      if (!LAYOUTS[control.component].includes(layout)) continue;
      control.cases.forEach((c, index) => {
        if (!canCarry(layout, c.set, control.flagOnly)) return;
        const host = `h${control.id.replace(/\./g, '-')}-${index}`;
        writeComponent(tree, host, control.component as Kind, layout, c.set);
        expected.push({ host, id: control.id, status: statusIn(c.expect, benchmark) });
      });
    }
    expect(expected.length).toBeGreaterThan(0);
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });

  it('takes the kubelet flag over its config file, as kube-bench tries the command line first', async () => {
    const tree = newTree();
    const expected: Expected[] = [];
    KUBELET_PRECEDENCE.forEach((c, index) => {
      const host = `p${index}`;
      writeComponent(tree, host, 'kubelet', 'kubelet-config', c.config, Object.entries(c.flag).map(([name, value]) => `--${name}=${value}`));
      expected.push({ host, id: c.id, status: c.expect });
    });
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });
});

/** Writes the file a file control judges, with the component that makes it apply, and returns its host path. */
function writeTarget(tree: TreeWriter, host: string, target: string, layout: 'static-pod' | 'unit'): string {
  const definition = (kind: Kind) => {
    if (layout === 'static-pod') {
      staticPod(tree, host, kind, [], { mounts: ['/etc/kubernetes/pki', '/var/lib/etcd'] });
      return `/etc/kubernetes/manifests/${kind}.yaml`;
    }
    unit(tree, host, kind, ['--v=2']);
    return `/etc/systemd/system/${kind}.service`;
  };
  const apiserver = () => definition('kube-apiserver');
  switch (target) {
    case 'apiserver-definition':
      return definition('kube-apiserver');
    case 'controller-manager-definition':
      return definition('kube-controller-manager');
    case 'scheduler-definition':
      return definition('kube-scheduler');
    case 'etcd-definition':
      return definition('etcd');
    case 'cni-file':
      apiserver();
      tree.write(host, '/var/lib/cni/networks/k8s-pod-network/10.244.0.5', 'eth0\n');
      return '/var/lib/cni/networks/k8s-pod-network/10.244.0.5';
    case 'etcd-data-dir':
      writeComponent(tree, host, 'etcd', layout, { 'data-dir': '/var/lib/etcd' });
      tree.mkdir(host, '/var/lib/etcd/member');
      return '/var/lib/etcd';
    case 'admin-conf':
      apiserver();
      tree.write(host, '/etc/kubernetes/admin.conf', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n');
      return '/etc/kubernetes/admin.conf';
    case 'scheduler-kubeconfig':
      writeComponent(tree, host, 'kube-scheduler', layout, { kubeconfig: '/etc/kubernetes/scheduler.conf' });
      tree.write(host, '/etc/kubernetes/scheduler.conf', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n');
      return '/etc/kubernetes/scheduler.conf';
    case 'controller-manager-kubeconfig':
      writeComponent(tree, host, 'kube-controller-manager', layout, { kubeconfig: '/etc/kubernetes/controller-manager.conf' });
      tree.write(host, '/etc/kubernetes/controller-manager.conf', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n');
      return '/etc/kubernetes/controller-manager.conf';
    case 'pki-folder':
      apiserver();
      tree.write(host, '/etc/kubernetes/pki/ca.crt', 'not checked here\n');
      tree.write(host, '/etc/kubernetes/pki/etcd/ca.crt', 'not checked here\n');
      for (const path of ['/etc/kubernetes/pki', '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/etcd']) tree.setOwner(host, path, 'root:root');
      return '/etc/kubernetes/pki/etcd/ca.crt';
    case 'pki-cert':
      apiserver();
      tree.write(host, '/etc/kubernetes/pki/front-proxy-ca.crt', 'not checked here\n');
      return '/etc/kubernetes/pki/front-proxy-ca.crt';
    case 'pki-key': {
      apiserver();
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      tree.write(host, '/etc/kubernetes/pki/sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      return '/etc/kubernetes/pki/sa.key';
    }
    case 'kubelet-unit':
      unit(tree, host, 'kubelet', ['--v=2']);
      tree.write(host, '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', '[Service]\nEnvironment="KUBELET_EXTRA_ARGS="\n');
      tree.setMode(host, '/etc/systemd/system/kubelet.service', 0o600);
      tree.setOwner(host, '/etc/systemd/system/kubelet.service', 'root:root');
      return '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
    case 'proxy-kubeconfig':
      unit(tree, host, 'kube-proxy', ['--kubeconfig=/var/lib/kube-proxy/kubeconfig']);
      unit(tree, host, 'kubelet', ['--v=2']);
      tree.write(host, '/var/lib/kube-proxy/kubeconfig', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n');
      return '/var/lib/kube-proxy/kubeconfig';
    case 'kubelet-kubeconfig':
      unit(tree, host, 'kubelet', ['--kubeconfig=/etc/kubernetes/kubelet.conf']);
      tree.write(host, '/etc/kubernetes/kubelet.conf', 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n');
      return '/etc/kubernetes/kubelet.conf';
    case 'kubelet-client-ca':
      writeComponent(tree, host, 'kubelet', 'kubelet-config', { 'client-ca-file': '/etc/kubernetes/pki/ca.crt' });
      tree.write(host, '/etc/kubernetes/pki/ca.crt', 'not checked here\n');
      return '/etc/kubernetes/pki/ca.crt';
    case 'kubelet-config':
      writeComponent(tree, host, 'kubelet', 'kubelet-config', { 'anonymous-auth': 'false' });
      return '/var/lib/kubelet/config.yaml';
    default:
      throw new Error(`no target ${target}`);
  }
}

const DEFINITION_TARGETS = new Set(['apiserver-definition', 'controller-manager-definition', 'scheduler-definition', 'etcd-definition', 'etcd-data-dir', 'scheduler-kubeconfig', 'controller-manager-kubeconfig']);

describe.each(BENCHMARKS)('%s: file modes and owners, as kube-bench tests them', (benchmark) => {
  it.each(['static-pod', 'unit'] as const)('with control-plane components as %s', async (layout) => {
    const tree = newTree();
    const expected: Expected[] = [];
    for (const control of FILE_CONTROLS) {
      if (layout === 'unit' && !DEFINITION_TARGETS.has(control.target)) continue;
      control.cases.forEach((c, index) => {
        const host = `f${control.id.replace(/\./g, '-')}-${index}`;
        const file = writeTarget(tree, host, control.target, layout);
        if (c.mode !== undefined) tree.setMode(host, file, c.mode);
        if (c.owner !== undefined) tree.setOwner(host, file, c.owner);
        expected.push({ host, id: control.id, status: c.expect });
      });
    }
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });

  it('says N/A where the file a control is about is not there, and passes a missing kubelet unit (4.1.2)', async () => {
    const tree = newTree();
    staticPod(tree, 'no-admin-conf', 'kube-apiserver', []);
    writeComponent(tree, 'no-kubelet-config', 'kubelet', 'unit', { 'anonymous-auth': 'false' });
    unit(tree, 'proxy-without-kubeconfig', 'kubelet', ['--v=2']);
    tree.write('kubelet-process', '/proc/4242/cmdline', ['/usr/bin/kubelet', '--anonymous-auth=false', ''].join('\0'));
    tree.write('kubelet-process', '/etc/hostname', 'kubelet-process\n');
    const expected: Expected[] = [
      { host: 'no-admin-conf', id: '1.1.13', status: 'N/A' },
      { host: 'no-admin-conf', id: '1.1.9', status: 'N/A' },
      { host: 'no-kubelet-config', id: '4.1.9', status: 'N/A' },
      { host: 'proxy-without-kubeconfig', id: '4.1.3', status: 'N/A' },
      { host: 'proxy-without-kubeconfig', id: '4.3.1', status: 'N/A' },
      { host: 'kubelet-process', id: '4.1.1', status: 'N/A' },
      { host: 'kubelet-process', id: '4.1.2', status: 'PASS' },
    ];
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
  });
});

describe.each(BENCHMARKS)('%s: encryption providers, audit policy and what the API would tell', (benchmark) => {
  it('judges the first provider for Secrets (1.2.28: aescbc, kms, secretbox)', async () => {
    const tree = newTree();
    const expected: Expected[] = [];
    const config = (first: string) => `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - configmaps\n    providers:\n      - identity: {}\n  - resources:\n      - secrets\n    providers:\n      - ${first}\n      - identity: {}\n`;
    const providers: Array<[string, Status]> = [
      ['aescbc:\n          keys:\n            - name: k\n              secret: c2VjcmV0IGlzIHNlY3JldCBpcyBzZWNyZXQgaXMgc2VjcmV0', 'PASS'],
      ['kms:\n          apiVersion: v2\n          name: vault\n          endpoint: unix:///run/kms.sock', 'PASS'],
      ['secretbox:\n          keys:\n            - name: k\n              secret: c2VjcmV0IGlzIHNlY3JldCBpcyBzZWNyZXQgaXMgc2VjcmV0', 'PASS'],
      ['aesgcm:\n          keys:\n            - name: k\n              secret: c2VjcmV0IGlzIHNlY3JldCBpcyBzZWNyZXQgaXMgc2VjcmV0', 'WARN'],
      ['identity: {}', 'WARN'],
    ];
    for (const layout of ['static-pod', 'unit'] as const) {
      providers.forEach(([first, status], index) => {
        const host = `enc-${layout}-${index}`;
        tree.write(host, '/etc/kubernetes/enc/encryption-config.yaml', config(first));
        if (layout === 'static-pod') staticPod(tree, host, 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml'], { mounts: ['/etc/kubernetes/enc'] });
        else unit(tree, host, 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml']);
        expected.push({ host, id: '1.2.28', status });
      });
      unit(tree, `enc-${layout}-none`, 'kube-apiserver', ['--v=2']);
      expected.push({ host: `enc-${layout}-none`, id: '1.2.28', status: 'WARN' });
    }
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });

  it('wants an audit Policy the apiserver can read (3.2.1)', async () => {
    const tree = newTree();
    const policy = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n';
    const flag = '--audit-policy-file=/etc/kubernetes/audit/policy.yaml';
    tree.write('mounted', '/etc/kubernetes/audit/policy.yaml', policy);
    staticPod(tree, 'mounted', 'kube-apiserver', [flag], { mounts: ['/etc/kubernetes/audit'] });
    tree.write('unit', '/etc/kubernetes/audit/policy.yaml', policy);
    unit(tree, 'unit', 'kube-apiserver', [flag]);
    tree.write('not-mounted', '/etc/kubernetes/audit/policy.yaml', policy);
    staticPod(tree, 'not-mounted', 'kube-apiserver', [flag], { mounts: ['/etc/kubernetes/pki'] });
    tree.write('not-a-policy', '/etc/kubernetes/audit/policy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    unit(tree, 'not-a-policy', 'kube-apiserver', [flag]);
    unit(tree, 'none', 'kube-apiserver', ['--v=2']);
    unit(tree, 'missing', 'kube-apiserver', [flag]);
    const expected: Expected[] = [
      { host: 'mounted', id: '3.2.1', status: 'PASS' },
      { host: 'unit', id: '3.2.1', status: 'PASS' },
      { host: 'not-mounted', id: '3.2.1', status: 'WARN' },
      { host: 'not-a-policy', id: '3.2.1', status: 'WARN' },
      { host: 'none', id: '3.2.1', status: 'WARN' },
      { host: 'missing', id: '3.2.1', status: 'UNKNOWN' },
    ];
    const result = await scanWith(tree, benchmark);
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });

  it('leaves section 5 UNKNOWN without the Kubernetes API, and names what would supply it', async () => {
    const tree = newTree();
    unit(tree, 'cp', 'kube-apiserver', ['--v=2']);
    const result = await scanWith(tree, benchmark);
    const apiControls = result.compliance!.results.filter((r) => r.control.check.template === 'api');
    expect(apiControls.map((r) => r.control.id)).toEqual(benchmark === 'cis-1.11' ? ['5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.6', '5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.6', '5.2.9'] : ['5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.6', '5.2.2', '5.2.3', '5.2.4', '5.2.5', '5.2.6']);
    for (const r of apiControls) {
      expect(r.status).toBe('UNKNOWN');
      expect(r.host).toBe('kubernetes');
      expect(r.reason).toContain('--kubeconfig');
    }
  });
});

describe('kubelet settings that cannot be known', () => {
  it('is UNKNOWN, never PASS, when --config names a file that is not in the scan; a flag still decides', async () => {
    const tree = newTree();
    unit(tree, 'lost-config', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
    unit(tree, 'lost-config-flag', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--anonymous-auth=false', '--read-only-port=10255']);
    const result = await scanWith(tree, 'cis-1.12');
    const expected: Expected[] = [
      { host: 'lost-config', id: '4.2.1', status: 'UNKNOWN' },
      { host: 'lost-config', id: '4.2.4', status: 'UNKNOWN' },
      { host: 'lost-config', id: '4.2.7', status: 'PASS' },
      { host: 'lost-config', id: '4.1.9', status: 'UNKNOWN' },
      { host: 'lost-config-flag', id: '4.2.1', status: 'PASS' },
      { host: 'lost-config-flag', id: '4.2.4', status: 'WARN' },
    ];
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    const unknown = result.compliance!.results.find((r) => r.host === 'lost-config' && r.control.id === '4.2.1')!;
    expect(unknown.reason).toBe('kubelet --anonymous-auth: --config names /var/lib/kubelet/config.yaml, which is not in the scanned files; would be known from a copy of /var/lib/kubelet/config.yaml from lost-config (kaudit collect copies it)');
  });

  it('names the effective value of a default when CIS wants the setting stated', async () => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kubelet', 'kubelet-config', { 'authorization-mode': 'Webhook' });
    const result = await scanWith(tree, 'cis-1.12');
    const r = result.compliance!.results.find((x) => x.host === 'w' && x.control.id === '4.2.1')!;
    expect(r.status).toBe('FAIL');
    expect(r.reason).toBe('--anonymous-auth (authentication.anonymous.enabled) is not set (KubeletConfiguration default: false); wants --anonymous-auth=false');
    const finding = result.findings.find((f) => f.cis.includes('4.2.1'))!;
    expect(finding.ruleId).toBe('auth/anonymous-auth');
    expect(finding.at.file).toBe('w/var/lib/kubelet/config.yaml');
  });
});

describe.each(BENCHMARKS)('%s: the kubelet unit IPAddressDeny= (v1.11 4.2.15)', (benchmark) => {
  it('is judged in the unit and its drop-ins, only where the benchmark has the control', async () => {
    const tree = newTree();
    unit(tree, 'deny', 'kubelet', ['--v=2'], ['IPAddressDeny=any', 'IPAddressAllow=localhost 10.0.0.0/8']);
    unit(tree, 'drop-in', 'kubelet', ['--v=2']);
    tree.write('drop-in', '/etc/systemd/system/kubelet.service.d/20-ip.conf', '[Service]\nIPAddressDeny=any\n');
    unit(tree, 'none', 'kubelet', ['--v=2']);
    unit(tree, 'reset', 'kubelet', ['--v=2'], ['IPAddressDeny=any']);
    tree.write('reset', '/etc/systemd/system/kubelet.service.d/20-ip.conf', '[Service]\nIPAddressDeny=\n');
    const result = await scanWith(tree, benchmark);
    const expected: Expected[] = [
      { host: 'deny', id: '4.2.15', status: 'PASS' },
      { host: 'drop-in', id: '4.2.15', status: 'PASS' },
      { host: 'none', id: '4.2.15', status: 'WARN' },
      { host: 'reset', id: '4.2.15', status: 'WARN' },
    ];
    if (benchmark === 'cis-1.12') {
      expect(result.compliance!.results.some((r) => r.control.id === '4.2.15')).toBe(false);
      return;
    }
    const { actual, wanted } = verdicts(result, expected);
    expect(actual).toEqual(wanted);
    expect(findingsAgree(result, expected, benchmark)).toEqual([]);
  });
});
