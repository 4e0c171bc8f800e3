import { defineRule } from '../rule.js';
import { etcdClusters, memberNames, quorum } from '../lib/etcd.js';
import { related } from '../lib/pki.js';
import type { Report } from '../rule.js';
import type { EtcdMember } from '../lib/etcd.js';
import type { PlanStep } from '../../fixers/types.js';

/** "4 members: majority 3, tolerates 1 failure, no more than 3 members would". */
export function sizeSentence(size: number): string {
  const { majority, tolerates } = quorum(size);
  const tail = size % 2 === 0 && size > 1 ? `, no more than ${size - 1} member${size - 1 === 1 ? '' : 's'} would` : '';
  return `${size} member${size === 1 ? '' : 's'}: majority ${majority}, tolerates ${tolerates} failure${tolerates === 1 ? '' : 's'}${tail}`;
}

export function byHost(members: EtcdMember[]): EtcdMember[] {
  return [...members].sort((a, b) => a.component.host.localeCompare(b.component.host) || a.name.localeCompare(b.name));
}

/** One finding for a whole etcd cluster, at its first member's --initial-cluster. */
export function reportCluster(members: EtcdMember[], message: string, key: string, report: (r: Report) => void, fix?: Report['fix']): void {
  const [first, ...others] = byHost(members);
  report({
    message,
    at: first.initialClusterAt,
    related: others.map((m) => related(m.initialClusterAt, `member ${m.name} on ${m.component.host}`)),
    key,
    ...(fix ? { fix } : {}),
  });
}

/** The steps to add one member: etcdctl member add, then its complete flags for joining. */
export function addMemberSteps(members: EtcdMember[]): PlanStep[] {
  const [first] = byHost(members);
  const names = memberNames(members);
  const peer = (name: string) => members.find((m) => m.name === name)?.peerUrls[0] ?? first.initialCluster.get(name)?.[0] ?? `https://<${name}-ip>:2380`;
  const newName = `etcd-${names.length + 1}`;
  const initial = [...names.map((n) => `${n}=${peer(n)}`), `${newName}=https://<new-member-ip>:2380`].join(',');
  const endpoint = first.clientUrls[0];
  return [
    { title: `Add a member to the etcd cluster of ${names.join(', ')}`, commands: [`etcdctl --endpoints=${endpoint} --cacert=<etcd CA> --cert=<client cert> --key=<client key> member add ${newName} --peer-urls=https://<new-member-ip>:2380`] },
    {
      title: `Start ${newName} with the complete flag set for joining an existing cluster`,
      commands: [`etcd --name=${newName} --initial-cluster-state=existing --initial-cluster=${initial} --initial-advertise-peer-urls=https://<new-member-ip>:2380 --listen-peer-urls=https://<new-member-ip>:2380 --advertise-client-urls=https://<new-member-ip>:2379 --listen-client-urls=https://<new-member-ip>:2379,https://127.0.0.1:2379 --client-cert-auth=true --peer-client-cert-auth=true --cert-file=<server cert> --key-file=<server key> --peer-cert-file=<peer cert> --peer-key-file=<peer key> --trusted-ca-file=<etcd CA> --peer-trusted-ca-file=<etcd CA>`],
    },
  ];
}

export default defineRule({
  id: 'etcd/even-members',
  level: 'warning',
  title: 'etcd cluster has an even number of members',
  description: 'An even-sized etcd cluster tolerates no more failures than one member fewer, while needing a larger majority to commit.',
  fix: 'plan',
  tags: ['etcd', 'availability'],
  check(cluster, context, report) {
    context.each(etcdClusters(cluster), (members) => {
      const names = memberNames(members);
      if (names.length < 2 || names.length % 2 !== 0) return;
      const last = byHost(members).at(-1)!;
      const remove = { title: `Or remove one member (${last.name} on ${last.component.host}) to keep ${names.length - 1}`, commands: [`etcdctl --endpoints=${last.clientUrls[0]} member list   # find the ID of ${last.name}`, `etcdctl --endpoints=${byHost(members)[0].clientUrls[0]} member remove <ID of ${last.name}>`] };
      reportCluster(members, `etcd cluster of ${sizeSentence(names.length)} (${names.join(', ')})`, `size:${names.join(',')}`, report, { kind: 'plan', steps: [...addMemberSteps(members), remove] });
    }, (members) => members[0]?.component.definedAt);
  },
});
