/**
 * The generated clusters the benchmarks time: kubeadm HA clusters of 3 control planes and
 * N - 3 workers (certificates, kubeconfigs, units, static pods), written once under
 * bench/out/cluster-N and reused by every benchmark. A `done` marker is written last, so a
 * generation cut short is started again rather than timed half-written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SPEC, makeCAs, writeControlPlane, writeWorker, type KubeadmSpec, type Node } from '../test/support/kubeadm.js';
import { PkiFactory } from '../test/support/pki.js';
import { TreeWriter } from '../test/support/tree.js';

/** Where the benchmarks keep generated clusters and reports (git ignores it). */
export const BENCH_OUT = path.resolve('bench/out');

const CONTROL_PLANES = DEFAULT_SPEC.controlPlanes.length;

/** The folder of the generated cluster of `hosts` hosts. */
export function clusterDir(hosts: number): string {
  return path.join(BENCH_OUT, `cluster-${hosts}`);
}

/** True when the cluster of `hosts` hosts has been generated whole. */
export function isGenerated(hosts: number): boolean {
  return fs.existsSync(path.join(clusterDir(hosts), 'done'));
}

/** The workers of a cluster of `hosts` hosts: 250 to a /24, so 10,000 hosts still get distinct addresses. */
function workerNodes(hosts: number): Node[] {
  return Array.from({ length: hosts - CONTROL_PLANES }, (_, i) => ({
    name: `worker-${String(i + 1).padStart(3, '0')}`,
    ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  }));
}

/**
 * Returns the folder of the cluster of `hosts` hosts, generating it first when it is
 * missing or was left unfinished.
 */
export async function ensureKubeadmCluster(hosts: number): Promise<string> {
  if (!Number.isInteger(hosts) || hosts <= CONTROL_PLANES) throw new Error(`a generated cluster needs more than ${CONTROL_PLANES} hosts (got ${hosts})`);
  const dir = clusterDir(hosts);
  if (isGenerated(hosts)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const tree = new TreeWriter(dir);
  const pki = new PkiFactory();
  const spec: KubeadmSpec = { ...DEFAULT_SPEC, workers: workerNodes(hosts) };
  const cas = await makeCAs(pki);
  for (const [index, node] of spec.controlPlanes.entries()) await writeControlPlane(tree, pki, spec, cas, node, index);
  for (const node of spec.workers) await writeWorker(tree, pki, spec, cas, node);
  tree.writeSnapshotManifests();
  fs.writeFileSync(path.join(dir, 'done'), '');
  return dir;
}
