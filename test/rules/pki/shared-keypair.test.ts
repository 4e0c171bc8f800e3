import { ruleTester } from '../../support/rule-tester.js';
import { kubeconfigText, staticPod, unit, writePair } from '../../support/hosts.js';
import { generateKeyPair } from '../../../src/pki/issue.js';

ruleTester('pki/shared-keypair', {
  valid: [
    {
      name: 'one certificate copied to two files of one host',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const cert = await pki.leaf(ca, 'kube-apiserver');
        writePair(tree, 'cp', '/etc/kubernetes/pki/apiserver', cert);
        writePair(tree, 'cp', '/root/backup/apiserver', cert);
      },
    },
    {
      name: 'a renewed certificate that kept its key (kubeadm certs renew), old copy in a backup',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const old = await pki.leaf(ca, 'kube-apiserver', { validFromDays: -400, validForDays: -20 });
        writePair(tree, 'cp', '/etc/kubernetes/tmp/apiserver.old', old);
        writePair(tree, 'cp', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { key: old.key }));
      },
    },
    {
      name: 'the same CA certificate on every host',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        for (const host of ['cp-1', 'w-1', 'w-2']) tree.write(host, '/etc/kubernetes/pki/ca.crt', ca.certPem);
      },
    },
  ],
  invalid: [
    {
      name: 'kube-proxy and kube-scheduler client certificates with one key',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'c0', '/var/lib/kubernetes/ca', ca);
        const key = await generateKeyPair({ algorithm: 'rsa', bits: 2048 });
        const proxy = await pki.leaf(ca, 'system:kube-proxy', { key });
        const scheduler = await pki.leaf(ca, 'system:kube-scheduler', { key });
        tree.write('c0', '/var/lib/kube-proxy/kubeconfig', kubeconfigText('https://10.0.0.1:6443', ca, 'kube-proxy', proxy));
        tree.write('c0', '/var/lib/kubernetes/kube-scheduler.kubeconfig', kubeconfigText('https://127.0.0.1:6443', ca, 'kube-scheduler', scheduler));
      },
      findings: ['c0 c0/var/lib/kube-proxy/kubeconfig:17'],
      related: ['c0 c0/var/lib/kubernetes/kube-scheduler.kubeconfig:17'],
      messages: ['shared by subjects "CN=system:kube-proxy", "CN=system:kube-scheduler"'],
    },
    {
      name: 'two kubelets on two hosts with one certificate (a cloned image)',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'controller', '/var/lib/kubernetes/ca', ca);
        const kubelet = await pki.leaf(ca, 'system:node:worker', { organizations: ['system:nodes'] });
        for (const host of ['worker-0', 'worker-1']) {
          writePair(tree, host, '/var/lib/kubelet/kubelet', kubelet);
          unit(tree, host, 'kubelet', ['--tls-cert-file=/var/lib/kubelet/kubelet.crt', '--tls-private-key-file=/var/lib/kubelet/kubelet.key']);
        }
      },
      findings: ['worker-0 worker-0/var/lib/kubelet/kubelet.crt:1'],
      related: ['worker-1 worker-1/var/lib/kubelet/kubelet.crt:1'],
      messages: ['kubelets of worker-0, worker-1'],
    },
    {
      name: 'the apiserver serving certificate also serves etcd (the hard way\'s kubernetes.pem)',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('Kubernetes');
        writePair(tree, 'controller-0', '/var/lib/kubernetes/ca', ca);
        const cert = await pki.leaf(ca, 'kubernetes');
        writePair(tree, 'controller-0', '/var/lib/kubernetes/kubernetes', cert);
        writePair(tree, 'controller-0', '/etc/etcd/kubernetes', cert);
        unit(tree, 'controller-0', 'kube-apiserver', ['--tls-cert-file=/var/lib/kubernetes/kubernetes.crt']);
        unit(tree, 'controller-0', 'etcd', ['--cert-file=/etc/etcd/kubernetes.crt']);
      },
      findings: ['controller-0 controller-0/etc/etcd/kubernetes.crt:1'],
      messages: ['components etcd, kube-apiserver'],
    },
  ],
});
