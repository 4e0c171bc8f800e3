import { defineRule } from '../rule.js';
import { encryptionConfigs, secretsEntry } from '../lib/encryption.js';

const REAL_PROVIDERS = new Set(['aescbc', 'aesgcm', 'secretbox', 'kms']);

export default defineRule({
  id: 'encryption/no-aescbc-provider',
  level: 'error',
  title: 'Secrets are not encrypted by the first provider',
  description: 'The apiserver writes with the first provider of the entry for Secrets: with identity first, or no entry at all, Secrets reach etcd in plaintext although a config exists.',
  fix: 'fix',
  tags: ['encryption', 'security', 'CIS-1.2.28'],
  cis: ['1.2.28'],
  check(cluster, context, report) {
    context.each(encryptionConfigs(cluster), (config) => {
      const entry = secretsEntry(config);
      if (!entry) {
        report({ message: `encryption config ${config.hostPath} has no entry for secrets: they are stored in plaintext`, at: { ...config.at, line: config.lines.get('resources') ?? config.at.line }, key: 'no-secrets-entry', fix: { kind: 'plan', steps: [{ title: `Add an entry for secrets to ${config.hostPath} on ${config.host}, aescbc with a fresh key first and identity after it`, commands: ['head -c 32 /dev/urandom | base64   # the key'] }] } });
        return;
      }
      const first = entry.providers[0];
      if (first && REAL_PROVIDERS.has(first.type)) return;
      const why = first ? `its first provider is ${first.type}` : 'it has no provider';
      report({
        message: `encryption config ${config.hostPath}: the entry for secrets writes in plaintext (${why}); put aescbc with a fresh key first`,
        at: { ...config.at, line: config.lines.get(first?.path ?? `${entry.path}.providers`) ?? config.lines.get(entry.path) },
        key: `first-provider:${first?.type ?? 'none'}`,
        fix: { kind: 'encryption-fresh-key', config },
      });
    });
  },
});
