import { ruleTester } from '../../support/rule-tester.js';

/** One resource entry per key, each key the one its entry writes with (lines 9, 15, 21, … hold the secrets). */
const config = (keys: Array<[string, string, string]>) =>
  [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    ...keys.flatMap(([provider, name, secret], i) => [
      `  - resources: [${['secrets', 'configmaps', 'leases.coordination.k8s.io', 'events', 'jobs.batch'][i]}]`,
      '    providers:',
      `      - ${provider}:`,
      '          keys:',
      `            - name: ${name}`,
      `              secret: ${secret}`,
    ]),
    '',
  ].join('\n');

const STRONG = Buffer.alloc(32, 1).toString('base64');
const OTHER = Buffer.alloc(16, 2).toString('base64');

ruleTester('encryption/weak-key', {
  valid: [
    {
      name: 'a weak old key kept second, for reading only, after a fresh key that writes',
      build: ({ tree }) => void tree.write('c0', '/etc/kubernetes/enc.yaml', config([['aescbc', 'k1', STRONG]]).replace(`secret: ${STRONG}`, `secret: ${STRONG}\n            - name: old\n              secret: c2VjcmV0IGlzIHNlY3VyZQ==`)),
    },
    { name: '32- and 16-byte keys, all different', build: ({ tree }) => void tree.write('c0', '/etc/kubernetes/enc.yaml', config([['aescbc', 'k1', STRONG], ['aesgcm', 'k2', OTHER]])) },
  ],
  invalid: [
    {
      name: 'a short key, a placeholder, a reused key and the documentation example',
      build: ({ tree }) => {
        tree.write('c0', '/etc/kubernetes/enc.yaml', config([
          ['aescbc', 'short', Buffer.alloc(10, 3).toString('base64')], // line 9
          ['aescbc', 'placeholder', '${ENCRYPTION_KEY}'], //                 line 15
          ['aescbc', 'first', STRONG], //                                    line 21
          ['secretbox', 'again', STRONG], //                                 line 27
          ['aescbc', 'docs', 'c2VjcmV0IGlzIHNlY3VyZQ=='], //                 line 33
        ]));
      },
      findings: ['c0 c0/etc/kubernetes/enc.yaml:9', 'c0 c0/etc/kubernetes/enc.yaml:15', 'c0 c0/etc/kubernetes/enc.yaml:27', 'c0 c0/etc/kubernetes/enc.yaml:33'],
      messages: [
        'aescbc key "short" in /etc/kubernetes/enc.yaml decodes to 10 bytes; aescbc needs 16, 24, 32',
        'is not base64',
        'secretbox key "again" in /etc/kubernetes/enc.yaml is the same key as aescbc key "first"',
        'is a published example key',
      ],
    },
  ],
});
