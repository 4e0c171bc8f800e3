import { ruleTester } from '../../support/rule-tester.js';
import { UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';
import { DEFAULT_SPEC, etcdManifest } from '../../support/kubeadm.js';

const LIST = UNIT_FIRST_FLAG_LINE; // --initial-cluster is each unit's first flag
const TOKEN = UNIT_FIRST_FLAG_LINE + 6;
const unitFile = (host: string) => `${host} ${host}/etc/systemd/system/etcd.service`;

ruleTester('etcd/inconsistent-membership', {
  valid: [
    { name: 'three members that bootstrapped together', build: ({ tree }) => etcdUnits(tree, members(3)) },
    {
      name: "kubeadm's join flow: later members list the cluster as it was when they joined",
      build: ({ tree }) => {
        const nodes = DEFAULT_SPEC.controlPlanes;
        nodes.forEach((node, i) => tree.write(node.name, '/etc/kubernetes/manifests/etcd.yaml', etcdManifest(DEFAULT_SPEC, node, nodes.slice(0, i + 1), i === 0 ? 'new' : 'existing')));
      },
    },
  ],
  invalid: [
    {
      name: 'a founding member with a different list',
      build: ({ tree }) => {
        const all = members(3);
        etcdUnits(tree, all.map((m) => (m.name === 'etcd-3' ? { ...m, initialCluster: [all[0], all[2]] } : m)));
      },
      findings: [`${unitFile('etcd-3')}:${LIST}`],
      messages: ['etcd member etcd-3 on etcd-3 bootstraps (--initial-cluster-state=new) with --initial-cluster etcd-1=https://10.0.0.31:2380,etcd-3=https://10.0.0.33:2380'],
      related: [`${unitFile('etcd-1')}:${LIST}`],
    },
    {
      name: 'a founding member with a different token',
      build: ({ tree }) => etcdUnits(tree, members(3).map((m) => (m.name === 'etcd-2' ? { ...m, token: 'another-cluster-token-1234' } : m))),
      findings: [`${unitFile('etcd-2')}:${TOKEN}`],
    },
    {
      name: 'a member missing from its own list, and one listed at another URL than it advertises',
      build: ({ tree }) => {
        const all = members(3);
        const moved = { ...all[1], ip: '10.0.0.99' };
        etcdUnits(tree, [{ ...all[0], initialCluster: all }, { ...moved, initialCluster: all }, { ...all[2], initialCluster: [all[0], all[1]], state: 'existing' }]);
      },
      findings: [`${unitFile('etcd-1')}:${LIST}`, `${unitFile('etcd-2')}:${LIST}`, `${unitFile('etcd-3')}:${LIST}`, `${unitFile('etcd-3')}:${LIST}`],
      messages: [
        'etcd member etcd-1 on etcd-1 lists etcd-2 at https://10.0.0.32:2380, but etcd-2 advertises https://10.0.0.99:2380',
        'etcd member etcd-2 on etcd-2 lists itself at https://10.0.0.32:2380 in --initial-cluster but advertises https://10.0.0.99:2380',
        'etcd member etcd-3 on etcd-3 is missing from its own --initial-cluster',
        'etcd member etcd-3 on etcd-3 lists etcd-2 at https://10.0.0.32:2380',
      ],
    },
    {
      name: 'a new member no one else lists would form a second cluster',
      build: ({ tree }) => {
        const all = members(4);
        etcdUnits(tree, [...all.slice(0, 3).map((m) => ({ ...m, initialCluster: all.slice(0, 3) })), { ...all[3], initialCluster: all }]);
      },
      findings: [`${unitFile('etcd-4')}:${LIST}`],
      messages: ['etcd member etcd-4 on etcd-4 is in no other member\'s --initial-cluster and starts with --initial-cluster-state=new: it would form a second cluster'],
      planOnly: 'joining it to the cluster is etcdctl member add: a plan',
    },
  ],
});
