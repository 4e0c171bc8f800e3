/**
 * Round trips scan → fix → scan for each fix kind of the CIS remediations, in every layout
 * that can carry the setting (static pod, unit, env file, kubelet config file and drop-in,
 * etcd and kube-proxy config files, the snapshot of a copied tree, a live host root):
 * the control passes on the next scan, the value is written where the component reads it
 * and in the form it reads (a YAML list, a map entry), the items already there stay in
 * their place, and no static pod is left naming a file it cannot open. No certificate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { hostPathInPod } from '../../src/collectors/static-pod.js';
import { runRules } from '../../src/engine.js';
import { ruleById } from '../../src/rules/index.js';
import { planFixes } from '../../src/fixers/index.js';
import { renderChanges } from '../../src/fixers/render.js';
import { writeChanges } from '../../src/fixers/writer.js';
import { setting } from '../../src/model/cluster.js';
import type { Component } from '../../src/model/types.js';
import { scan, type ScanOptions } from '../../src/pipeline/scan.js';
import type { ScanResult } from '../../src/reporters/result.js';
import { kubeadmPod, probe } from '../support/failing-cluster.js';
import { staticPod, unit } from '../support/hosts.js';
import { LAYOUTS, writeComponent, type Kind, type Layout, type Value } from '../support/layouts.js';
import { TreeWriter } from '../support/tree.js';

const now = new Date('2026-06-01T00:00:00Z');
const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));
afterEach(() => vi.restoreAllMocks());

function newTree(): TreeWriter {
  const tree = TreeWriter.temp('kaudit-cis-kinds-');
  trees.push(tree);
  return tree;
}

interface RoundTrip {
  tree: TreeWriter;
  before: ScanResult;
  after: ScanResult;
  changes: Awaited<ReturnType<typeof planFixes>>;
  dryRun: string;
}

/** Scans (with CIS v1.12 unless `plain`: kaudit's own rules only), writes every fix, scans again. */
async function roundTrip(tree: TreeWriter, options: { plain?: boolean; hostRoots?: string[] } = {}): Promise<RoundTrip> {
  tree.writeSnapshotManifests();
  const scanOptions: ScanOptions = { now, rule: [], disable: [], ...(options.plain ? {} : { benchmark: 'cis-1.12' }), ...(options.hostRoots ? { hostRoots: options.hostRoots } : {}) };
  const paths = options.hostRoots ? [] : [tree.dir];
  const before = await scan(paths, scanOptions, 'test');
  const changes = await planFixes(before.cluster, before.findings, { now });
  const dryRun = renderChanges(changes);
  expect(changes.conflicts).toEqual([]);
  expect(changes.skipped).toEqual([]);
  const written = writeChanges(changes, { now: new Date() });
  expect(written.error).toBeUndefined();
  expect(written.refused).toEqual([]);
  return { tree, before, after: await scan(paths, scanOptions, 'test'), changes, dryRun };
}

function status(result: ScanResult, host: string, id: string): string {
  const r = result.compliance!.results.find((x) => x.host === host && x.control.id === id);
  return r ? `${id} ${r.status}${r.status === 'PASS' ? '' : `: ${r.reason}`}` : `${id} absent`;
}

function component(result: ScanResult, host: string, kind: Kind): Component {
  return result.cluster.components.find((c) => c.host === host && c.kind === kind)!;
}

/** Findings no fix may leave behind: a static pod that cannot open a file. */
function unopenable(result: ScanResult): string[] {
  return result.findings.filter((f) => f.ruleId === 'pod/unmounted-file' || f.ruleId === 'pki/missing-file').map((f) => `${f.ruleId}: ${f.message}`);
}

const flagLayouts = (kind: Kind): Layout[] => LAYOUTS[kind].filter((l) => ['static-pod', 'unit', 'env-file'].includes(l));

describe('add-to-list and remove-from-list: admission plugins and authorization modes edited in place', () => {
  describe.each(flagLayouts('kube-apiserver'))('kube-apiserver in a %s', (layout) => {
    it('adds the missing plugins and modes after the ones there, takes out AlwaysAdmit, ServiceAccount and AlwaysAllow, and writes EventRateLimit\'s configuration', async () => {
      const tree = newTree();
      writeComponent(tree, 'cp', 'kube-apiserver', layout, {
        'enable-admission-plugins': 'NamespaceLifecycle,AlwaysAdmit,LimitRanger',
        'disable-admission-plugins': 'ServiceAccount,DefaultStorageClass',
        'authorization-mode': 'AlwaysAllow,Webhook',
      });
      const { after } = await roundTrip(tree);
      for (const id of ['1.2.3', '1.2.6', '1.2.7', '1.2.8', '1.2.9', '1.2.10', '1.2.11', '1.2.12', '1.2.13', '1.2.14']) expect(status(after, 'cp', id)).toBe(`${id} PASS`);
      const apiserver = component(after, 'cp', 'kube-apiserver');
      const enabled = setting(apiserver, 'enable-admission-plugins')!.value.split(',');
      expect(enabled.slice(0, 2)).toEqual(['NamespaceLifecycle', 'LimitRanger']);
      expect(enabled.slice(2).sort()).toEqual(['AlwaysPullImages', 'DenyServiceExternalIPs', 'EventRateLimit', 'NodeRestriction']);
      expect(setting(apiserver, 'disable-admission-plugins')!.value).toBe('DefaultStorageClass');
      expect(setting(apiserver, 'authorization-mode')!.value).toBe('Webhook,Node,RBAC');
      // EventRateLimit without its configuration stops the apiserver: the file comes with it.
      const config = setting(apiserver, 'admission-control-config-file')!.value;
      const admission = parse(tree.read('cp', config));
      expect(admission.kind).toBe('AdmissionConfiguration');
      expect(admission.plugins.map((p: { name: string }) => p.name)).toEqual(['EventRateLimit']);
      expect(admission.plugins[0].configuration.kind).toBe('Configuration');
      if (layout === 'static-pod') expect(hostPathInPod(apiserver.mounts, config)).toBe(config);
      expect(unopenable(after)).toEqual([]);
    });

    it('removes the flag when its last item goes (an empty --disable-admission-plugins would be read as none anyway)', async () => {
      const tree = newTree();
      writeComponent(tree, 'cp', 'kube-apiserver', layout, { 'disable-admission-plugins': 'ServiceAccount' });
      const { after } = await roundTrip(tree);
      expect(status(after, 'cp', '1.2.12')).toBe('1.2.12 PASS');
      expect(setting(component(after, 'cp', 'kube-apiserver'), 'disable-admission-plugins')).toBeUndefined();
    });
  });

  it('plans the list on the node of an apiserver seen only through the API (no file of it to edit)', async () => {
    const tree = newTree();
    unit(tree, 'w', 'kubelet', ['--authorization-mode=Webhook']);
    const cluster = collect([tree.dir]);
    const at = { host: 'cp-9', root: -1, file: 'https://10.0.0.1:6443/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-9' };
    cluster.components.push({ kind: 'kube-apiserver', host: 'cp-9', source: 'live', definedAt: at, settings: [{ name: 'authorization-mode', value: 'AlwaysAllow', origin: 'flag', at }], mounts: [] });
    const findings = runRules(cluster, [ruleById('auth/insecure-authorization')!], { now, expiryWindowDays: 30 });
    const changes = await planFixes(cluster, findings, { now });
    expect(changes.edits.size + changes.creates.size).toBe(0);
    expect(changes.plan.map((p) => p.title)).toContainEqual(expect.stringMatching(/^On cp-9, kube-apiserver: add --authorization-mode=Node,RBAC to \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml|^On cp-9, kube-apiserver: start it with --authorization-mode=Node,RBAC/));
  });

  it('plans the authorizers where an AuthorizationConfiguration is used: --authorization-mode may not be set beside it', async () => {
    const tree = newTree();
    tree.write('cp', '/etc/kubernetes/authz.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n  - type: Webhook\n    name: webhook\n');
    unit(tree, 'cp', 'kube-apiserver', ['--authorization-config=/etc/kubernetes/authz.yaml']);
    tree.writeSnapshotManifests();
    const before = await scan([tree.dir], { now, rule: [], disable: [], benchmark: 'cis-1.12' }, 'test');
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect([...changes.edits.values()].flatMap((e) => e.edits.map((x) => x.text)).join('\n')).not.toContain('--authorization-mode');
    expect(changes.plan.map((p) => p.title)).toContainEqual(expect.stringMatching(/^List the authorizers Node, RBAC in the AuthorizationConfiguration \/etc\/kubernetes\/authz\.yaml of kube-apiserver on cp/));
  });
});

describe('feature gates: the gate set where the component reads it, the other gates kept', () => {
  it.each(flagLayouts('kube-controller-manager'))('kube-controller-manager in a %s: RotateKubeletServerCertificate=true in --feature-gates', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'cp', 'kube-controller-manager', layout, { 'feature-gates': 'SomeGate=true,RotateKubeletServerCertificate=false' });
    const { after } = await roundTrip(tree);
    expect(status(after, 'cp', '1.3.6')).toBe('1.3.6 PASS');
    expect(setting(component(after, 'cp', 'kube-controller-manager'), 'feature-gates')!.value).toBe('SomeGate=true,RotateKubeletServerCertificate=true');
  });

  it.each(LAYOUTS.kubelet)('a kubelet in a %s: the gate where it is written', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kubelet', layout, { 'feature-gates': 'SomeGate=true,RotateKubeletServerCertificate=false' });
    const { after } = await roundTrip(tree);
    expect(status(after, 'w', '4.2.11')).toBe('4.2.11 PASS');
    const gates = setting(component(after, 'w', 'kubelet'), 'feature-gates')!;
    expect(gates.value).toBe('SomeGate=true,RotateKubeletServerCertificate=true');
    if (gates.origin === 'config-file') expect(parse(fs.readFileSync(path.join(tree.dir, gates.at.file), 'utf8')).featureGates).toEqual({ SomeGate: true, RotateKubeletServerCertificate: true });
    else expect(gates.origin).toBe('flag');
  });
});

describe('kubelet settings: the flag where it is set, else the config file or the drop-in that holds it, lists as YAML lists', () => {
  const bad: Record<string, Value> = {
    'read-only-port': '10255',
    'streaming-connection-idle-timeout': '0',
    'make-iptables-util-chains': 'false',
    'event-qps': '-1',
    'rotate-certificates': 'false',
    'tls-cipher-suites': 'TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  };
  it.each(LAYOUTS.kubelet)('a kubelet in a %s', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kubelet', layout, bad);
    const { after } = await roundTrip(tree);
    for (const id of ['4.2.4', '4.2.5', '4.2.6', '4.2.8', '4.2.10', '4.2.12']) expect(status(after, 'w', id)).toBe(`${id} PASS`);
    const ciphers = setting(component(after, 'w', 'kubelet'), 'tls-cipher-suites')!;
    if (ciphers.origin === 'config-file') {
      const file = parse(fs.readFileSync(path.join(tree.dir, ciphers.at.file), 'utf8'));
      expect(Array.isArray(file.tlsCipherSuites)).toBe(true);
      expect(file.tlsCipherSuites).toContain('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      expect(file.readOnlyPort).toBe(0);
      expect(file.makeIPTablesUtilChains).toBe(true);
    }
  });

  it('states what CIS wants stated in the main config file when no file holds it, not in a drop-in', async () => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kubelet', 'kubelet-drop-in', {});
    const before = tree.read('w', '/etc/kubernetes/kubelet.conf.d/50-cis.conf');
    const { after } = await roundTrip(tree);
    for (const id of ['4.2.1', '4.2.2', '4.2.12']) expect(status(after, 'w', id)).toBe(`${id} PASS`);
    expect(tree.read('w', '/etc/kubernetes/kubelet.conf.d/50-cis.conf')).toBe(before);
    const main = parse(tree.read('w', '/var/lib/kubelet/config.yaml'));
    expect(main.authentication.anonymous.enabled).toBe(false);
    expect(main.authorization.mode).toBe('Webhook');
    expect(Array.isArray(main.tlsCipherSuites)).toBe(true);
  });

  it('edits the flag, not the file, where both set it: the kubelet flag beats its config file', async () => {
    const tree = newTree();
    tree.write('w', '/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\n');
    unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--read-only-port=10255']);
    const { after } = await roundTrip(tree);
    expect(status(after, 'w', '4.2.4')).toBe('4.2.4 PASS');
    expect(tree.read('w', '/etc/systemd/system/kubelet.service')).toContain('--read-only-port=0');
    expect(tree.read('w', '/var/lib/kubelet/config.yaml')).toContain('readOnlyPort: 0\n');
  });
});

describe('etcd and kube-proxy: their config file, never a flag they ignore beside it', () => {
  it.each(LAYOUTS.etcd)('etcd in a %s', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'e', 'etcd', layout, { 'client-cert-auth': 'false', 'auto-tls': 'true', 'peer-client-cert-auth': 'false', 'peer-auto-tls': 'true' });
    const unitBefore = layout === 'etcd-config' ? tree.read('e', '/etc/systemd/system/etcd.service') : undefined;
    const { after } = await roundTrip(tree);
    for (const id of ['2.2', '2.3', '2.5', '2.6']) expect(status(after, 'e', id)).toBe(`${id} PASS`);
    if (layout === 'etcd-config') {
      expect(tree.read('e', '/etc/systemd/system/etcd.service')).toBe(unitBefore);
      const config = parse(tree.read('e', '/etc/etcd/etcd.conf.yml'));
      expect(config['client-transport-security']).toEqual({ 'client-cert-auth': true, 'auto-tls': false });
      expect(config['peer-transport-security']).toEqual({ 'client-cert-auth': true, 'auto-tls': false });
    }
  });

  it('adds a missing setting to the section of etcd\'s config file that holds it', async () => {
    const tree = newTree();
    writeComponent(tree, 'e', 'etcd', 'etcd-config', { 'data-dir': '/var/lib/etcd' });
    const { after } = await roundTrip(tree);
    for (const id of ['2.2', '2.5']) expect(status(after, 'e', id)).toBe(`${id} PASS`);
    const config = parse(tree.read('e', '/etc/etcd/etcd.conf.yml'));
    expect(config['client-transport-security']['client-cert-auth']).toBe(true);
    expect(config['peer-transport-security']['client-cert-auth']).toBe(true);
    expect(tree.read('e', '/etc/systemd/system/etcd.service')).not.toContain('client-cert-auth');
  });

  it.each(LAYOUTS['kube-proxy'])('kube-proxy in a %s', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kube-proxy', layout, { 'metrics-bind-address': '0.0.0.0:10249' });
    const { after } = await roundTrip(tree);
    expect(status(after, 'w', '4.3.1')).toBe('4.3.1 PASS');
    if (layout === 'kube-proxy-config') {
      expect(parse(tree.read('w', '/var/lib/kube-proxy/config.conf')).metricsBindAddress).toBe('127.0.0.1:10249');
      expect(tree.read('w', '/etc/systemd/system/kube-proxy.service')).not.toContain('metrics-bind-address');
    }
  });
});

describe('flags that name a file: the file, and in a static pod its mount', () => {
  it.each(flagLayouts('kube-apiserver'))('kube-apiserver in a %s: an audit policy, an audit log folder and the EventRateLimit configuration', async (layout) => {
    const tree = newTree();
    writeComponent(tree, 'cp', 'kube-apiserver', layout, { 'enable-admission-plugins': 'NodeRestriction' });
    const { after, dryRun } = await roundTrip(tree);
    for (const id of ['1.2.9', '1.2.16', '3.2.1']) expect(status(after, 'cp', id)).toBe(`${id} PASS`);
    const apiserver = component(after, 'cp', 'kube-apiserver');
    expect(parse(tree.read('cp', setting(apiserver, 'audit-policy-file')!.value)).kind).toBe('Policy');
    expect(setting(apiserver, 'audit-log-path')!.value).toBe('/var/log/kubernetes/audit/audit.log');
    if (layout === 'static-pod') {
      const manifest = parse(tree.read('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml'));
      const mounts = manifest.spec.containers[0].volumeMounts as Array<{ mountPath: string; readOnly?: boolean }>;
      expect(mounts.find((m) => m.mountPath === '/var/log/kubernetes/audit')?.readOnly).toBeUndefined(); // the apiserver writes its log there
      expect(mounts.find((m) => m.mountPath === '/etc/kubernetes/audit')?.readOnly).toBe(true);
      expect(new Set(manifest.spec.volumes.map((v: { name: string }) => v.name)).size).toBe(manifest.spec.volumes.length);
    }
    expect(unopenable(after)).toEqual([]);
    expect(dryRun).toContain('side effect: the apiserver writes its audit log in this folder');
  });

  it('adds EventRateLimit to the operator\'s AdmissionConfiguration, mounts it, and keeps its other plugins', async () => {
    const tree = newTree();
    tree.write('cp', '/etc/kubernetes/admission.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    path: /etc/kubernetes/pss.yaml\n');
    staticPod(tree, 'cp', 'kube-apiserver', ['--admission-control-config-file=/etc/kubernetes/admission.yaml', '--enable-admission-plugins=NodeRestriction'], { mounts: ['/etc/kubernetes/pki'] });
    const { after } = await roundTrip(tree);
    expect(status(after, 'cp', '1.2.9')).toBe('1.2.9 PASS');
    const plugins = parse(tree.read('cp', '/etc/kubernetes/admission.yaml')).plugins;
    expect(plugins.map((p: { name: string }) => p.name)).toEqual(['PodSecurity', 'EventRateLimit']);
    expect(hostPathInPod(component(after, 'cp', 'kube-apiserver').mounts, '/etc/kubernetes/admission.yaml')).toBe('/etc/kubernetes/admission.yaml');
    expect(unopenable(after)).toEqual([]);
  });

  it('never writes over a file the operator named: one that is not a policy, or one that is missing, is a plan step', async () => {
    const tree = newTree();
    tree.write('b', '/etc/kubernetes/audit/policy.yaml', 'not: a policy\n');
    staticPod(tree, 'b', 'kube-apiserver', ['--audit-policy-file=/etc/kubernetes/audit/policy.yaml'], { mounts: ['/etc/kubernetes/audit'] });
    unit(tree, 'c', 'kube-apiserver', ['--admission-control-config-file=/etc/kubernetes/admission.yaml', '--enable-admission-plugins=NodeRestriction']);
    const { changes } = await roundTrip(tree);
    expect(tree.read('b', '/etc/kubernetes/audit/policy.yaml')).toBe('not: a policy\n');
    expect(fs.existsSync(tree.real('c', '/etc/kubernetes/admission.yaml'))).toBe(false);
    const titles = changes.plan.map((p) => p.title);
    expect(titles).toContainEqual(expect.stringMatching(/^\/etc\/kubernetes\/audit\/policy\.yaml is not an audit\.k8s\.io Policy: make it one \(kaudit does not overwrite it\)/));
    expect(titles).toContain('Restore /etc/kubernetes/admission.yaml, which --admission-control-config-file names (it is missing), or point the flag at an AdmissionConfiguration (kube-apiserver on c)');
  });
});

describe('anonymous auth off: the probes that relied on it, and an AuthenticationConfiguration that holds it', () => {
  const apiserverPod = (flags: string[], extraVolumes: Array<{ name: string; path: string; type?: string }> = []) =>
    kubeadmPod('kube-apiserver', '1.33.1', ['--advertise-address=10.0.0.11', '--authorization-mode=Node,RBAC', ...flags], [{ name: 'k8s-certs', path: '/etc/kubernetes/pki' }, ...extraVolumes], [
      ...probe('livenessProbe', '/livez', '10.0.0.11', 6443),
      ...probe('readinessProbe', '/readyz', '10.0.0.11', 6443),
    ]);
  const probesOf = (tree: TreeWriter) => {
    const container = parse(tree.read('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml')).spec.containers[0];
    return [container.livenessProbe, container.readinessProbe].map((p) => Object.keys(p).filter((k) => k === 'httpGet' || k === 'tcpSocket')[0]);
  };

  it.each([
    ['auth/anonymous-auth, scanned without the benchmark: the flag is not set (default true)', [], {}],
    ['the benchmark (CIS 1.2.1): the flag is written empty, which the rule leaves to the benchmark', ['--anonymous-auth='], {}],
    ['the benchmark: an AuthenticationConfiguration without an anonymous section allows the flag', ['--authentication-config=/etc/kubernetes/authn/config.yaml'], { authn: 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt: []\n' }],
  ] as Array<[string, string[], { authn?: string }]>)('turned off by %s: the probes become tcpSocket probes and the dry run says what else it affects', async (_name, flags, extra) => {
    const tree = newTree();
    if (extra.authn) tree.write('cp', '/etc/kubernetes/authn/config.yaml', extra.authn);
    tree.write('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml', apiserverPod(flags, extra.authn ? [{ name: 'authn', path: '/etc/kubernetes/authn' }] : []));
    const plain = flags.length === 0;
    const { after, dryRun } = await roundTrip(tree, { plain });
    expect(setting(component(after, 'cp', 'kube-apiserver'), 'anonymous-auth')?.value).toBe('false');
    expect(probesOf(tree)).toEqual(['tcpSocket', 'tcpSocket']);
    if (!plain) expect(status(after, 'cp', '1.2.1')).toBe('1.2.1 PASS');
    expect(dryRun).toContain('side effect: anonymous requests get 401: kubeadm join with a bootstrap token cannot read the cluster-info ConfigMap in kube-public');
    expect(dryRun).toContain("side effect: the static pod's httpGet probes would get 401 without anonymous access: they become tcpSocket probes on the same port");
  });

  it('plans the change in the AuthenticationConfiguration that holds anonymous access: the flag beside it stops the apiserver', async () => {
    const tree = newTree();
    tree.write('cp', '/etc/kubernetes/authn/config.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions:\n    - path: /livez\n    - path: /readyz\n');
    const manifest = apiserverPod(['--authentication-config=/etc/kubernetes/authn/config.yaml'], [{ name: 'authn', path: '/etc/kubernetes/authn' }]);
    tree.write('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml', manifest);
    tree.writeSnapshotManifests();
    const before = await scan([tree.dir], { now, rule: [], disable: [], benchmark: 'cis-1.12' }, 'test');
    expect(status(before, 'cp', '1.2.1')).toMatch(/^1\.2\.1 WARN: --anonymous-auth is not set/); // unscored in v1.12
    const changes = await planFixes(before.cluster, before.findings, { now });
    // The manifest gets the other controls' flags, but neither --anonymous-auth nor other probes.
    const edited = [...changes.edits.values()].map((e) => changes.editedText(e)!).join('\n');
    expect(edited).not.toContain('anonymous-auth');
    expect(edited).not.toContain('tcpSocket');
    expect(changes.plan.map((p) => p.title)).toContainEqual(expect.stringMatching(/^Turn anonymous access off in the AuthenticationConfiguration \/etc\/kubernetes\/authn\/config\.yaml of kube-apiserver on cp \(its anonymous section and --anonymous-auth are mutually exclusive\)/));
  });

  it('a kubelet whose drop-in turns anonymous auth on: the drop-in is edited, and the dry run says who loses access', async () => {
    const tree = newTree();
    writeComponent(tree, 'w', 'kubelet', 'kubelet-drop-in', { 'anonymous-auth': 'true' });
    const { after, dryRun } = await roundTrip(tree);
    expect(status(after, 'w', '4.2.1')).toBe('4.2.1 PASS');
    expect(parse(tree.read('w', '/etc/kubernetes/kubelet.conf.d/50-cis.conf')).authentication.anonymous.enabled).toBe(false);
    expect(dryRun).toContain('side effect: calls to the kubelet API (10250) without credentials get 401');
  });
});

describe('chmod and chown of any file', () => {
  it('in a copied tree: the snapshot manifest records the new mode and owner (the copy gets the mode too)', async () => {
    const tree = newTree();
    writeComponent(tree, 'cp', 'kube-scheduler', 'static-pod', { profiling: 'false', 'bind-address': '127.0.0.1' });
    tree.setMode('cp', '/etc/kubernetes/manifests/kube-scheduler.yaml', 0o664);
    tree.setOwner('cp', '/etc/kubernetes/manifests/kube-scheduler.yaml', 'kube:kube');
    const { after } = await roundTrip(tree);
    expect([status(after, 'cp', '1.1.5'), status(after, 'cp', '1.1.6')]).toEqual(['1.1.5 PASS', '1.1.6 PASS']);
    const snapshot = JSON.parse(tree.read('cp', '/.kaudit-snapshot.json'));
    expect(snapshot.modes['/etc/kubernetes/manifests/kube-scheduler.yaml']).toBe('0600');
    expect(snapshot.owners['/etc/kubernetes/manifests/kube-scheduler.yaml']).toBe('root:root');
    expect(fs.statSync(tree.real('cp', '/etc/kubernetes/manifests/kube-scheduler.yaml')).mode & 0o777).toBe(0o600);
  });

  /** A node's root file system (as `--host-root` reads it): modes and owners are the files' own, named through its passwd and group. */
  function liveRoot(): { tree: TreeWriter; root: string } {
    const tree = newTree();
    const root = tree.real('node', '/');
    tree.write('node', '/etc/hostname', 'node\n');
    tree.write('node', '/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\netcd:x:998:998::/var/lib/etcd:/sbin/nologin\nkube:x:1000:1000::/home/kube:/bin/sh\n');
    tree.write('node', '/etc/group', 'root:x:0:\netcd:x:998:\nkube:x:1000:\n');
    staticPod(tree, 'node', 'etcd', ['--data-dir=/var/lib/etcd', '--client-cert-auth=true', '--peer-client-cert-auth=true'], { mounts: ['/var/lib/etcd'] });
    const manifest = tree.real('node', '/etc/kubernetes/manifests/etcd.yaml');
    fs.chmodSync(manifest, 0o644);
    fs.chownSync(manifest, 1000, 1000);
    fs.mkdirSync(tree.real('node', '/var/lib/etcd/member'), { recursive: true });
    fs.chmodSync(tree.real('node', '/var/lib/etcd'), 0o755);
    fs.chownSync(tree.real('node', '/var/lib/etcd'), 0, 0);
    return { tree, root };
  }
  const asRoot = process.geteuid?.() === 0;

  it.runIf(asRoot)('on a live host root, as root: the files themselves, owners named through the host\'s own passwd and group', async () => {
    const { tree, root } = liveRoot();
    const { after, dryRun } = await roundTrip(tree, { hostRoots: [root] });
    for (const id of ['1.1.7', '1.1.8', '1.1.11', '1.1.12']) expect(status(after, 'node', id)).toBe(`${id} PASS`);
    expect(dryRun).toMatch(/owner {3}var\/lib\/etcd: root:root → etcd:etcd {2}\[files\/etcd-data-ownership\]\n {2}side effect: the file belongs to etcd:etcd: a process that wrote it as root:root loses write access/);
    expect(dryRun).toMatch(/mode {4}etc\/kubernetes\/manifests\/etcd\.yaml: 0644 → 0600 {2}\[files\/manifest-permissions\]\n {2}side effect: users other than the owner lose/);
    const manifest = fs.statSync(tree.real('node', '/etc/kubernetes/manifests/etcd.yaml'));
    expect([manifest.mode & 0o777, manifest.uid, manifest.gid]).toEqual([0o600, 0, 0]);
    const data = fs.statSync(tree.real('node', '/var/lib/etcd'));
    expect([data.mode & 0o777, data.uid, data.gid]).toEqual([0o700, 998, 998]);
  });

  it.runIf(asRoot)('a failed chown puts back the modes and owners already changed', async () => {
    const { root, tree } = liveRoot();
    const before = await scan([], { now, rule: [], disable: [], benchmark: 'cis-1.12', hostRoots: [root] }, 'test');
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(changes.chowns.size).toBe(2);
    let chowns = 0;
    const result = writeChanges(changes, { now: new Date(), faults: (step) => { if (step === 'chown' && ++chowns === 2) throw new Error('EPERM'); } });
    expect(result.error).toMatch(/^chown of .* failed .*nothing was changed/);
    const manifest = fs.statSync(tree.real('node', '/etc/kubernetes/manifests/etcd.yaml'));
    expect([manifest.mode & 0o777, manifest.uid]).toEqual([0o644, 1000]);
    expect(fs.statSync(tree.real('node', '/var/lib/etcd')).uid).toBe(0);
  });

  it('plans a chown kaudit may not do: not running as root, or a user the host does not have', async () => {
    const { root, tree } = liveRoot();
    tree.write('node', '/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
    vi.spyOn(process, 'geteuid').mockReturnValue(1000);
    const before = await scan([], { now, rule: [], disable: [], benchmark: 'cis-1.12', hostRoots: [root] }, 'test');
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(changes.chowns.size).toBe(0);
    const titles = changes.plan.map((p) => p.title);
    expect(titles).toContain('On node: give /etc/kubernetes/manifests/etcd.yaml the owner root:root (kaudit does not run as root)');
    expect(titles).toContain('On node: give /var/lib/etcd the owner etcd:etcd (the user etcd does not exist on node)');
    expect(changes.plan.find((p) => p.title.includes('/var/lib/etcd the owner'))!.commands).toEqual(['chown etcd:etcd /var/lib/etcd']);
  });
});
