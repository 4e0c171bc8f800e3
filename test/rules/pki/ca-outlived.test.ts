import { ruleTester } from '../../support/rule-tester.js';
import { writePair } from '../../support/hosts.js';

ruleTester('pki/ca-outlived', {
  valid: [
    {
      name: 'a certificate that ends before its CA',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('front-proxy-ca', { validForDays: 3650 });
        writePair(tree, 'node', '/etc/kubernetes/pki/front-proxy-ca', ca);
        writePair(tree, 'node', '/etc/kubernetes/pki/front-proxy-client', await pki.leaf(ca, 'front-proxy-client', { validForDays: 365 }));
      },
    },
    {
      name: 'a certificate whose CA is not in the tree cannot be judged',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('elsewhere', { validForDays: 10 });
        writePair(tree, 'node', '/etc/kubernetes/pki/client', await pki.leaf(ca, 'client', { validForDays: 365 }));
      },
    },
  ],
  invalid: [
    {
      name: 'a 20-year certificate under a 10-year CA, the CA on another host',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('front-proxy-ca', { validForDays: 3650 });
        writePair(tree, 'cp-1', '/etc/kubernetes/pki/front-proxy-ca', ca);
        writePair(tree, 'cp-2', '/etc/kubernetes/pki/front-proxy-client', await pki.leaf(ca, 'front-proxy-client', { validForDays: 7300 }));
      },
      findings: ['cp-2 cp-2/etc/kubernetes/pki/front-proxy-client.crt:1'],
      related: ['cp-1 cp-1/etc/kubernetes/pki/front-proxy-ca.crt:1'],
      messages: [/after its CA "front-proxy-ca" expires/],
    },
  ],
});
