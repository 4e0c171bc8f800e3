import { defineRule } from '../rule.js';
import { certName } from '../lib/pki.js';
import type { PublicKeyInfo } from '../../model/types.js';

const MIN_RSA_BITS = 2048;
const WEAK_SIGNATURE = /md5|sha1/i;

function weakKey(key: PublicKeyInfo | undefined): string | undefined {
  if (key?.algorithm === 'rsa' && key.bits !== undefined && key.bits < MIN_RSA_BITS) return `an RSA key of ${key.bits} bits (under ${MIN_RSA_BITS})`;
  if (key?.algorithm === 'dsa') return 'a DSA key';
  return undefined;
}

export default defineRule({
  id: 'pki/weak-key',
  level: 'warning',
  title: 'Weak key or signature algorithm',
  description: 'RSA keys under 2048 bits and MD5 or SHA-1 signatures can be broken or forged; Go (and so Kubernetes) rejects SHA-1 signatures since 1.24.',
  fix: 'fix',
  tags: ['pki', 'security'],
  check(cluster, context, report) {
    const certKeys = new Set<string>();
    context.each(cluster.certificates, (cert) => {
      certKeys.add(cert.publicKey.fingerprint);
      const problems = [weakKey(cert.publicKey), WEAK_SIGNATURE.test(cert.signatureAlgorithm) ? `a ${cert.signatureAlgorithm} signature` : undefined].filter(Boolean);
      if (problems.length > 0) {
        report({ message: `certificate ${certName(cert)} has ${problems.join(' and ')}`, at: cert.at, key: cert.fingerprint, fix: { kind: 'reissue', cert, newKey: true, why: problems.join(' and ') } });
      }
    });
    // Keys without a certificate (the service-account key pair) are judged on their own.
    context.each(cluster.keys, (key) => {
      const problem = weakKey(key.publicKey);
      if (problem && key.publicKey && !certKeys.has(key.publicKey.fingerprint)) {
        report({
          message: `${key.isPrivate ? 'private' : 'public'} key is ${problem}`,
          at: key.at,
          key: key.publicKey.fingerprint,
          fix: { kind: 'plan', steps: [{ title: `Replace the key ${key.hostPath} on ${key.host} with a 2048-bit (or stronger) key, and every file that names its public half`, commands: [`openssl genrsa -out ${key.hostPath}.new 2048`, `openssl rsa -in ${key.hostPath}.new -pubout -out ${key.hostPath.replace(/\.key$/, '')}.pub.new`] }] },
        });
      }
    });
  },
});
