import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE, writePair } from '../../support/hosts.js';

ruleTester('pki/missing-file', {
  valid: [
    {
      name: 'every file a static pod names exists and is mounted',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/ca', ca);
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/server', await pki.leaf(ca, 'cp'));
        staticPod(tree, 'cp', 'etcd', ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--key-file=/etc/kubernetes/pki/etcd/server.key', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt']);
      },
    },
    {
      name: 'a file that exists on the host but no hostPath volume mounts into the pod: pod/unmounted-file reports it (and writes the mount)',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'cp', '/etc/etcd/pki/ca', ca);
        staticPod(tree, 'cp', 'etcd', ['--trusted-ca-file=/etc/etcd/pki/ca.crt'], { mounts: ['/etc/kubernetes/pki/etcd'] });
      },
    },
    {
      name: 'a kubelet bootstrap kubeconfig that kubeadm removed after the join',
      build: async ({ tree }) => {
        unit(tree, 'w', 'kubelet', ['--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf']);
      },
    },
  ],
  invalid: [
    {
      name: 'a CA file named by a static pod flag is missing',
      build: async ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']);
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['kube-apiserver --client-ca-file names /etc/kubernetes/pki/ca.crt, which does not exist on cp'],
    },
    {
      name: 'a CA file that is missing and outside every mount: restoring it comes first',
      build: async ({ tree }) => {
        staticPod(tree, 'cp', 'etcd', ['--trusted-ca-file=/etc/etcd/pki/ca.crt'], { mounts: ['/etc/kubernetes/pki/etcd'] });
      },
      findings: [`cp cp/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['which does not exist on cp, and no hostPath volume mounts it into the static pod'],
    },
    {
      name: 'a key file named by a systemd unit is missing',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('ca');
        tree.write('c0', '/etc/etcd/kubernetes.pem', (await pki.leaf(ca, 'kubernetes')).certPem);
        unit(tree, 'c0', 'etcd', ['--cert-file=/etc/etcd/kubernetes.pem', '--key-file=/etc/etcd/kubernetes-key.pem']);
      },
      findings: [`c0 c0/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + 1}`],
    },
    {
      name: 'a kubeconfig names a client certificate file that is missing',
      build: async ({ tree }) => {
        tree.write('w', '/etc/kubernetes/kubelet.conf', [
          'apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: default-auth', '  user:',
          '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
          '    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem', '',
        ].join('\n'));
      },
      findings: ['w w/etc/kubernetes/kubelet.conf:7', 'w w/etc/kubernetes/kubelet.conf:8'],
      messages: ['kubeconfig field client-certificate names /var/lib/kubelet/pki/kubelet-client-current.pem', 'client-key'],
    },
  ],
});
