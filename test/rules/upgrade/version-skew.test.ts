import { ruleTester } from '../../support/rule-tester.js';
import { staticPod, unit } from '../../support/hosts.js';

const image = (component: string, version: string) => ({ image: `registry.k8s.io/${component}:v${version}` });

ruleTester('upgrade/version-skew', {
  valid: [
    {
      name: 'an upgrade in progress within the policy: apiservers 1.30 and 1.31, controllers 1.30, kubelets 1.27',
      build: ({ tree }) => {
        staticPod(tree, 'cp-1', 'kube-apiserver', [], image('kube-apiserver', '1.31.2'));
        staticPod(tree, 'cp-2', 'kube-apiserver', [], image('kube-apiserver', '1.30.6'));
        staticPod(tree, 'cp-1', 'kube-controller-manager', [], image('kube-controller-manager', '1.30.6'));
        unit(tree, 'w', 'kubelet', []);
        tree.write('w', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: 'v1.27.16' } }));
      },
    },
  ],
  invalid: [
    {
      name: 'a scheduler newer than an apiserver, apiservers two minors apart',
      build: ({ tree }) => {
        staticPod(tree, 'cp-1', 'kube-apiserver', [], image('kube-apiserver', '1.31.0'));
        staticPod(tree, 'cp-2', 'kube-apiserver', [], image('kube-apiserver', '1.29.4'));
        staticPod(tree, 'cp-2', 'kube-scheduler', [], image('kube-scheduler', '1.30.1'));
      },
      findings: ['cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:9', 'cp-2 cp-2/etc/kubernetes/manifests/kube-scheduler.yaml:9'],
      messages: ['kube-apiserver 1.29.4 on cp-2 is more than one minor version older than kube-apiserver 1.31.0 on cp-1', 'kube-scheduler 1.30.1 on cp-2 is newer than kube-apiserver 1.29.4 on cp-2'],
    },
    {
      name: 'a kubelet newer than the apiserver, and one four minors older (versions from snapshot manifests)',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', [], image('kube-apiserver', '1.30.0'));
        unit(tree, 'w1', 'kubelet', []);
        tree.write('w1', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: 'v1.31.0' } }));
        unit(tree, 'w2', 'kubelet', []);
        tree.write('w2', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: 'v1.26.3' } }));
      },
      findings: ['w1 w1/.kaudit-snapshot.json:1', 'w2 w2/.kaudit-snapshot.json:1'],
      messages: ['kubelet 1.31.0 on w1 is newer than kube-apiserver 1.30.0 on cp', 'kubelet 1.26.3 on w2 is more than 3 minor versions older than'],
    },
  ],
});
