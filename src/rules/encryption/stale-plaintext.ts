import { defineRule } from '../rule.js';
import { encryptionConfigs, secretsEntry } from '../lib/encryption.js';

const REAL_PROVIDERS = new Set(['aescbc', 'aesgcm', 'secretbox', 'kms']);

export default defineRule({
  id: 'encryption/stale-plaintext',
  level: 'warning',
  title: 'Secrets written before encryption was turned on are still in plaintext',
  description: 'Encryption at rest applies to writes: Secrets stored before it was turned on stay readable in etcd, its snapshots and backups until they are rewritten.',
  fix: 'plan',
  tags: ['encryption', 'security', 'live'],
  check(cluster, context, report) {
    const secrets = cluster.liveEtcd?.secrets;
    if (!secrets) return;
    const encrypted = secrets.filter((s) => s.encryptedWith);
    const configs = encryptionConfigs(cluster).filter((config) => REAL_PROVIDERS.has(secretsEntry(config)?.providers[0]?.type ?? ''));
    // Encryption is in force when other Secrets are already encrypted, or a config of the scan encrypts them.
    const evidence = encrypted.length > 0
      ? `${encrypted.length} other Secret${encrypted.length === 1 ? ' is' : 's are'} encrypted (${[...new Set(encrypted.map((s) => s.encryptedWith))].slice(0, 3).join(', ')})`
      : configs.length > 0
        ? `${configs[0].hostPath} on ${configs[0].host} encrypts Secrets with ${secretsEntry(configs[0])!.providers[0].type}`
        : undefined;
    if (!evidence) return;
    context.each(secrets, (secret) => {
      if (secret.encryptedWith) return;
      const name = secret.key.slice('/registry/secrets/'.length);
      report({
        message: `Secret ${name} is stored in etcd in plaintext although encryption is in force (${evidence}): it was written before encryption was turned on and never rewritten`,
        at: secret.at,
        key: secret.key,
        fix: {
          kind: 'plan',
          steps: [{ title: 'Rewrite every Secret, so that the apiserver stores it with the encryption provider now in force (run it after every apiserver has the encryption config)', commands: ['kubectl get secrets --all-namespaces -o json | kubectl replace -f -'] }],
        },
      });
    }, (secret) => secret.at);
  },
});
