import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readCertificateFields, x509CertificateFields } from '../pki/der-certificate.js';
import { EXTENDED_KEY_USAGES, certificateSpki, describeSpki, privateKeySpki, readCertificateDetails } from './der.js';
import type { Certificate, KeyAlgorithm, KeyFormat, PublicKeyInfo, SourceLocation } from '../model/types.js';

export interface PemBlock {
  label: string;
  /** 1-based line of the BEGIN marker. */
  line: number;
  der: Buffer;
}

export interface PemScan {
  blocks: PemBlock[];
  /** Problems with single blocks, described without their contents. */
  problems: string[];
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;

/** Splits PEM text into blocks. Never echoes block contents into problems. */
export function scanPem(text: string): PemScan {
  const lines = text.split('\n');
  const blocks: PemBlock[] = [];
  const problems: string[] = [];
  let open: { label: string; line: number; body: string[] } | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const begin = BEGIN.exec(line);
    if (begin) {
      if (open) problems.push(`PEM block "${open.label}" at line ${open.line} has no END line`);
      open = { label: begin[1], line: index + 1, body: [] };
      return;
    }
    const end = END.exec(line);
    if (end && open) {
      if (end[1] !== open.label) problems.push(`PEM block "${open.label}" at line ${open.line} ends with "${end[1]}"`);
      else blocks.push({ label: open.label, line: open.line, der: Buffer.from(open.body.join(''), 'base64') });
      open = undefined;
      return;
    }
    if (open && !line.includes(':')) open.body.push(line); // skip RFC 1421 headers (Proc-Type, DEK-Info)
  });
  if (open) problems.push(`PEM block "${open.label}" at line ${open.line} is truncated (no END line)`);
  return { blocks, problems };
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Describes a public key from its SubjectPublicKeyInfo bytes. */
export function spkiInfo(spki: Buffer): PublicKeyInfo {
  return { ...describeSpki(spki), fingerprint: sha256Hex(spki) };
}

export function publicKeyInfo(key: KeyObject): PublicKeyInfo {
  const spki = key.export({ type: 'spki', format: 'der' });
  const type = key.asymmetricKeyType;
  const algorithm: KeyAlgorithm =
    type === 'rsa' || type === 'rsa-pss' ? 'rsa' : type === 'ec' || type === 'ed25519' || type === 'ed448' || type === 'dsa' ? type : 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const info: PublicKeyInfo = { algorithm, fingerprint: sha256Hex(spki) };
  if (details.modulusLength) info.bits = details.modulusLength;
  if (details.namedCurve) {
    info.curve = details.namedCurve;
    info.bits = CURVE_BITS[details.namedCurve];
  }
  if (algorithm === 'ed25519') info.bits = 256;
  return info;
}

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp224r1: 224 };

/** "CN=a\nO=b" (Node's form) → "CN=a, O=b". */
function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function nameField(name: string, field: string): string[] {
  return name
    .split('\n')
    .filter((part) => part.startsWith(`${field}=`))
    .map((part) => part.slice(field.length + 1));
}

function parseSubjectAltName(san: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const entry of san ? san.split(/,\s*/) : []) {
    if (entry.startsWith('DNS:')) dnsNames.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ipAddresses.push(entry.slice(11).toLowerCase());
  }
  return { dnsNames, ipAddresses };
}

type CertificateFacts = Omit<Certificate, 'host' | 'hostPath' | 'at' | 'indexInFile' | 'mode' | 'embeddedIn'>;

/**
 * Parsed certificates by DER hash: a cluster holds the same CA certificate on every
 * host and in every kubeconfig, and parsing is the costly part of a scan.
 */
const certificateCache = new Map<string, CertificateFacts>();

function parseCertificate(der: Buffer, fingerprint: string): CertificateFacts {
  const fields = readCertificateFields(der) ?? x509CertificateFields(der);
  const details = readCertificateDetails(der);
  const { dnsNames, ipAddresses } = parseSubjectAltName(fields.subjectAltName);
  return {
    subject: oneLineName(fields.subject),
    commonName: nameField(fields.subject, 'CN')[0] ?? '',
    organizations: nameField(fields.subject, 'O'),
    issuer: oneLineName(fields.issuer),
    serialNumber: fields.serialNumber,
    fingerprint,
    notBefore: fields.validFrom,
    notAfter: fields.validTo,
    dnsNames,
    ipAddresses,
    publicKey: spkiInfo(certificateSpki(der)),
    signatureAlgorithm: details.signatureAlgorithm,
    keyUsage: details.keyUsage,
    extendedKeyUsage: fields.extendedKeyUsage?.map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid),
    isCA: fields.ca,
    subjectKeyId: details.subjectKeyId,
    authorityKeyId: details.authorityKeyId,
    der,
  };
}

/** Reads one certificate. Throws when the bytes are not a certificate. */
export function readCertificate(der: Buffer, at: SourceLocation, hostPath: string, indexInFile: number): Certificate {
  const fingerprint = sha256Hex(der);
  let facts = certificateCache.get(fingerprint);
  if (!facts) {
    facts = parseCertificate(der, fingerprint);
    certificateCache.set(fingerprint, facts);
  }
  return { ...facts, host: at.host, hostPath, at, indexInFile };
}

const KEY_FORMATS: Record<string, KeyFormat> = {
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'PRIVATE KEY': 'pkcs8',
  'ENCRYPTED PRIVATE KEY': 'pkcs8-encrypted',
  'PUBLIC KEY': 'public',
  'RSA PUBLIC KEY': 'public',
};

export function keyFormatOf(label: string): KeyFormat | undefined {
  return KEY_FORMATS[label];
}

/**
 * Reads the public half of a key block. The private key object lives only inside this
 * function; nothing but the public key's description leaves it.
 */
export function readKeyBlock(block: PemBlock, format: KeyFormat): PublicKeyInfo | undefined {
  if (format === 'pkcs8-encrypted') return undefined;
  const cacheKey = `${format}:${sha256Hex(block.der)}`;
  const cached = publicKeyCache.get(cacheKey);
  if (cached) return cached;
  const info = publicHalf(block, format);
  publicKeyCache.set(cacheKey, info);
  return info;
}

/** Public halves by hash of the key's DER: copies of one key (ca.key on every control plane) are read once. */
const publicKeyCache = new Map<string, PublicKeyInfo>();

function publicHalf(block: PemBlock, format: Exclude<KeyFormat, 'pkcs8-encrypted'>): PublicKeyInfo {
  if (format === 'public') {
    const type = block.label === 'RSA PUBLIC KEY' ? 'pkcs1' : 'spki';
    return publicKeyInfo(createPublicKey({ key: block.der, format: 'der', type }));
  }
  // The public half is in the key's own fields; only Ed25519 (and EC keys without the point) need crypto to derive it.
  const spki = privateKeySpki(block.der, format);
  if (spki) return spkiInfo(spki);
  return publicKeyInfo(createPublicKey(createPrivateKey({ key: block.der, format: 'der', type: format })));
}

/** True when the buffer looks like a DER SEQUENCE (a binary certificate). */
export function looksLikeDer(data: Buffer): boolean {
  return data.length > 4 && data[0] === 0x30 && (data[1] & 0x80) !== 0;
}
