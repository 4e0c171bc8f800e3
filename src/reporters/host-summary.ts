/**
 * What each host is, for the summary of the text report (`cp-1: k3s v1.31.4+k3s1 server`)
 * and the JSON `hosts`. Many hosts of one kind (200 workers) are one line with a count.
 */
import type { Cluster } from '../model/cluster.js';
import type { Host } from '../model/types.js';
import { oneLine } from './terminal.js';

/** A host's distribution, version and role: `k3s v1.31.4+k3s1 server`; what is not known is said. */
export function describeDistribution(host: Host): string {
  const d = host.distribution;
  if (!d) return host.loose ? 'manifests' : 'layout not recognised';
  return [d.name, d.version ?? '(version unknown)', d.role ?? '(role unknown)'].join(' ');
}

/** Up to this many hosts get a line each; beyond, hosts of one description share a line. */
const ONE_LINE_EACH = 12;

/** The lines of the summary: `  cp-1: kubeadm v1.29.3 control-plane`, or `  197 hosts: kubeadm v1.29.3 worker (worker-001 … worker-197)`. */
export function hostSummaryLines(cluster: Cluster): string[] {
  if (cluster.hosts.length <= ONE_LINE_EACH) return cluster.hosts.map((h) => `  ${oneLine(h.name)}: ${oneLine(describeDistribution(h))}`);
  const groups = new Map<string, string[]>();
  for (const host of cluster.hosts) {
    const description = describeDistribution(host);
    groups.set(description, [...(groups.get(description) ?? []), host.name]);
  }
  return [...groups].map(([description, names]) =>
    names.length === 1 ? `  ${oneLine(names[0])}: ${oneLine(description)}` : `  ${names.length} hosts: ${oneLine(description)} (${oneLine(names[0])} … ${oneLine(names[names.length - 1])})`,
  );
}

/** The JSON form of a host's distribution (null when its layout is not recognised). */
export function distributionJson(host: Host): { name: string; version: string | null; role: string | null; file: string } | null {
  const d = host.distribution;
  return d ? { name: d.name, version: d.version ?? null, role: d.role ?? null, file: d.evidence.file } : null;
}
