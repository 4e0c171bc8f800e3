import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';

ruleTester('etcd/single-endpoint', {
  valid: [
    { name: 'every member listed', build: ({ tree }) => { etcdUnits(tree, members(3)); staticPod(tree, 'cp', 'kube-apiserver', ['--etcd-servers=https://10.0.0.31:2379,https://10.0.0.32:2379,https://10.0.0.33:2379']); } },
    { name: "stacked etcd on the apiserver's own host (127.0.0.1)", build: ({ tree }) => { etcdUnits(tree, members(3)); staticPod(tree, 'etcd-1', 'kube-apiserver', ['--etcd-servers=https://127.0.0.1:2379']); } },
    { name: 'the member on its own host, by address', build: ({ tree }) => { etcdUnits(tree, members(3)); staticPod(tree, 'etcd-2', 'kube-apiserver', ['--etcd-servers=https://10.0.0.32:2379']); } },
    { name: 'a load balancer no member advertises', build: ({ tree }) => { etcdUnits(tree, members(3)); staticPod(tree, 'cp', 'kube-apiserver', ['--etcd-servers=https://etcd.example.internal:2379']); } },
  ],
  invalid: [
    {
      name: 'one remote member of three',
      build: ({ tree }) => { etcdUnits(tree, members(3)); staticPod(tree, 'cp', 'kube-apiserver', ['--etcd-servers=https://10.0.0.32:2379']); },
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['kube-apiserver on cp uses one etcd endpoint, https://10.0.0.32:2379 (member etcd-2 on etcd-2), of a 3-member cluster'],
    },
  ],
});
