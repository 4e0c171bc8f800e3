import { effective, isTrue } from './settings.js';
import type { Cluster } from '../../model/cluster.js';
import type { Component, SourceLocation } from '../../model/types.js';

/** etcd's defaults, from `etcd --help` (3.4–3.6). */
export const ETCD_DEFAULTS = {
  name: 'default',
  'initial-cluster-token': 'etcd-cluster',
  'initial-cluster-state': 'new',
  'listen-client-urls': 'http://localhost:2379',
  'advertise-client-urls': 'http://localhost:2379',
  'listen-peer-urls': 'http://localhost:2380',
  'initial-advertise-peer-urls': 'http://localhost:2380',
} as const;

export interface EtcdMember {
  component: Component;
  name: string;
  /** --initial-cluster as name → peer URLs; empty when not set. */
  initialCluster: Map<string, string[]>;
  initialClusterAt: SourceLocation;
  initialClusterSet: boolean;
  token: string;
  tokenAt: SourceLocation;
  tokenSet: boolean;
  state: 'new' | 'existing';
  peerUrls: string[];
  clientUrls: string[];
}

export function parseInitialCluster(value: string): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const entry of value.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq).trim();
    members.set(name, [...(members.get(name) ?? []), entry.slice(eq + 1).trim()]);
  }
  return members;
}

function member(component: Component): EtcdMember {
  const initial = effective(component, 'initial-cluster');
  const token = effective(component, 'initial-cluster-token', ETCD_DEFAULTS['initial-cluster-token']);
  const name = effective(component, 'name', ETCD_DEFAULTS.name).value;
  const peerUrls = effective(component, 'initial-advertise-peer-urls', ETCD_DEFAULTS['initial-advertise-peer-urls']).value.split(',').map((u) => u.trim());
  return {
    component,
    name,
    // etcd's own default is "default=<initial-advertise-peer-urls>": a one-member cluster.
    initialCluster: initial ? parseInitialCluster(initial.value) : new Map([[name, peerUrls]]),
    initialClusterAt: initial?.at ?? component.flagsAt ?? component.definedAt,
    initialClusterSet: initial !== undefined,
    token: token.value,
    tokenAt: token.at,
    tokenSet: !token.isDefault,
    state: effective(component, 'initial-cluster-state', 'new').value === 'existing' ? 'existing' : 'new',
    peerUrls,
    clientUrls: effective(component, 'advertise-client-urls', ETCD_DEFAULTS['advertise-client-urls']).value.split(',').map((u) => u.trim()),
  };
}

const clusterCache = new WeakMap<Cluster, EtcdMember[][]>();

/**
 * The etcd clusters of the scan: members that name each other (by name or peer URL) in
 * their --initial-cluster belong to one cluster.
 */
export function etcdClusters(cluster: Cluster): EtcdMember[][] {
  const cached = clusterCache.get(cluster);
  if (cached) return cached;
  // A member whose membership no source shows (etcd-manager generates it) is unknown, not a one-member cluster.
  const members = cluster.componentsOf('etcd').filter((c) => !c.unknownSettings?.includes('initial-cluster')).map(member);
  const parent = members.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  // Two etcd clusters on one set of hosts (kOps's main and events) share member names: their peer ports tell them apart.
  const listsOn = (list: Map<string, string[]>, m: EtcdMember) => (list.get(m.name) ?? []).some((u) => m.peerUrls.some((p) => portOf(p) === portOf(u)));
  members.forEach((a, i) =>
    members.forEach((b, j) => {
      if (i >= j) return;
      const aUrls = [...a.initialCluster.values()].flat();
      const bUrls = [...b.initialCluster.values()].flat();
      const linked = listsOn(a.initialCluster, b) || listsOn(b.initialCluster, a) || b.peerUrls.some((u) => aUrls.includes(u)) || a.peerUrls.some((u) => bUrls.includes(u));
      if (linked) parent[find(i)] = find(j);
    }),
  );
  const groups = new Map<number, EtcdMember[]>();
  members.forEach((m, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), m]));
  const result = [...groups.values()];
  clusterCache.set(cluster, result);
  return result;
}

/** The port of a URL (`https://a:2380` → `2380`), or '' when it has none. */
export function portOf(url: string): string {
  return /:(\d+)(\/|$)/.exec(url.trim())?.[1] ?? '';
}

/** Every member name the cluster knows of: the members scanned and those their lists name. */
export function memberNames(members: EtcdMember[]): string[] {
  const names = new Set<string>();
  for (const m of members) {
    names.add(m.name);
    for (const name of m.initialCluster.keys()) names.add(name);
  }
  return [...names].sort();
}

export function quorum(size: number): { majority: number; tolerates: number } {
  const majority = Math.floor(size / 2) + 1;
  return { majority, tolerates: size - majority };
}

/**
 * Whether a URL carries etcd traffic over the network unencrypted. A unix socket never
 * leaves the host (k3s's kine listens on `unix://kine.sock`).
 */
export function isPlaintextNetwork(url: string): boolean {
  return /^http:\/\//i.test(url.trim());
}

export { isTrue };
