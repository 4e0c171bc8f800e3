import { ruleTester } from '../../support/rule-tester.js';
import { UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';

ruleTester('etcd/weak-cluster-token', {
  valid: [{ name: 'a long random token', build: ({ tree }) => etcdUnits(tree, members(3)) }],
  invalid: [
    {
      name: "the hard way's etcd-cluster-0 (14 characters), one finding for the cluster",
      build: ({ tree }) => etcdUnits(tree, members(3).map((m) => ({ ...m, token: 'etcd-cluster-0' }))),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + 6}`],
      messages: ['is 14 characters (under 16)'],
      related: [2, 3].map((i) => `etcd-${i} etcd-${i}/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + 6}`),
    },
    {
      name: 'no token (the default etcd-cluster)',
      build: ({ tree }) => etcdUnits(tree, members(1).map((m) => ({ ...m, token: null }))),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE - 1}`],
      messages: ['is not set (default: etcd-cluster)'],
    },
  ],
});
