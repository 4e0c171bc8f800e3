/**
 * Large inputs for the tests of bounded work and for bench/: a trust bundle of thousands
 * of certificates (one key, so it is quick to make) and a unit with a huge ExecStart.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** `count` self-signed CA certificates as one PEM bundle, each with its own name and serial. */
export async function certificateBundle(count: number, prefix = 'bulk-root'): Promise<string> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const pems: string[] = [];
  for (let i = 0; i < count; i++) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (i + 1).toString(16).padStart(8, '0'),
      name: `CN=${prefix}-${i}`,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 365 * 86_400_000),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    pems.push(cert.toString('pem'));
  }
  return `${pems.join('\n')}\n`;
}

/** A systemd unit whose ExecStart has `words` words over continued lines. */
export function hugeExecStart(binary: string, words: number): string {
  const lines = [`[Service]`, `ExecStart=${binary} \\`];
  for (let i = 0; i < words; i += 10) {
    const flags = Array.from({ length: Math.min(10, words - i) }, (_, j) => `--f${(i + j).toString(36)}=v`);
    lines.push(`  ${flags.join(' ')} \\`);
  }
  lines.push('  --v=2', '');
  return lines.join('\n');
}
