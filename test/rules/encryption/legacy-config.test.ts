import { ruleTester } from '../../support/rule-tester.js';
import { unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { encryptionConfig } from '../../support/kubeadm.js';

const KEY = Buffer.alloc(32, 5).toString('base64');

ruleTester('encryption/legacy-config', {
  valid: [{ name: 'EncryptionConfiguration in apiserver.config.k8s.io/v1', build: ({ tree }) => void tree.write('c0', '/var/lib/kubernetes/enc.yaml', encryptionConfig(KEY)) }],
  invalid: [
    {
      name: "the hard way's kind: EncryptionConfig, apiVersion: v1, and the experimental flag",
      build: ({ tree }) => {
        tree.write('c0', '/var/lib/kubernetes/encryption-config.yaml', `kind: EncryptionConfig\napiVersion: v1\nresources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys:\n            - name: key1\n              secret: ${KEY}\n      - identity: {}\n`);
        unit(tree, 'c0', 'kube-apiserver', ['--experimental-encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml']);
      },
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`, 'c0 c0/var/lib/kubernetes/encryption-config.yaml:1'],
      messages: ['uses --experimental-encryption-provider-config', 'is kind: EncryptionConfig, apiVersion: v1'],
    },
  ],
});
