import { ruleTester } from '../../support/rule-tester.js';
import { staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

ruleTester('auth/no-user-authn', {
  valid: [
    { name: 'a client CA', build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']) },
    { name: 'OIDC', build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--oidc-issuer-url=https://login.example.com']) },
  ],
  invalid: [
    {
      name: 'service-account tokens only',
      build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--service-account-key-file=/var/lib/kubernetes/sa.pub']),
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE - 1}`],
      messages: ['kube-apiserver on c0 has no user authenticator'],
    },
  ],
});
