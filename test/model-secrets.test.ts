import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, SecretValues, isSecretSetting, maskSecretsInText, secretValuesIn, shown } from '../src/model/secrets.js';

describe('what is a secret value (model/secrets.ts)', () => {
  it('knows secrets by the name that holds them, and file paths are not secrets', () => {
    expect(isSecretSetting('secret', '/TEA9+fukUebjcCHKqn9hiukEjeTrzSasrBrzCf0PsI=')).toBe(true); // base64 may start with '/'
    expect(isSecretSetting('password', '/not/a/path')).toBe(true);
    expect(isSecretSetting('client-key-data', 'LS0tLS1CRUdJTi')).toBe(true);
    expect(isSecretSetting('kubelet-client-key', '/etc/kubernetes/pki/apiserver-kubelet-client.key')).toBe(false);
    expect(isSecretSetting('tls-private-key-file', '/etc/kubernetes/pki/apiserver.key')).toBe(false);
    expect(isSecretSetting('token-auth-file', '/etc/kubernetes/tokens.csv')).toBe(false);
    expect(isSecretSetting('token-id', 'abcdef')).toBe(false); // a bootstrap token's public half
    expect(isSecretSetting('initial-cluster-token', 'etcd-cluster')).toBe(false);
    expect(isSecretSetting('enable-bootstrap-token-auth', 'true')).toBe(false);
    // A switch is never a secret, whatever its name says: the fix dry run shows it changing.
    expect(isSecretSetting('use-service-account-credentials', 'false')).toBe(false);
    expect(maskSecretsInText('- --use-service-account-credentials=true')).toBe('- --use-service-account-credentials=true');
    expect(shown({ value: 'https://u:p4ss@h:2379', secret: false })).toBe(`https://u:${MASK}@h:2379`);
  });

  it('finds secret values by structure in any YAML shape', () => {
    const found: string[] = [];
    secretValuesIn({ kind: 'Secret', data: { a: 'QUJD' }, stringData: { 'token-secret': 'xyzsecret' } }, (v) => found.push(v));
    secretValuesIn({ resources: [{ providers: [{ aesgcm: { keys: [{ name: 'k', secret: 'S3CR3T==' }] } }] }] }, (v) => found.push(v));
    secretValuesIn({ env: [{ name: 'DB_PASSWORD', value: 'hunter22' }], command: ['x', '--oidc-client-secret=abc123'] }, (v) => found.push(v));
    expect([...new Set(found)].sort()).toEqual(['QUJD', 'S3CR3T==', 'abc123', 'hunter22', 'xyzsecret']);
  });

  it('masks every known value wherever it appears, and never leaves part of one (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 6, maxLength: 30 }).filter((s) => s.trim() === s && !/^(true|false)$/i.test(s)), { minLength: 1, maxLength: 5 }), fc.string(), (secrets, filler) => {
        const known = new SecretValues();
        for (const secret of secrets) known.add(secret);
        const text = secrets.map((s) => `${filler}${s}${filler}`).join('\n');
        const masked = known.mask(text);
        for (const secret of secrets) expect(masked.includes(secret) && !filler.includes(secret)).toBe(false);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('masks a private key cut short to its end, and numbers values so a diff shows a change', () => {
    const masked = maskSecretsInText('a: 1\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc', () => '<key>');
    expect(masked).toBe('a: 1\n-----BEGIN RSA PRIVATE KEY-----\n<key>\n');
    const ids = new Map<string, number>();
    const numbered = (v: string) => `#${ids.get(v) ?? ids.set(v, ids.size + 1).get(v)}`;
    expect(maskSecretsInText('secret: one\n', numbered)).toBe('secret: #1\n');
    expect(maskSecretsInText('secret: two\n', numbered)).toBe('secret: #2\n');
  });
});
