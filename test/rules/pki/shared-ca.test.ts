import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

ruleTester('pki/shared-ca', {
  valid: [
    {
      name: 'kubeadm: etcd has a CA of its own',
      build: async ({ tree, pki }) => {
        tree.write('cp', '/etc/kubernetes/pki/ca.crt', (await pki.ca('kubernetes')).certPem);
        tree.write('cp', '/etc/kubernetes/pki/etcd/ca.crt', (await pki.ca('etcd-ca')).certPem);
        staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']);
        staticPod(tree, 'cp', 'etcd', ['--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt', '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt']);
      },
    },
  ],
  invalid: [
    {
      name: 'the hard way: etcd and the apiserver trust copies of one CA',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('Kubernetes');
        tree.write('controller-0', '/etc/etcd/ca.pem', ca.certPem);
        tree.write('controller-0', '/var/lib/kubernetes/ca.pem', ca.certPem);
        unit(tree, 'controller-0', 'etcd', ['--trusted-ca-file=/etc/etcd/ca.pem', '--peer-trusted-ca-file=/etc/etcd/ca.pem', '--client-cert-auth']);
        unit(tree, 'controller-0', 'kube-apiserver', ['--client-ca-file=/var/lib/kubernetes/ca.pem']);
      },
      findings: [`controller-0 controller-0/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE}`],
      related: [
        `controller-0 controller-0/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + 1}`,
        `controller-0 controller-0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`,
      ],
      messages: ['(--trusted-ca-file, --peer-trusted-ca-file) trusts CA "Kubernetes"'],
    },
    {
      name: 'an external etcd host trusts the CA of the control plane',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        tree.write('cp', '/etc/kubernetes/pki/ca.crt', ca.certPem);
        tree.write('etcd-1', '/etc/ssl/etcd/ssl/ca.pem', ca.certPem);
        staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']);
        tree.write('etcd-1', '/etc/etcd.env', 'ETCD_NAME=etcd-1\nETCD_TRUSTED_CA_FILE=/etc/ssl/etcd/ssl/ca.pem\n');
      },
      findings: ['etcd-1 etcd-1/etc/etcd.env:2'],
      related: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
    },
  ],
});
