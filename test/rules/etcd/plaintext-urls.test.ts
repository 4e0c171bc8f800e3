import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';

ruleTester('etcd/plaintext-urls', {
  valid: [
    { name: 'https everywhere', build: ({ tree }) => etcdUnits(tree, members(3)) },
    {
      name: 'an apiserver that talks https to etcd, and the metrics URL in http',
      build: ({ tree }) => {
        etcdUnits(tree, members(1).map((m) => ({ ...m, extra: ['--listen-metrics-urls=http://127.0.0.1:2381'] })));
        staticPod(tree, 'cp', 'kube-apiserver', ['--etcd-servers=https://10.0.0.31:2379']);
      },
    },
  ],
  invalid: [
    {
      name: 'http URLs in a unit (the newest hard way single controller)',
      build: ({ tree }) => etcdUnits(tree, members(1).map((m) => ({ ...m, scheme: 'http' as const }))),
      findings: [2, 3, 4, 5].map((i) => `etcd-1 etcd-1/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + i}`),
      messages: ['etcd on etcd-1: --initial-advertise-peer-urls=http://10.0.0.31:2380 serves plaintext http://10.0.0.31:2380'],
      planOnly: 'etcd has no certificates to serve https with: issuing them is a plan',
    },
    {
      name: 'URLs left to their defaults, in an env file, and an apiserver on http',
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd.env', 'ETCD_NAME=e1\nETCD_LISTEN_CLIENT_URLS=https://10.0.0.31:2379\n');
        staticPod(tree, 'cp', 'kube-apiserver', ['--etcd-servers=http://10.0.0.31:2379']);
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`, 'e1 e1/etc/etcd.env:1', 'e1 e1/etc/etcd.env:1', 'e1 e1/etc/etcd.env:1'],
      messages: ['kube-apiserver on cp talks to etcd in plaintext: --etcd-servers http://10.0.0.31:2379', '--advertise-client-urls is not set (default: http://localhost:2379)'],
      planOnly: 'etcd has no certificates to serve https with: issuing them is a plan',
    },
  ],
});
