/**
 * `kaudit fix --benchmark`: the controls whose remediation is a flag, a list item, a file
 * with its flag or a mode are written and pass on the next scan, in every layout that
 * carries them (test/fixers/cis-kinds.test.ts has one round trip per fix kind); only the
 * plan-only controls are plan steps, with the real names and paths.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planFixes } from '../../src/fixers/index.js';
import { writeChanges } from '../../src/fixers/writer.js';
import { scan } from '../../src/pipeline/scan.js';
import type { ScanResult } from '../../src/reporters/result.js';
import { staticPod, unit } from '../support/hosts.js';
import { writeComponent } from '../support/layouts.js';
import { TreeWriter } from '../support/tree.js';
import { generateKeyPairSync } from 'node:crypto';
import { parse } from 'yaml';
import { KUBELET_CIPHERS_1_12 } from '../../src/benchmarks/cis-1.12.js';

const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));
const now = new Date('2026-06-01T00:00:00Z');

function open(result: ScanResult): string[] {
  return result.compliance!.results.filter((r) => r.failed).map((r) => `${r.host} ${r.control.id}`).sort();
}

/** Controls CIS wants and `kaudit fix` writes: flags, list items, files with their flags, modes. */
const WRITTEN = ['1.1.1', '1.2.3', '1.2.9', '1.2.11', '1.2.14', '1.2.15', '1.2.16', '1.2.17', '1.2.18', '1.2.19', '1.2.30', '1.3.2', '1.3.7', '1.4.1', '1.4.2', '2.2', '2.5', '2.6', '3.2.1', '4.2.4', '4.2.6', '4.2.10', '4.3.1'];

describe('kaudit fix --benchmark cis-1.12', () => {
  it('writes the flag, list, file and mode controls, in static pods, units, env files and config files; a new scan passes them', async () => {
    const tree = TreeWriter.temp('kaudit-cis-fix-');
    trees.push(tree);
    // Static pods on cp-pod, units on cp-unit, an env file on cp-env; kubelets by flag and by config file.
    writeComponent(tree, 'cp-pod', 'kube-apiserver', 'static-pod', { profiling: 'true', 'audit-log-maxage': '7', 'service-account-extend-token-expiration': 'true' });
    writeComponent(tree, 'cp-pod', 'kube-controller-manager', 'static-pod', { 'bind-address': '0.0.0.0' });
    writeComponent(tree, 'cp-unit', 'kube-apiserver', 'unit', { 'audit-log-maxbackup': '1' });
    writeComponent(tree, 'cp-unit', 'kube-scheduler', 'unit', { 'bind-address': '0.0.0.0' });
    writeComponent(tree, 'cp-env', 'kube-apiserver', 'env-file', { 'audit-log-maxsize': '10' });
    writeComponent(tree, 'cp-env', 'kube-controller-manager', 'env-file', {});
    writeComponent(tree, 'cp-env', 'kube-scheduler', 'env-file', {});
    writeComponent(tree, 'etcd-env', 'etcd', 'etcd-env', { 'client-cert-auth': 'false', 'peer-auto-tls': 'true' });
    writeComponent(tree, 'w-flags', 'kubelet', 'unit', { 'read-only-port': '10255', 'rotate-certificates': 'false', kubeconfig: '/etc/kubernetes/kubelet.conf' });
    writeComponent(tree, 'w-config', 'kubelet', 'kubelet-config', { 'make-iptables-util-chains': 'false', 'read-only-port': '10255' });
    writeComponent(tree, 'w-config', 'kube-proxy', 'unit', { 'metrics-bind-address': '0.0.0.0:10249' });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    tree.write('cp-pod', '/etc/kubernetes/pki/sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o644);
    tree.setMode('cp-pod', '/etc/kubernetes/manifests/kube-apiserver.yaml', 0o644);
    tree.writeSnapshotManifests();

    const options = { now, rule: [], disable: [], benchmark: 'cis-1.12' };
    const before = await scan([tree.dir], options, 'test');
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(changes.conflicts).toEqual([]);
    const written = writeChanges(changes, { now: new Date() });
    expect(written.error).toBeUndefined();
    const after = await scan([tree.dir], options, 'test');

    const fixedIds = (result: ScanResult) => open(result).filter((key) => WRITTEN.includes(key.split(' ')[1]));
    expect(fixedIds(before).length).toBeGreaterThanOrEqual(17);
    expect(fixedIds(after)).toEqual([]);
    expect(open(after).filter((key) => key.endsWith(' 1.1.21'))).toEqual([]);
    // What needs a person's choice is planned, with the real host and why kaudit does not write it.
    const planned = changes.plan.find((p) => p.title === 'Issue the apiserver a serving certificate from the cluster CA and set --tls-cert-file and --tls-private-key-file (cp-pod)');
    expect(planned?.commands).toEqual([expect.stringMatching(/^# not written by kaudit: it needs a certificate and key issued for this identity by the right CA/)]);
    // A second run changes nothing that was written.
    const again = await planFixes(after.cluster, after.findings, { now });
    expect([...again.edits.keys(), ...again.chmods.keys()]).toEqual([]);
  });

  it('writes a kubelet cipher list as a list where its config file holds it, and as a flag where the kubelet takes flags', async () => {
    const tree = TreeWriter.temp('kaudit-cis-fix-');
    trees.push(tree);
    writeComponent(tree, 'w-config', 'kubelet', 'kubelet-config', { 'tls-cipher-suites': 'TLS_RSA_WITH_AES_128_CBC_SHA' });
    unit(tree, 'w-flags', 'kubelet', ['--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA']);
    staticPod(tree, 'cp', 'kube-apiserver', ['--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA']);
    const options = { now, rule: [], disable: [], benchmark: 'cis-1.12' };
    const before = await scan([tree.dir], options, 'test');
    const changes = await planFixes(before.cluster, before.findings, { now });
    expect(writeChanges(changes, { now: new Date() }).error).toBeUndefined();
    const after = await scan([tree.dir], options, 'test');
    expect(open(after).filter((key) => key.endsWith(' 4.2.12') || key.endsWith(' 1.2.29'))).toEqual([]);
    expect(parse(tree.read('w-config', '/var/lib/kubelet/config.yaml')).tlsCipherSuites).toEqual(KUBELET_CIPHERS_1_12);
    expect(tree.read('w-flags', '/etc/systemd/system/kubelet.service')).toContain(`--tls-cipher-suites=${KUBELET_CIPHERS_1_12.join(',')}`);
  });
});
