/**
 * Leaf certificates written as DER by kaudit fix (src/pki/certificate-der.ts): OpenSSL must
 * accept their chain, read back what was asked for, and find the issuer byte for byte the
 * CA's subject, for every kind of CA key kaudit signs with and dates past 2049.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLeafCertificate, keyIdentifier, type Signer } from '../../src/pki/certificate-der.js';
import { certificateNames, readCertificateFields } from '../../src/pki/der-certificate.js';
import { certificateSpki } from '../../src/collectors/der.js';
import { scanPem } from '../../src/collectors/pem.js';
import type { KeySpec } from '../../src/pki/issue.js';
import { PkiFactory } from '../support/pki.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-build-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function derOf(pem: string): Buffer {
  return scanPem(pem).blocks[0].der;
}

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

const CA_KEYS: Array<{ spec: KeySpec; signer: Omit<Signer, 'key'> }> = [
  { spec: { algorithm: 'ec', curve: 'P-256' }, signer: { algorithm: 'ec', hash: 'sha256' } },
  { spec: { algorithm: 'ec', curve: 'P-384' }, signer: { algorithm: 'ec', hash: 'sha384' } },
  { spec: { algorithm: 'rsa', bits: 2048 }, signer: { algorithm: 'rsa', hash: 'sha256' } },
  { spec: { algorithm: 'ed25519' }, signer: { algorithm: 'ed25519', hash: 'sha256' } },
];

describe('leaf certificates written as DER', () => {
  for (const { spec, signer } of CA_KEYS) {
    it(`are accepted by openssl verify and read back as asked, signed by a ${spec.algorithm}${'curve' in spec ? ` ${spec.curve}` : ''} CA`, async () => {
      const pki = new PkiFactory();
      const ca = await pki.ca(`kaudit-test-ca-${spec.algorithm}`, { spec });
      const old = await pki.leaf(ca, 'system:node:worker-1', { organizations: ['system:nodes'], usages: ['clientAuth'] });
      const caDer = derOf(ca.certPem);
      const oldDer = derOf(old.certPem);
      const notBefore = new Date(Date.now() - 60_000);
      const notAfter = new Date('2051-06-30T12:00:00Z'); // GeneralizedTime
      const der = buildLeafCertificate({
        serial: Buffer.from([0x00, 0x7f, 1, 2, 3, 4, 5, 6]), // a leading zero byte is not DER: dropped
        issuerName: certificateNames(caDer).subject,
        subjectName: certificateNames(oldDer).subject,
        notBefore,
        notAfter,
        spki: certificateSpki(oldDer),
        keyUsages: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsages: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.1'],
        dnsNames: ['worker-1', 'worker-1.cluster.local'],
        ipAddresses: ['10.0.0.21', 'fd00::21'],
        authorityKeyId: keyIdentifier(certificateSpki(caDer)),
        signer: { ...signer, key: createPrivateKey(ca.keyPem) },
      });
      fs.writeFileSync(path.join(work, 'ca.crt'), ca.certPem);
      fs.writeFileSync(path.join(work, 'leaf.crt'), pemOf(der));
      expect(execFileSync('openssl', ['verify', '-CAfile', path.join(work, 'ca.crt'), path.join(work, 'leaf.crt')], { encoding: 'utf8' })).toMatch(/leaf\.crt: OK/);
      const x509 = new X509Certificate(der);
      expect(x509.verify(new X509Certificate(caDer).publicKey)).toBe(true);
      expect(x509.checkPrivateKey(createPrivateKey(old.keyPem))).toBe(true); // the old key goes with it
      expect(certificateNames(der).issuer.equals(certificateNames(caDer).subject)).toBe(true);
      expect(readCertificateFields(der)).toEqual({
        subject: new X509Certificate(oldDer).subject,
        issuer: new X509Certificate(caDer).subject,
        serialNumber: '7F010203040506',
        validFrom: new Date(Math.floor(notBefore.getTime() / 1000) * 1000),
        validTo: notAfter,
        subjectAltName: 'DNS:worker-1, DNS:worker-1.cluster.local, IP Address:10.0.0.21, IP Address:FD00:0:0:0:0:0:0:21',
        extendedKeyUsage: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.1'],
        ca: false,
      });
      const text = execFileSync('openssl', ['x509', '-in', path.join(work, 'leaf.crt'), '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
      expect(text).toContain(`keyid:${keyIdentifier(certificateSpki(caDer)).toString('hex').toUpperCase().match(/../g)!.join(':')}`.replace('keyid:', ''));
    });
  }

  it('says keyUsage with only its set bits (DER: no trailing zero bits)', async () => {
    const pki = new PkiFactory();
    const ca = await pki.ca('kaudit-test-ca');
    const caDer = derOf(ca.certPem);
    const der = buildLeafCertificate({
      serial: Buffer.from([1]),
      issuerName: certificateNames(caDer).subject,
      subjectName: certificateNames(caDer).subject,
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      spki: certificateSpki(caDer),
      keyUsages: ['digitalSignature'],
      extendedKeyUsages: [],
      dnsNames: [],
      ipAddresses: [],
      authorityKeyId: keyIdentifier(certificateSpki(caDer)),
      signer: { algorithm: 'ec', hash: 'sha256', key: createPrivateKey(ca.keyPem) },
    });
    // BIT STRING, length 2, 7 unused bits, 0x80: digitalSignature alone.
    expect(der.includes(Buffer.from('0603551d0f0101ff040403020780', 'hex'))).toBe(true);
    expect(new X509Certificate(der).subjectAltName).toBeUndefined();
  });
});
