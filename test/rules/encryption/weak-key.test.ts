import { ruleTester } from '../../support/rule-tester.js';

const config = (keys: Array<[string, string, string]>) =>
  [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources: [secrets]',
    '    providers:',
    ...keys.flatMap(([provider, name, secret]) => [`      - ${provider}:`, '          keys:', `            - name: ${name}`, `              secret: ${secret}`]),
    '      - identity: {}',
    '',
  ].join('\n');

const STRONG = Buffer.alloc(32, 1).toString('base64');
const OTHER = Buffer.alloc(16, 2).toString('base64');

ruleTester('encryption/weak-key', {
  valid: [
    { name: '32- and 16-byte keys, all different', build: ({ tree }) => void tree.write('c0', '/etc/kubernetes/enc.yaml', config([['aescbc', 'k1', STRONG], ['aesgcm', 'k2', OTHER]])) },
  ],
  invalid: [
    {
      name: 'a short key, a placeholder, a reused key and the documentation example',
      build: ({ tree }) => {
        tree.write('c0', '/etc/kubernetes/enc.yaml', config([
          ['aescbc', 'short', Buffer.alloc(10, 3).toString('base64')], // line 9
          ['aescbc', 'placeholder', '${ENCRYPTION_KEY}'], //                 line 13
          ['aescbc', 'first', STRONG], //                                    line 17
          ['secretbox', 'again', STRONG], //                                 line 21
          ['aescbc', 'docs', 'c2VjcmV0IGlzIHNlY3VyZQ=='], //                 line 25
        ]));
      },
      findings: ['c0 c0/etc/kubernetes/enc.yaml:9', 'c0 c0/etc/kubernetes/enc.yaml:13', 'c0 c0/etc/kubernetes/enc.yaml:21', 'c0 c0/etc/kubernetes/enc.yaml:25'],
      messages: [
        'aescbc key "short" in /etc/kubernetes/enc.yaml decodes to 10 bytes; aescbc needs 16, 24, 32',
        'is not base64',
        'secretbox key "again" in /etc/kubernetes/enc.yaml is the same key as aescbc key "first"',
        'is a published example key',
      ],
    },
  ],
});
