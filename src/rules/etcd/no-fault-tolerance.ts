import { defineRule } from '../rule.js';
import { etcdClusters, memberNames } from '../lib/etcd.js';
import { addMemberSteps, reportCluster, sizeSentence } from './even-members.js';

export default defineRule({
  id: 'etcd/no-fault-tolerance',
  level: 'warning',
  title: 'etcd cluster has a single member',
  description: 'A one-member etcd cluster stops the whole control plane when that member or its host fails, and loses data with its disk.',
  fix: 'plan',
  tags: ['etcd', 'availability'],
  check(cluster, context, report) {
    context.each(etcdClusters(cluster), (members) => {
      const names = memberNames(members);
      if (names.length !== 1) return;
      reportCluster(members, `etcd cluster of ${sizeSentence(1)} (${names[0]}): losing it stops the control plane`, `single:${names[0]}`, report, { kind: 'plan', steps: [...addMemberSteps(members), { title: 'Repeat for a third member', commands: ['# a cluster of 3 tolerates one failure'] }] });
    }, (members) => members[0]?.component.definedAt);
  },
});
