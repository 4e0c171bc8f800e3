/**
 * Issuing certificates and keys (for fixers, fixtures and tests), with @peculiar/x509
 * over Node's WebCrypto: RSA, ECDSA P-256/P-384 and Ed25519.
 */
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type KeySpec = { algorithm: 'rsa'; bits?: number } | { algorithm: 'ec'; curve: 'P-256' | 'P-384' } | { algorithm: 'ed25519' };

export interface KeyPair {
  spec: KeySpec;
  keys: CryptoKeyPair;
}

function webAlgorithm(spec: KeySpec, hash = 'SHA-256'): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  if (spec.algorithm === 'rsa') {
    return { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits ?? 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
  }
  if (spec.algorithm === 'ec') return { name: 'ECDSA', namedCurve: spec.curve, hash: spec.curve === 'P-384' ? 'SHA-384' : 'SHA-256' } as EcKeyGenParams;
  return { name: 'Ed25519' };
}

export async function generateKeyPair(spec: KeySpec): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(webAlgorithm(spec) as RsaHashedKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { spec, keys };
}

export type PrivateKeyFormat = 'pkcs1' | 'pkcs8' | 'sec1';

/** The format a layout uses by default: PKCS#1 for RSA and SEC1 for EC (as kubeadm and cfssl write them), PKCS#8 for Ed25519. */
export function defaultKeyFormat(spec: KeySpec): PrivateKeyFormat {
  return spec.algorithm === 'rsa' ? 'pkcs1' : spec.algorithm === 'ec' ? 'sec1' : 'pkcs8';
}

export function privateKeyPem(pair: KeyPair, format: PrivateKeyFormat = defaultKeyFormat(pair.spec)): string {
  return KeyObject.from(pair.keys.privateKey).export({ format: 'pem', type: format }) as string;
}

export function publicKeyPem(pair: KeyPair): string {
  return KeyObject.from(pair.keys.publicKey).export({ format: 'pem', type: 'spki' }) as string;
}

export interface Name {
  commonName: string;
  organizations?: string[];
}

function distinguishedName(name: Name): string {
  const escape = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${escape(name.commonName)}`, ...(name.organizations ?? []).map((o) => `O=${escape(o)}`)].join(', ');
}

export type Usage = 'serverAuth' | 'clientAuth';
const EKU_OIDS: Record<Usage, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

export interface CertificateRequest {
  subject: Name;
  key: KeyPair;
  notBefore: Date;
  notAfter: Date;
  dnsNames?: string[];
  ipAddresses?: string[];
  isCA?: boolean;
  /** Extended key usages; none for CAs by default. */
  usages?: Usage[];
  /** The signer; self-signed when absent. */
  issuer?: { certificatePem: string; key: KeyPair };
  /** For tests of weak signatures (RSA keys only). */
  signatureHash?: 'SHA-1' | 'SHA-256';
  /** Leave out keyUsage (and basicConstraints) to make malformed CAs for tests. */
  omitKeyUsage?: boolean;
  omitBasicConstraints?: boolean;
}

export interface IssuedCertificate {
  pem: string;
  certificate: x509.X509Certificate;
}

/** Issues a certificate as kubeadm does: key usages by role, SKI/AKI, a random 63-bit serial. */
export async function issueCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
  const signer = request.issuer?.key ?? request.key;
  const signingAlgorithm = webAlgorithm(signer.spec, request.signatureHash ?? 'SHA-256');
  let signingKey = signer.keys.privateKey;
  if (request.signatureHash && signer.spec.algorithm === 'rsa') {
    // WebCrypto binds an RSA key to one hash: re-import it for the requested one.
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', signingKey);
    signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, signingAlgorithm as RsaHashedImportParams, false, ['sign']);
  }
  const extensions: x509.Extension[] = [];
  if (!request.omitBasicConstraints) extensions.push(new x509.BasicConstraintsExtension(!!request.isCA, undefined, true));
  if (!request.omitKeyUsage) {
    const flags = request.isCA
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
      : x509.KeyUsageFlags.digitalSignature | (request.key.spec.algorithm === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (request.usages && request.usages.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(request.usages.map((u) => EKU_OIDS[u])));
  const altNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(request.key.keys.publicKey));
  if (request.issuer) {
    const issuerCert = new x509.X509Certificate(request.issuer.certificatePem);
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert));
  }
  const serial = randomBytes(8);
  serial[0] &= 0x7f;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: distinguishedName(request.subject),
    issuer: request.issuer ? new x509.X509Certificate(request.issuer.certificatePem).subject : distinguishedName(request.subject),
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    signingAlgorithm,
    publicKey: request.key.keys.publicKey,
    signingKey,
    extensions,
  });
  return { pem: certificate.toString('pem') + '\n', certificate };
}
