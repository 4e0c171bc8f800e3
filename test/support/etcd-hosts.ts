import { staticPod, unit } from './hosts.js';
import type { TreeWriter } from './tree.js';

export interface EtcdMemberSpec {
  name: string;
  ip: string;
  /** Names and IPs of the --initial-cluster, default: all members given. */
  initialCluster?: Array<{ name: string; ip: string }>;
  state?: 'new' | 'existing';
  token?: string | null;
  extra?: string[];
  scheme?: 'https' | 'http';
}

/** Flags of a TLS etcd member (the hard way's unit, kubeadm's pod), the --initial-cluster flag first. */
export function etcdFlags(member: EtcdMemberSpec, all: EtcdMemberSpec[]): string[] {
  const scheme = member.scheme ?? 'https';
  const initial = (member.initialCluster ?? all).map((m) => `${m.name}=${scheme}://${m.ip}:2380`).join(',');
  return [
    `--initial-cluster=${initial}`,
    `--name=${member.name}`,
    `--initial-advertise-peer-urls=${scheme}://${member.ip}:2380`,
    `--listen-peer-urls=${scheme}://${member.ip}:2380`,
    `--listen-client-urls=${scheme}://${member.ip}:2379,${scheme}://127.0.0.1:2379`,
    `--advertise-client-urls=${scheme}://${member.ip}:2379`,
    ...(member.token === null ? [] : [`--initial-cluster-token=${member.token ?? 'etcd-cluster-7f2c9d41a8b3e605'}`]),
    `--initial-cluster-state=${member.state ?? 'new'}`,
    '--client-cert-auth=true',
    '--peer-client-cert-auth=true',
    ...(member.extra ?? []),
  ];
}

/** One etcd systemd unit per member, on hosts named after them; flag i on line UNIT_FIRST_FLAG_LINE + i. */
export function etcdUnits(tree: TreeWriter, members: EtcdMemberSpec[]): void {
  for (const member of members) unit(tree, member.name, 'etcd', etcdFlags(member, members));
}

/** One etcd static pod per member; flag i on line POD_FIRST_FLAG_LINE + i. */
export function etcdPods(tree: TreeWriter, members: EtcdMemberSpec[]): void {
  for (const member of members) staticPod(tree, member.name, 'etcd', etcdFlags(member, members));
}

export function members(count: number): EtcdMemberSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `etcd-${i + 1}`, ip: `10.0.0.${31 + i}` }));
}
