import { ruleTester } from '../../support/rule-tester.js';
import { staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { kubeletConfig } from '../../support/kubeadm.js';

ruleTester('bootstrap/tls-bootstrap', {
  valid: [
    {
      name: "kubeadm's kubelet: bootstrap kubeconfig, token auth on the apiserver, rotation in the config file",
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', ['--enable-bootstrap-token-auth=true']);
        tree.write('w', '/var/lib/kubelet/config.yaml', kubeletConfig());
        unit(tree, 'w', 'kubelet', ['--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--config=/var/lib/kubelet/config.yaml']);
      },
    },
    { name: 'rotation by flag', build: ({ tree }) => unit(tree, 'w', 'kubelet', ['--rotate-certificates=true', '--kubeconfig=/etc/kubernetes/kubelet.conf']) },
    {
      name: "a standalone kubelet (kubeadm's etcd hosts: no kubeconfig, it only runs static pods) has no client certificate to rotate",
      build: ({ tree }) => unit(tree, 'etcd-1', 'kubelet', ['--address=127.0.0.1', '--pod-manifest-path=/etc/kubernetes/manifests', '--anonymous-auth=false']),
    },
  ],
  invalid: [
    {
      name: 'bootstrap kubeconfig but no apiserver with bootstrap-token auth',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']);
        unit(tree, 'w', 'kubelet', ['--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--rotate-certificates']);
      },
      findings: [`w w/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE}`],
      messages: ['kubelet on w bootstraps with --bootstrap-kubeconfig, but no apiserver has --enable-bootstrap-token-auth=true'],
    },
    {
      name: "the hard way's kubelet: static certificates, no rotation",
      build: ({ tree }) => {
        tree.write('w', '/var/lib/kubelet/kubelet-config.yaml', 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\n');
        unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/kubelet-config.yaml', '--kubeconfig=/var/lib/kubelet/kubeconfig']);
      },
      findings: [`w w/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE - 1}`],
      messages: ['kubelet on w: --rotate-certificates is not set (default: false)'],
    },
    {
      name: 'rotateCertificates: false in the config file',
      build: ({ tree }) => {
        tree.write('w', '/var/lib/kubelet/config.yaml', kubeletConfig().replace('rotateCertificates: true', 'rotateCertificates: false'));
        unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf']);
      },
      findings: ['w w/var/lib/kubelet/config.yaml:17'],
    },
  ],
});
