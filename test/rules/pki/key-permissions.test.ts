import fs from 'node:fs';
import { ruleTester } from '../../support/rule-tester.js';
import { generateKeyPair, privateKeyPem } from '../../../src/pki/issue.js';
import { kubeconfigText } from '../../support/hosts.js';

ruleTester('pki/key-permissions', {
  valid: [
    {
      name: 'keys of mode 0600 and certificates of mode 0644',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        tree.write('node', '/etc/kubernetes/pki/ca.crt', ca.certPem, 0o644);
        tree.write('node', '/etc/kubernetes/pki/ca.key', ca.keyPem, 0o600);
      },
    },
    {
      name: 'a snapshot manifest that does not list the key: its mode is not known',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        tree.write('node', '/etc/kubernetes/pki/ca.crt', ca.certPem, 0o644);
        const real = tree.write('node', '/etc/kubernetes/pki/ca.key', ca.keyPem);
        fs.chmodSync(real, 0o644);
      },
    },
    {
      name: 'a kubeconfig with client-key-data, mode 0600',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', await pki.leaf(ca, 'kubernetes-admin', { usages: ['clientAuth'] })), 0o600);
      },
    },
    {
      name: 'a world-readable kubeconfig without a key (a token-less CA-only file)',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        tree.write('cp', '/etc/kubernetes/public.conf', `apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}\n    server: https://10.0.0.1:6443\nusers: []\n`, 0o644);
      },
    },
  ],
  invalid: [
    {
      name: 'a world-readable key recorded in the snapshot manifest',
      build: async ({ tree }) => {
        tree.write('node', '/etc/kubernetes/pki/apiserver-etcd-client.key', privateKeyPem(await generateKeyPair({ algorithm: 'ec', curve: 'P-256' })), 0o644);
      },
      findings: ['node node/etc/kubernetes/pki/apiserver-etcd-client.key:1'],
      messages: ['mode 0644: readable by group and others (want 0600)'],
    },
    {
      name: 'a group-readable key on a file system that keeps modes (no snapshot manifest)',
      build: async ({ tree }) => {
        const real = tree.write('node', '/etc/etcd/kubernetes-key.pem', privateKeyPem(await generateKeyPair({ algorithm: 'rsa', bits: 2048 }), 'pkcs8'));
        fs.chmodSync(real, 0o640);
      },
      findings: ['node node/etc/etcd/kubernetes-key.pem:1'],
      messages: ['mode 0640: readable by group'],
    },
    {
      name: "a kubeconfig's embedded client-key-data is a private key in that file: its mode counts (k3s.yaml with write-kubeconfig-mode 0644)",
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        tree.write('cp', '/etc/rancher/k3s/k3s.yaml', kubeconfigText('https://127.0.0.1:6443', ca, 'default', await pki.leaf(ca, 'system:admin', { usages: ['clientAuth'] })), 0o644);
      },
      findings: ['cp cp/etc/rancher/k3s/k3s.yaml:18'],
      messages: ['kubeconfig /etc/rancher/k3s/k3s.yaml holds a private key (client-key-data) and has mode 0644: readable by group and others (want 0600)'],
    },
  ],
});
