import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { encryptionConfig } from '../../support/kubeadm.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

ruleTester('apiserver/no-encryption-at-rest', {
  valid: [
    {
      name: 'a static pod with the config mounted',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/enc/enc.yaml', encryptionConfig(KEY));
        staticPod(tree, 'cp', 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/enc.yaml'], { mounts: ['/etc/kubernetes/enc'] });
      },
    },
    {
      name: 'a unit with the config',
      build: ({ tree }) => {
        tree.write('c0', '/var/lib/kubernetes/encryption-config.yaml', encryptionConfig(KEY));
        unit(tree, 'c0', 'kube-apiserver', ['--encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml']);
      },
    },
    {
      name: 'the config exists on the host but is not mounted into the pod: pod/unmounted-file reports it (and writes the mount)',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/enc/enc.yaml', encryptionConfig(KEY));
        staticPod(tree, 'cp', 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/enc.yaml']);
      },
    },
  ],
  invalid: [
    {
      name: 'no flag (kubeadm default)',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--secure-port=6443']),
      findings: ['cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:10'],
      messages: ['kube-apiserver on cp has no --encryption-provider-config: Secrets are stored in etcd in plaintext'],
    },
    {
      name: 'a static pod names a config that is missing and not mounted: restoring it comes first',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/enc.yaml']),
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['which does not exist on cp (nor does a hostPath volume mount it)'],
      planOnly: 'restoring the config every apiserver shares is a plan',
    },
    {
      name: 'a unit names a config that does not exist',
      build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml']),
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`],
      planOnly: 'restoring the config every apiserver shares is a plan',
    },
  ],
});
