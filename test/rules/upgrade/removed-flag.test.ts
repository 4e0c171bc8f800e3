import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';

const KUBELET_121 = ['--container-runtime=remote', '--image-pull-progress-deadline=2m', '--network-plugin=cni'];

ruleTester('upgrade/removed-flag', {
  valid: [
    {
      name: "the hard way's 1.21 kubelet flags on a 1.21 kubelet",
      build: ({ tree }) => { unit(tree, 'w', 'kubelet', KUBELET_121); tree.write('w', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: '1.21.0' } })); },
    },
    { name: 'no version known: nothing can be judged', build: ({ tree }) => unit(tree, 'w', 'kubelet', KUBELET_121) },
    { name: 'a 1.24 controller-manager with --cluster-signing-duration', build: ({ tree }) => staticPod(tree, 'cp', 'kube-controller-manager', ['--cluster-signing-duration=8760h'], { image: 'registry.k8s.io/kube-controller-manager:v1.29.0' }) },
  ],
  invalid: [
    {
      name: 'the same kubelet flags after an upgrade to 1.27',
      build: ({ tree }) => { unit(tree, 'w', 'kubelet', KUBELET_121); tree.write('w', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: 'v1.27.4' } })); },
      findings: [0, 1, 2].map((i) => `w w/etc/systemd/system/kubelet.service:${UNIT_FIRST_FLAG_LINE + i}`),
      messages: ['kubelet on w (1.27.4) is given --container-runtime, removed in 1.27', 'removed in 1.24', 'removed in 1.24'],
    },
    {
      name: 'a renamed controller-manager flag and an insecure apiserver port after upgrades',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-controller-manager', ['--experimental-cluster-signing-duration=8760h'], { image: 'registry.k8s.io/kube-controller-manager:v1.25.0' });
        staticPod(tree, 'cp', 'kube-apiserver', ['--insecure-port=0'], { image: 'registry.k8s.io/kube-apiserver:v1.24.1' });
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`, `cp cp/etc/kubernetes/manifests/kube-controller-manager.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['--insecure-port, removed in 1.24', 'removed in 1.25; use --cluster-signing-duration'],
    },
  ],
});
