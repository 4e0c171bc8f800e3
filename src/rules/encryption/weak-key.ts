import { createHash } from 'node:crypto';
import { defineRule } from '../rule.js';
import { encryptionConfigs, providerKeys } from '../lib/encryption.js';

/** Example keys from the Kubernetes documentation and test data: public, so no secret. */
const WELL_KNOWN_KEYS = new Set(
  [
    'c2VjcmV0IGlzIHNlY3VyZQ==',
    'dGhpcyBpcyBwYXNzd29yZA==',
    'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=',
    'c2VjcmV0IGlzIHNlY3VyZSwgSSB0aGluaw==',
    'c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==',
  ].map((k) => digest(Buffer.from(k, 'base64'))),
);

const VALID_LENGTHS: Record<string, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function decode(secret: string): Buffer | undefined {
  const clean = secret.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) return undefined;
  return Buffer.from(clean, 'base64');
}

export default defineRule({
  id: 'encryption/weak-key',
  level: 'error',
  title: 'Encryption key of the wrong length, reused or well known',
  description: 'A key that is not 16, 24 or 32 bytes fails or weakens AES; a reused or published example key protects nothing.',
  fix: 'fix',
  tags: ['encryption', 'security'],
  check(cluster, context, report) {
    context.each(encryptionConfigs(cluster), (config) => {
      const seen = new Map<string, string>();
      // Keys after the first only decrypt old data, and go once it is re-encrypted: the key that writes is judged.
      for (const key of providerKeys(config).filter((k) => k.writes)) {
        const valid = VALID_LENGTHS[key.provider];
        if (!valid) continue;
        const fix = { kind: 'encryption-fresh-key' as const, config, entryPath: key.path.split('.').slice(0, 2).join('.') };
        const at = { ...config.at, line: config.lines.get(`${key.path}.secret`) ?? config.lines.get(key.path) };
        const label = `${key.provider} key "${key.name}" in ${config.hostPath}`;
        const bytes = decode(key.secret);
        // Messages say what is wrong with a key, never what it is.
        if (!bytes) {
          report({ message: `${label} is not base64 (a placeholder?)`, at, key: `${key.path}:not-base64`, fix });
          continue;
        }
        const hash = digest(bytes);
        if (!valid.includes(bytes.length)) report({ message: `${label} decodes to ${bytes.length} bytes; ${key.provider} needs ${valid.join(', ')}`, at, key: `${key.path}:length`, fix });
        if (WELL_KNOWN_KEYS.has(hash)) report({ message: `${label} is a published example key`, at, key: `${key.path}:well-known`, fix });
        const first = seen.get(hash);
        if (first) report({ message: `${label} is the same key as ${first}`, at, key: `${key.path}:reused`, fix });
        else seen.set(hash, `${key.provider} key "${key.name}"`);
      }
    });
  },
});
