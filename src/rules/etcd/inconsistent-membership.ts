import { defineRule, type Report } from '../rule.js';
import { etcdClusters, type EtcdMember } from '../lib/etcd.js';
import { related } from '../lib/pki.js';
import { byHost } from './even-members.js';

function listText(list: Map<string, string[]>): string {
  return [...list].map(([name, urls]) => urls.map((u) => `${name}=${u}`).join(',')).sort().join(',');
}

function sameUrls(a: string[], b: string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

/** A member's list made consistent: itself at what it advertises, every other member at what that one advertises. */
function correctedList(m: EtcdMember, members: EtcdMember[]): string {
  const next = new Map(m.initialCluster);
  for (const other of members) if (other === m || next.has(other.name)) next.set(other.name, other.peerUrls);
  return [...next].map(([n, us]) => us.map((u) => `${n}=${u}`).join(',')).join(',');
}

function checkCluster(members: EtcdMember[], report: (r: Report) => void): void {
  const sorted = byHost(members);
  // Founders take the first founder's list; every list then gets each member at the URLs it advertises.
  const listedByOthers = (m: EtcdMember) => sorted.some((o) => o !== m && o.initialCluster.has(m.name));
  const founders = sorted.filter((m) => m.state === 'new' && (sorted.length === 1 || listedByOthers(m)));
  const base = (m: EtcdMember) => (founders.includes(m) && founders[0] ? { ...m, initialCluster: founders[0].initialCluster } : m);
  const fixList = (m: EtcdMember) => ({ kind: 'set-flag' as const, component: m.component, flag: 'initial-cluster', value: correctedList(base(m), sorted) });
  const who = (m: EtcdMember) => `etcd member ${m.name} on ${m.component.host}`;

  // A member must list itself, at the peer URLs it advertises.
  for (const m of sorted) {
    const own = m.initialCluster.get(m.name);
    if (!own) {
      report({ message: `${who(m)} is missing from its own --initial-cluster (${listText(m.initialCluster)})`, at: m.initialClusterAt, key: `${m.name}:self`, fix: fixList(m) });
    } else if (!sameUrls(own, m.peerUrls)) {
      report({ message: `${who(m)} lists itself at ${own.join(',')} in --initial-cluster but advertises ${m.peerUrls.join(',')}`, at: m.initialClusterAt, key: `${m.name}:self-url`, fix: fixList(m) });
    }
  }

  // Members that bootstrapped together must agree on the list and the token.
  // A member no one else lists is not a founder that disagrees: it is a second cluster (reported below).
  const reference = founders[0];
  for (const m of founders.slice(1)) {
    if (listText(m.initialCluster) !== listText(reference.initialCluster)) {
      report({
        message: `${who(m)} bootstraps (--initial-cluster-state=new) with --initial-cluster ${listText(m.initialCluster)}, but ${who(reference)} with ${listText(reference.initialCluster)}`,
        at: m.initialClusterAt,
        related: [related(reference.initialClusterAt, `--initial-cluster of ${reference.name}`)],
        key: `${m.name}:list`,
        fix: fixList(m),
      });
    }
    if (m.token !== reference.token) {
      report({
        message: `${who(m)} bootstraps with --initial-cluster-token different from ${who(reference)}'s: they form different clusters`,
        at: m.tokenAt,
        related: [related(reference.tokenAt, `--initial-cluster-token of ${reference.name}`)],
        key: `${m.name}:token`,
        fix: { kind: 'set-flag', component: m.component, flag: 'initial-cluster-token', value: reference.token },
      });
    }
  }

  // A name must mean the same peer URLs in every list; a member's own advertisement decides.
  for (const m of sorted) {
    for (const other of sorted) {
      if (other === m) continue;
      const listed = m.initialCluster.get(other.name);
      if (listed && !sameUrls(listed, other.peerUrls)) {
        report({
          message: `${who(m)} lists ${other.name} at ${listed.join(',')}, but ${other.name} advertises ${other.peerUrls.join(',')}`,
          at: m.initialClusterAt,
          related: [related(other.initialClusterAt, `member ${other.name} on ${other.component.host}`)],
          key: `${m.name}:url:${other.name}`,
          fix: fixList(m),
        });
      }
    }
  }

  // A member no one else lists, started as new, bootstraps a cluster of its own.
  if (sorted.length > 1) {
    for (const m of sorted) {
      if (m.state === 'new' && !listedByOthers(m)) {
        report({
          message: `${who(m)} is in no other member's --initial-cluster and starts with --initial-cluster-state=new: it would form a second cluster`,
          at: m.initialClusterAt,
          key: `${m.name}:second-cluster`,
          fix: { kind: 'plan', steps: [{ title: `Join ${m.name} to the existing cluster instead of bootstrapping a new one`, commands: [`etcdctl member add ${m.name} --peer-urls=${m.peerUrls.join(',')}`, `# then start ${m.name} with --initial-cluster-state=existing and the --initial-cluster that member add prints`] }] },
        });
      }
    }
  }
}

export default defineRule({
  id: 'etcd/inconsistent-membership',
  level: 'error',
  title: 'etcd members disagree on the cluster membership',
  description: 'Members that disagree on --initial-cluster or its token fail to bootstrap, form separate clusters, or reject each other as peers.',
  fix: 'fix',
  tags: ['etcd', 'availability'],
  check(cluster, context, report) {
    context.each(etcdClusters(cluster), (members) => checkCluster(members, report), (members) => members[0]?.component.definedAt);
  },
});
