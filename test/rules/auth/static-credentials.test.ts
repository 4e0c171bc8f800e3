import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

ruleTester('auth/static-credentials', {
  valid: [{ name: 'client certificates only', build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']) }],
  invalid: [
    {
      name: 'a token file in a static pod',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--token-auth-file=/etc/kubernetes/tokens.csv']),
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['kube-apiserver on cp authenticates users from a static file: --token-auth-file=/etc/kubernetes/tokens.csv'],
    },
    {
      name: 'a password file in a unit',
      build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--v=2', '--basic-auth-file=/srv/kubernetes/basic_auth.csv']),
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE + 1}`],
    },
  ],
});
