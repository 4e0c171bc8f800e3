/**
 * A kubeadm cluster hardened as CIS asks, at a version of each benchmark: its compliance
 * report has no FAIL, and nothing but the manual controls and section 5 (no API was
 * read) is left to a reader. It issues certificates (the kubeadm builder does), so it
 * builds three control planes (etcd needs them to tolerate a failure) and one worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/pipeline/scan.js';
import { DEFAULT_SPEC, writeKubeadmCluster } from '../support/kubeadm.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));

describe.each([
  ['1.31.4', 'cis-1.11'],
  ['1.33.1', 'cis-1.12'],
])('a hardened kubeadm %s cluster', (version, benchmark) => {
  it(`meets ${benchmark}, chosen from its version: no FAIL, no finding`, async () => {
    const tree = TreeWriter.temp('kaudit-hardened-');
    trees.push(tree);
    await writeKubeadmCluster(tree, new PkiFactory(), { ...DEFAULT_SPEC, workers: DEFAULT_SPEC.workers.slice(0, 1), version, etcdVersion: '3.5.16-0', hardened: true });
    const result = await scan([tree.dir], { now: new Date(), rule: [], disable: [], benchmark: 'cis' }, 'test');
    const compliance = result.compliance!;
    expect(compliance.benchmark.id).toBe(benchmark);
    expect(compliance.why).toContain(`Kubernetes ${version}, the lowest kube-apiserver version (on cp-1)`);
    const open = compliance.results.filter((r) => r.status !== 'PASS' && r.status !== 'N/A' && r.control.check.template !== 'manual' && r.control.check.template !== 'api');
    expect(open.map((r) => `${r.host} ${r.control.id} ${r.status}: ${r.reason}`)).toEqual([]);
    expect(compliance.totals.FAIL).toBe(0);
    expect(result.findings.map((f) => `${f.ruleId} ${f.at.file}: ${f.message}`)).toEqual([]);
    expect(result.cluster.diagnostics).toEqual([]);
    // What applies nowhere on a kubeadm node: no CNI state, kube-proxy as a DaemonSet, no super-admin.conf.
    const notApplicable = [...new Set(compliance.results.filter((r) => r.status === 'N/A').map((r) => r.control.id))].sort();
    expect(notApplicable).toEqual(['1.1.10', '1.1.9', '4.1.3', '4.1.4', '4.3.1']);
    expect(compliance.results.filter((r) => r.status === 'UNKNOWN').every((r) => r.host === 'kubernetes')).toBe(true);
  });
});
