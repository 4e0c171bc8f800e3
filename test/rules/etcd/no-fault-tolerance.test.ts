import { ruleTester } from '../../support/rule-tester.js';
import { UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';

ruleTester('etcd/no-fault-tolerance', {
  valid: [{ name: 'three members', build: ({ tree }) => etcdUnits(tree, members(3)) }],
  invalid: [
    {
      name: 'a single member',
      build: ({ tree }) => etcdUnits(tree, members(1)),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE}`],
      messages: ['etcd cluster of 1 member: majority 1, tolerates 0 failures (etcd-1)'],
    },
    {
      name: 'a single member in kubespray\'s env file, without --initial-cluster',
      build: ({ tree }) => {
        tree.write('etcd1', '/etc/etcd.env', 'ETCD_NAME=etcd1\nETCD_INITIAL_ADVERTISE_PEER_URLS=https://10.0.0.31:2380\n');
      },
      findings: ['etcd1 etcd1/etc/etcd.env:1'],
    },
  ],
});
