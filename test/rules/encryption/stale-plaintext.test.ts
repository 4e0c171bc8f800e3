import { ruleTester } from '../../support/rule-tester.js';
import { ETCD_ENDPOINT } from '../../support/api-objects.js';

const plain = (name: string) => Buffer.from(`k8s\u0000\n\f\n\u0002v1\u0012\u0006Secret ${name} data`);
const encrypted = (provider = 'aescbc', key = 'key1') => Buffer.concat([Buffer.from(`k8s:enc:${provider}:v1:${key}:`), Buffer.alloc(64, 9)]);
const CONFIG = (first: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
${first === 'aescbc' ? '      - aescbc:\n          keys:\n            - name: key1\n              secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/IG5vdCBhdCBhbGw=\n      - identity: {}' : '      - identity: {}\n      - aescbc:\n          keys:\n            - name: key1\n              secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/IG5vdCBhdCBhbGw='}
`;
const at = (key: string) => `etcd ${ETCD_ENDPOINT}${key}:1`;

ruleTester('encryption/stale-plaintext', {
  valid: [
    { name: 'every Secret encrypted (aescbc, kms v2)', api: { etcdSecrets: { '/registry/secrets/default/a': encrypted(), '/registry/secrets/default/b': Buffer.concat([Buffer.from('k8s:enc:kms:v2:vault:'), Buffer.alloc(40, 1)]) } }, build: () => undefined },
    { name: 'nothing shows encryption in force: no encrypted Secret, no config (apiserver/no-encryption-at-rest judges that)', api: { etcdSecrets: { '/registry/secrets/default/a': plain('a') } }, build: () => undefined },
    {
      name: 'an encryption config that writes with identity first does not encrypt (encryption/no-aescbc-provider judges it)',
      api: { etcdSecrets: { '/registry/secrets/default/a': plain('a') } },
      build: ({ tree }) => tree.write('cp', '/etc/kubernetes/enc/encryption-config.yaml', CONFIG('identity'), 0o600),
    },
  ],
  invalid: [
    {
      name: 'plaintext Secrets beside encrypted ones',
      api: { etcdSecrets: { '/registry/secrets/default/a': encrypted(), '/registry/secrets/default/old': plain('old'), '/registry/secrets/team-1/b': encrypted('aesgcm', 'k2') } },
      build: () => undefined,
      findings: [at('/registry/secrets/default/old')],
      messages: ['Secret default/old is stored in etcd in plaintext although encryption is in force (2 other Secrets are encrypted (aescbc:v1:key1, aesgcm:v1:k2)): it was written before encryption was turned on and never rewritten'],
    },
    {
      name: 'only plaintext Secrets, while an encryption config of the scan encrypts them',
      api: { etcdSecrets: { '/registry/secrets/default/a': plain('a'), '/registry/secrets/kube-system/b': plain('b') } },
      build: ({ tree }) => tree.write('cp', '/etc/kubernetes/enc/encryption-config.yaml', CONFIG('aescbc'), 0o600),
      findings: [at('/registry/secrets/default/a'), at('/registry/secrets/kube-system/b')],
      messages: [/encryption is in force \(\/etc\/kubernetes\/enc\/encryption-config\.yaml on cp encrypts Secrets with aescbc\)/],
    },
  ],
});
