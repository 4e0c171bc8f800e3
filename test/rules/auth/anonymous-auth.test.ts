import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { kubeletConfig } from '../../support/kubeadm.js';

const HEALTH_ONLY = `apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
  conditions:
  - path: /livez
  - path: /readyz
  - path: /healthz
`;

ruleTester('auth/anonymous-auth', {
  valid: [
    { name: 'apiserver --anonymous-auth=false', build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--anonymous-auth=false']) },
    {
      name: 'apiserver AuthenticationConfiguration allowing anonymous on health endpoints only (1.32+)',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/authn.yaml', HEALTH_ONLY);
        staticPod(tree, 'cp', 'kube-apiserver', ['--authentication-config=/etc/kubernetes/authn.yaml'], { mounts: ['/etc/kubernetes'] });
      },
    },
    {
      name: 'a kubelet with a config file that does not set it (v1beta1 defaults to false)',
      build: ({ tree }) => {
        tree.write('w', '/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n');
        unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
      },
    },
  ],
  invalid: [
    {
      name: 'apiserver flag absent (default true)',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--secure-port=6443']),
      findings: ['cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:10'],
      messages: ['kube-apiserver on cp: --anonymous-auth is not set (default: true); set --anonymous-auth=false'],
    },
    {
      name: 'apiserver AuthenticationConfiguration allowing anonymous everywhere',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/authn.yaml', 'apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n');
        staticPod(tree, 'cp', 'kube-apiserver', ['--authentication-config=/etc/kubernetes/authn.yaml'], { mounts: ['/etc/kubernetes'] });
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      planOnly: 'an AuthenticationConfiguration is edited by its owner: a plan',
    },
    {
      name: 'kubelet flag in a unit, and kubelet config file enabling it',
      build: ({ tree }) => {
        unit(tree, 'w1', 'kubelet', ['--anonymous-auth=true']);
        tree.write('w2', '/var/lib/kubelet/config.yaml', kubeletConfig().replace('    enabled: false', '    enabled: true'));
        unit(tree, 'w2', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
      },
      findings: [`w1 w1/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE}`, 'w2 w2/var/lib/kubelet/config.yaml:4'],
      messages: ['kubelet on w1: --anonymous-auth=true', 'authentication.anonymous.enabled: true in its config file'],
    },
    {
      name: 'a kubelet without a config file nor the flag (flag default true)',
      build: ({ tree }) => unit(tree, 'w', 'kubelet', ['--kubeconfig=/var/lib/kubelet/kubeconfig']),
      findings: [`w w/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE - 1}`],
    },
  ],
});
