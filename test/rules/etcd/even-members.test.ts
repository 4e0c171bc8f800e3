import { ruleTester } from '../../support/rule-tester.js';
import { UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdPods, etcdUnits, members } from '../../support/etcd-hosts.js';

const FIRST = UNIT_FIRST_FLAG_LINE;

ruleTester('etcd/even-members', {
  valid: [
    { name: 'three members (units)', build: ({ tree }) => etcdUnits(tree, members(3)) },
    { name: 'five members (static pods)', build: ({ tree }) => etcdPods(tree, members(5)) },
    { name: 'one member is etcd/no-fault-tolerance, not even', build: ({ tree }) => etcdUnits(tree, members(1)) },
  ],
  invalid: [
    {
      name: 'four members',
      build: ({ tree }) => etcdUnits(tree, members(4)),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${FIRST}`],
      messages: ['etcd cluster of 4 members: majority 3, tolerates 1 failure, no more than 3 members would (etcd-1, etcd-2, etcd-3, etcd-4)'],
      related: [2, 3, 4].map((i) => `etcd-${i} etcd-${i}/etc/systemd/system/etcd.service:${FIRST}`),
    },
    {
      name: 'two members, one of them known only from the other\'s --initial-cluster',
      build: ({ tree }) => etcdUnits(tree, members(2).slice(0, 1).map((m) => ({ ...m, initialCluster: members(2) }))),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${FIRST}`],
      messages: ['2 members: majority 2, tolerates 0 failures, no more than 1 member would'],
    },
  ],
});
