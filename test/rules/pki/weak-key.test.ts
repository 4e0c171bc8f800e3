import { ruleTester } from '../../support/rule-tester.js';
import { writePair } from '../../support/hosts.js';
import { generateKeyPair, privateKeyPem } from '../../../src/pki/issue.js';

ruleTester('pki/weak-key', {
  valid: [
    {
      name: 'RSA 2048, ECDSA P-256 and P-384, Ed25519 with SHA-256 signatures',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca', { spec: { algorithm: 'rsa', bits: 2048 } });
        writePair(tree, 'node', '/etc/kubernetes/pki/a', await pki.leaf(ca, 'a', { spec: { algorithm: 'ec', curve: 'P-256' } }));
        writePair(tree, 'node', '/etc/kubernetes/pki/b', await pki.leaf(ca, 'b', { spec: { algorithm: 'ec', curve: 'P-384' } }));
        writePair(tree, 'node', '/etc/kubernetes/pki/c', await pki.leaf(ca, 'c', { spec: { algorithm: 'ed25519' } }));
      },
    },
  ],
  invalid: [
    {
      name: 'an RSA 1024 certificate',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        writePair(tree, 'node', '/etc/kubernetes/pki/ca', ca);
        writePair(tree, 'node', '/etc/kubernetes/pki/apiserver-kubelet-client', await pki.leaf(ca, 'kube-apiserver-kubelet-client', { spec: { algorithm: 'rsa', bits: 1024 } }));
      },
      findings: ['node node/etc/kubernetes/pki/apiserver-kubelet-client.crt:1'],
      messages: [/an RSA key of 1024 bits \(under 2048\)/],
    },
    {
      name: 'a SHA-1 signature',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca', { spec: { algorithm: 'rsa', bits: 2048 } });
        writePair(tree, 'node', '/etc/etcd/ca', ca);
        writePair(tree, 'node', '/etc/etcd/kubernetes', await pki.leaf(ca, 'kubernetes', { signatureHash: 'SHA-1' }));
      },
      findings: ['node node/etc/etcd/kubernetes.crt:1'],
      messages: [/a sha1WithRSAEncryption signature/],
    },
    {
      name: 'a 1024-bit service-account key with no certificate',
      build: async ({ tree }) => {
        tree.write('node', '/etc/kubernetes/pki/sa.key', privateKeyPem(await generateKeyPair({ algorithm: 'rsa', bits: 1024 })), 0o600);
      },
      findings: ['node node/etc/kubernetes/pki/sa.key:1'],
      messages: [/private key is an RSA key of 1024 bits/],
      planOnly: 'a new service-account key must be rolled out with its public half: a plan',
    },
  ],
});
