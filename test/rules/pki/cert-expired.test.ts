import { ruleTester, type CaseContext } from '../../support/rule-tester.js';
import { kubeconfigText, writePair } from '../../support/hosts.js';
import type { KeySpec } from '../../../src/pki/issue.js';

const SPECS: Array<[string, KeySpec]> = [
  ['RSA 2048', { algorithm: 'rsa', bits: 2048 }],
  ['ECDSA P-256', { algorithm: 'ec', curve: 'P-256' }],
  ['ECDSA P-384', { algorithm: 'ec', curve: 'P-384' }],
  ['Ed25519', { algorithm: 'ed25519' }],
];

ruleTester('pki/cert-expired', {
  valid: [
    ...SPECS.map(([name, spec]) => ({
      name: `a valid ${name} certificate`,
      build: async ({ tree, pki }: CaseContext) => {
        const ca = await pki.ca('ca', { spec });
        writePair(tree, 'node', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { spec }));
      },
    })),
    {
      name: 'a certificate expired today is valid at an earlier --now',
      now: new Date(Date.now() - 30 * 86_400_000),
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/kubernetes/pki/x', await pki.leaf(ca, 'x', { validFromDays: -60, validForDays: -1 }));
      },
    },
  ],
  invalid: [
    ...SPECS.map(([name, spec]) => ({
      name: `an expired ${name} certificate`,
      build: async ({ tree, pki }: CaseContext) => {
        const ca = await pki.ca('ca', { spec });
        writePair(tree, 'node', '/etc/kubernetes/pki/ca', ca); // its key lets kaudit fix re-issue
        writePair(tree, 'node', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { spec, validFromDays: -400, validForDays: -10 }));
      },
      findings: ['node node/etc/kubernetes/pki/apiserver.crt:1'],
      messages: [/certificate "kube-apiserver" expired on \d{4}-\d\d-\d\d \(10 days ago\)/],
    })),
    {
      name: 'a certificate not yet valid',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/etcd/ca', ca);
        writePair(tree, 'node', '/etc/etcd/kubernetes', await pki.leaf(ca, 'kubernetes', { validFromDays: 5, validForDays: 365 }));
      },
      findings: ['node node/etc/etcd/kubernetes.crt:1'],
      messages: [/is not valid before/],
    },
    {
      name: 'the second certificate of a bundle, at its own line',
      build: async ({ tree, pki, vars }) => {
        const root = await pki.ca('root');
        const old = await pki.ca('old-root', { validFromDays: -4000, validForDays: -2 });
        tree.write('node', '/etc/kubernetes/pki/ca-bundle.crt', root.certPem + old.certPem);
        vars.second = root.certPem.split('\n').length;
      },
      findings: ['node node/etc/kubernetes/pki/ca-bundle.crt:{second}'],
      planOnly: 'an expired CA is never re-signed: its rotation is a plan',
    },
    {
      name: 'an expired client certificate embedded in a kubeconfig, at its field',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'node', '/etc/kubernetes/pki/ca', ca);
        const admin = await pki.leaf(ca, 'kubernetes-admin', { validFromDays: -400, validForDays: -1 });
        tree.write('node', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', admin));
      },
      findings: ['node node/etc/kubernetes/admin.conf:17'],
      messages: [/"kubernetes-admin" expired/],
    },
  ],
});
