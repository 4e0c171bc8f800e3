import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

ruleTester('apiserver/master-count-reconciler', {
  valid: [
    { name: 'the default lease reconciler with three apiservers', build: ({ tree }) => ['cp-1', 'cp-2', 'cp-3'].forEach((h) => staticPod(tree, h, 'kube-apiserver', ['--apiserver-count=3'])) },
    { name: 'master-count with one apiserver', build: ({ tree }) => staticPod(tree, 'cp-1', 'kube-apiserver', ['--endpoint-reconciler-type=master-count']) },
  ],
  invalid: [
    {
      name: 'master-count with two apiservers (static pods)',
      build: ({ tree }) => ['cp-1', 'cp-2'].forEach((h) => staticPod(tree, h, 'kube-apiserver', ['--endpoint-reconciler-type=master-count'])),
      findings: [`cp-1 cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`, `cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['kube-apiserver on cp-1: --endpoint-reconciler-type=master-count with 2 apiservers; use --endpoint-reconciler-type=lease'],
    },
    {
      name: 'none, with --apiserver-count=3 in a unit',
      build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--apiserver-count=3', '--endpoint-reconciler-type=none']),
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE + 1}`],
    },
  ],
});
