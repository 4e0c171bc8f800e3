import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

ruleTester('auth/insecure-authorization', {
  valid: [
    { name: 'Node,RBAC', build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--authorization-mode=Node,RBAC']) },
    { name: 'a kubelet config file with Webhook (its default)', build: ({ tree }) => { tree.write('w', '/var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\n'); unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']); } },
    {
      name: "a standalone kubelet that authenticates nobody (kubeadm's etcd hosts, anonymous auth off, no client CA, no webhook)",
      build: ({ tree }) => void unit(tree, 'etcd-1', 'kubelet', ['--address=127.0.0.1', '--pod-manifest-path=/etc/kubernetes/manifests', '--anonymous-auth=false']),
    },
    { name: 'an old apiserver with --insecure-port=0', build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--authorization-mode=Node,RBAC', '--insecure-port=0'], { image: 'k8s.gcr.io/kube-apiserver:v1.18.20' }) },
  ],
  invalid: [
    {
      name: 'AlwaysAllow, and a mode without RBAC',
      build: ({ tree }) => {
        staticPod(tree, 'cp-1', 'kube-apiserver', ['--authorization-mode=AlwaysAllow']);
        unit(tree, 'cp-2', 'kube-apiserver', ['--authorization-mode=Node,Webhook']);
      },
      findings: [`cp-1 cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`, `cp-2 cp-2/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`],
      messages: ['--authorization-mode=AlwaysAllow allows every request', '--authorization-mode=Node,Webhook has no RBAC'],
    },
    {
      name: 'no mode at all (default AlwaysAllow), and a 1.18 apiserver without --insecure-port (default 8080)',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--v=2'], { image: 'k8s.gcr.io/kube-apiserver:v1.18.20' }),
      findings: ['cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:10', 'cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:10'],
      messages: ['--authorization-mode is not set (default: AlwaysAllow)', '--port is not set (default: 8080) serves the API without authentication'],
    },
    {
      name: 'a kubelet on the flag default, and one with AlwaysAllow in its config file',
      build: ({ tree }) => {
        unit(tree, 'w1', 'kubelet', ['--kubeconfig=/var/lib/kubelet/kubeconfig']);
        tree.write('w2', '/var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nauthorization:\n  mode: AlwaysAllow\n');
        unit(tree, 'w2', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf']);
      },
      findings: [`w1 w1/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE - 1}`, 'w2 w2/var/lib/kubelet/config.yaml:4'],
    },
    {
      name: "the guide's etcd-host kubelet (no kubeconfig, anonymous on): closed by refusing anonymous requests, since Webhook could not start",
      build: ({ tree }) => void unit(tree, 'etcd-1', 'kubelet', ['--address=127.0.0.1', '--pod-manifest-path=/etc/kubernetes/manifests']),
      findings: [`etcd-1 etcd-1/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE - 1}`],
      messages: ['it has no kubeconfig for Webhook: set --anonymous-auth=false'],
    },
  ],
});
