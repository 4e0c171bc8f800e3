import { ruleTester } from '../../support/rule-tester.js';
import { unit } from '../../support/hosts.js';

const KEY = Buffer.alloc(32, 9).toString('base64');
const config = (providers: string, resources = 'secrets') =>
  `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources:\n      - ${resources}\n    providers:\n${providers}`;
const AESCBC = `      - aescbc:\n          keys:\n            - name: key1\n              secret: ${KEY}\n`;
const IDENTITY = '      - identity: {}\n';

function wired(tree: import('../../support/tree.js').TreeWriter, text: string): void {
  tree.write('c0', '/var/lib/kubernetes/encryption-config.yaml', text);
  unit(tree, 'c0', 'kube-apiserver', ['--encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml']);
}

ruleTester('encryption/no-aescbc-provider', {
  valid: [
    { name: 'aescbc first, identity after', build: ({ tree }) => wired(tree, config(AESCBC + IDENTITY)) },
    { name: 'kms first', build: ({ tree }) => wired(tree, config('      - kms:\n          apiVersion: v2\n          name: vault\n          endpoint: unix:///run/kms.sock\n' + IDENTITY)) },
    { name: 'a wildcard entry', build: ({ tree }) => wired(tree, config(AESCBC, "'*.*'")) },
  ],
  invalid: [
    {
      name: 'identity first',
      build: ({ tree }) => wired(tree, config(IDENTITY + AESCBC)),
      findings: ['c0 c0/var/lib/kubernetes/encryption-config.yaml:7'],
      messages: ['the entry for secrets writes in plaintext (its first provider is identity)'],
    },
    {
      name: 'no entry for secrets (a loose config file in a manifest folder)',
      build: ({ tree }) => {
        tree.write('c0', '/etc/kubernetes/encryption.yaml', config(AESCBC, 'configmaps'));
      },
      findings: ['c0 c0/etc/kubernetes/encryption.yaml:3'],
      messages: ['has no entry for secrets'],
      planOnly: 'an entry for secrets is added by hand: a plan',
    },
  ],
});
