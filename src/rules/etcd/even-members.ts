import { defineRule } from '../rule.js';
import { etcdClusters, memberNames, quorum } from '../lib/etcd.js';
import { related } from '../lib/pki.js';
import type { Report } from '../rule.js';
import type { EtcdMember } from '../lib/etcd.js';

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
export function reportCluster(members: EtcdMember[], message: string, key: string, report: (r: Report) => void): void {
  const [first, ...others] = byHost(members);
  report({
    message,
    at: first.initialClusterAt,
    related: others.map((m) => related(m.initialClusterAt, `member ${m.name} on ${m.component.host}`)),
    key,
  });
}

export default defineRule({
  id: 'etcd/even-members',
  level: 'warning',
  title: 'etcd cluster has an even number of members',
  description: 'An even-sized etcd cluster tolerates no more failures than one member fewer, while needing a larger majority to commit.',
  fix: 'plan',
  tags: ['etcd', 'availability'],
  check(cluster, _context, report) {
    for (const members of etcdClusters(cluster)) {
      const names = memberNames(members);
      if (names.length < 2 || names.length % 2 !== 0) continue;
      reportCluster(members, `etcd cluster of ${sizeSentence(names.length)} (${names.join(', ')})`, `size:${names.join(',')}`, report);
    }
  },
});
