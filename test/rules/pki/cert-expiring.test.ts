import { ruleTester } from '../../support/rule-tester.js';
import { writePair } from '../../support/hosts.js';

ruleTester('pki/cert-expiring', {
  valid: [
    {
      name: 'a certificate valid for 45 more days, with the default 30-day window',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { validForDays: 45 }));
      },
    },
    {
      name: 'an expired certificate is pki/cert-expired, not expiring',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { validFromDays: -100, validForDays: -3 }));
      },
    },
  ],
  invalid: [
    {
      name: 'a certificate that expires in 10 days',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/kubernetes/pki/front-proxy-ca', ca);
        writePair(tree, 'node', '/etc/kubernetes/pki/front-proxy-client', await pki.leaf(ca, 'front-proxy-client', { validForDays: 10.5 }));
      },
      findings: ['node node/etc/kubernetes/pki/front-proxy-client.crt:1'],
      messages: [/expires on \d{4}-\d\d-\d\d, in 10 days \(window: 30 days\)/],
    },
    {
      name: 'a certificate valid for 45 more days, with a 60-day window',
      expiryWindowDays: 60,
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca', { spec: { algorithm: 'ed25519' } });
        writePair(tree, 'node', '/var/lib/kubelet/pki/ca', ca);
        writePair(tree, 'node', '/var/lib/kubelet/pki/kubelet', await pki.leaf(ca, 'node-1', { validForDays: 45.5, spec: { algorithm: 'ed25519' } }));
      },
      findings: ['node node/var/lib/kubelet/pki/kubelet.crt:1'],
    },
  ],
});
