/**
 * The DER reader of certificates (src/pki/der-certificate.ts) stands in for node:crypto's
 * X509Certificate: wherever it answers, it must answer exactly as X509Certificate does, and
 * its signature check as X509Certificate.verify does. Compared here on certificates made by
 * openssl with odd names, extensions, key types and dates, on kaudit's own test PKI, on
 * every certificate of the fixtures, and on certificates with bytes changed at random.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readCertificateFields, verifyCertificateSignature, x509CertificateFields, publicKeyFromSpki } from '../../src/pki/der-certificate.js';
import { certificateSpki } from '../../src/collectors/der.js';
import { scanPem } from '../../src/collectors/pem.js';
import { PkiFactory } from '../support/pki.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-der-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
}

function derOf(pem: string): Buffer {
  return scanPem(pem).blocks.find((b) => b.label === 'CERTIFICATE')!.der;
}

interface Made {
  name: string;
  der: Buffer;
  /** The issuer's certificate (itself when self-signed). */
  signer: Buffer;
}

/** A certificate made by openssl from a key algorithm, a subject and extensions. */
function made(name: string, keyArgs: string[], subject: string, extensions: string[], extra: string[] = []): Made {
  const key = path.join(work, `${name}.key`);
  const cert = path.join(work, `${name}.crt`);
  openssl(['genpkey', ...keyArgs, '-out', key]);
  openssl(['req', '-x509', '-new', '-key', key, '-subj', subject, '-days', '30', '-out', cert, ...extensions.flatMap((e) => ['-addext', e]), ...extra]);
  const der = derOf(fs.readFileSync(cert, 'utf8'));
  return { name, der, signer: der };
}

const EC = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const RSA = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];

function opensslCertificates(): Made[] {
  return [
    made('plain-ec', EC, '/CN=kube-apiserver', ['subjectAltName=DNS:kubernetes,DNS:*.svc.cluster.local,IP:10.96.0.1,IP:fd00::1', 'extendedKeyUsage=serverAuth,clientAuth', 'basicConstraints=critical,CA:FALSE']),
    made('ca-rsa', RSA, '/C=DE/ST=Berlin/L=Berlin/O=example/OU=platform/CN=kubernetes', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']),
    made('ca-without-certsign', EC, '/CN=odd-ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature']),
    made('ca-pathlen', EC, '/CN=path-ca', ['basicConstraints=critical,CA:TRUE,pathlen:1']),
    made('escaped-name', EC, '/CN=a\\, b+c/O=x;y', []),
    made('multi-valued', EC, '/CN=one+O=two', []),
    made('non-ascii', EC, '/CN=ñandú', [], ['-utf8']),
    made('email-attribute', EC, '/CN=a/emailAddress=a@example.com', []),
    made('uri-san', EC, '/CN=spiffe', ['subjectAltName=URI:spiffe://cluster.local/ns/a,email:a@example.com']),
    made('ed25519', ['-algorithm', 'ED25519'], '/CN=edwards', ['subjectAltName=DNS:edwards']),
    made('rsa-pss', ['-algorithm', 'RSA-PSS'], '/CN=pss', []),
    made('sha1', RSA, '/CN=old', [], ['-sha1']),
    made('far-future', EC, '/CN=generalized-time', [], ['-days', '15000']),
    made('system-name', EC, '/O=system:nodes/CN=system:node:worker-1', ['extendedKeyUsage=clientAuth']),
  ];
}

async function factoryCertificates(): Promise<Made[]> {
  const pki = new PkiFactory();
  const ca = await pki.ca('kubernetes');
  const rsaCa = await pki.ca('rsa-ca', { spec: { algorithm: 'rsa', bits: 2048 } });
  const caDer = derOf(ca.certPem);
  const out: Made[] = [{ name: 'factory-ca', der: caDer, signer: caDer }];
  const leaves = [
    await pki.leaf(ca, 'kube-apiserver', { dnsNames: ['kubernetes', 'cp-1'], ipAddresses: ['10.96.0.1', '192.168.0.10', '::1'], usages: ['serverAuth'] }),
    await pki.leaf(ca, 'system:node:worker-1', { organizations: ['system:nodes'], usages: ['clientAuth'] }),
    await pki.leaf(ca, 'no-extensions', { omitKeyUsage: true, omitBasicConstraints: true }),
    await pki.leaf(ca, 'sha1-signed', { signatureHash: 'SHA-1' }),
  ];
  for (const [index, leaf] of leaves.entries()) out.push({ name: `factory-leaf-${index}`, der: derOf(leaf.certPem), signer: caDer });
  const rsaLeaf = await pki.leaf(rsaCa, 'rsa-signed', { usages: ['clientAuth'] });
  out.push({ name: 'factory-rsa-leaf', der: derOf(rsaLeaf.certPem), signer: derOf(rsaCa.certPem) });
  return out;
}

/** Every certificate block of the shipped fixtures. */
function fixtureCertificates(): Buffer[] {
  const found: Buffer[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && /\.(crt|pem|cert)$/.test(entry.name) && fs.statSync(full).size < 1_000_000) {
        for (const block of scanPem(fs.readFileSync(full, 'utf8')).blocks) if (block.label === 'CERTIFICATE') found.push(block.der);
      }
    }
  };
  visit(path.resolve('fixtures'));
  return found;
}

/** What X509Certificate says of a DER certificate, or that it cannot read it. */
function opensslView(der: Buffer): ReturnType<typeof x509CertificateFields> | 'unreadable' {
  try {
    return x509CertificateFields(der);
  } catch {
    return 'unreadable';
  }
}

function expectSameAsX509(der: Buffer, label: string): boolean {
  const fields = readCertificateFields(der);
  if (fields === undefined) return false;
  expect(fields, label).toEqual(opensslView(der));
  return true;
}

describe('certificate fields read from DER', () => {
  it('are what X509Certificate says, on certificates made by openssl with odd names, extensions, keys and dates', () => {
    const read = opensslCertificates().filter((c) => expectSameAsX509(c.der, c.name)).map((c) => c.name);
    // The plain ones are read here; the odd ones are left to X509Certificate.
    expect(read).toEqual(expect.arrayContaining(['plain-ec', 'ca-rsa', 'ca-without-certsign', 'ca-pathlen', 'ed25519', 'far-future', 'system-name']));
    for (const odd of ['escaped-name', 'multi-valued', 'non-ascii', 'email-attribute', 'uri-san']) expect(read, odd).not.toContain(odd);
  });

  it("are what X509Certificate says, on kaudit's test PKI and on every certificate of the fixtures", async () => {
    const certificates = [...(await factoryCertificates()).map((c) => c.der), ...fixtureCertificates()];
    expect(certificates.length).toBeGreaterThan(20);
    const read = certificates.filter((der, index) => expectSameAsX509(der, `certificate ${index}`));
    expect(read.length).toBe(certificates.length); // kubeadm-shaped certificates are all plain
  });

  it('never answer differently from X509Certificate when any one byte is changed', async () => {
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes', { spec: { algorithm: 'rsa', bits: 2048 } });
    const leaf = await pki.leaf(ca, 'kube-apiserver', { dnsNames: ['kubernetes'], ipAddresses: ['10.96.0.1', '::1'], usages: ['serverAuth', 'clientAuth'] });
    let answered = 0;
    for (const base of [derOf(ca.certPem), derOf(leaf.certPem)]) {
      for (let at = 0; at < base.length; at++) {
        for (const value of [0, 1, 2, 3, 5, 6, 0x30, 0x31, 0x78, 0x80, 0xff, base[at] ^ 1, base[at] ^ 0x80]) {
          const der = Buffer.from(base);
          der[at] = value & 0xff;
          if (expectSameAsX509(der, `byte ${at} = ${value}`)) answered++;
        }
      }
    }
    expect(answered).toBeGreaterThan(1000); // changes inside names, dates and keys that stay readable
  });

  it('never answer differently from X509Certificate when bytes are changed, cut or added', async () => {
    const [ca, leaf] = await factoryCertificates();
    fc.assert(
      fc.property(fc.constantFrom(ca.der, leaf.der), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (base, changes, cut) => {
        const der = Buffer.from(base);
        for (const [at, value] of changes) der[at % der.length] = value;
        const mutated = cut % 5 === 0 ? der.subarray(0, der.length - (cut % 40)) : der;
        const fields = readCertificateFields(mutated);
        if (fields !== undefined) expect(fields).toEqual(opensslView(mutated));
      }),
      { numRuns: 3000, seed: 20261203 },
    );
  });
});

describe('certificate signatures checked over the signed bytes', () => {
  it('verify exactly when X509Certificate.verify does: right signer, wrong signer, changed signature', async () => {
    const certificates = [...opensslCertificates(), ...(await factoryCertificates())];
    const wrongKey = publicKeyFromSpki(certificateSpki(certificates[0].der));
    let checkedHere = 0;
    for (const { name, der, signer } of certificates) {
      const key = new X509Certificate(signer).publicKey;
      for (const [label, candidate, withKey] of [
        ['signer', der, key],
        ['wrong key', der, wrongKey],
        ['changed signature', Buffer.concat([der.subarray(0, der.length - 2), Buffer.from([der[der.length - 2] ^ 1, der[der.length - 1]])]), key],
      ] as const) {
        const mine = verifyCertificateSignature(candidate, withKey);
        let theirs: boolean;
        try {
          theirs = new X509Certificate(candidate).verify(withKey);
        } catch {
          theirs = false;
        }
        if (mine !== undefined) {
          checkedHere++;
          expect(mine, `${name}: ${label}`).toBe(theirs);
        }
      }
      if (name !== 'rsa-pss' && name !== 'sha1' && name !== 'factory-leaf-3') expect(verifyCertificateSignature(der, key), name).toBe(true);
    }
    expect(checkedHere).toBeGreaterThan(30);
  });
});
