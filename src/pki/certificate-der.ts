/**
 * Certificates written as DER and signed with node:crypto, for re-issuing many at once:
 * the names, key and extensions are laid out as RFC 5280 says and the signed bytes are
 * signed in one synchronous call. A general ASN.1 library (as @peculiar/x509) spends about
 * 2 ms of JavaScript on each certificate; a kubelet certificate needs a fraction of that.
 * The names are copied as they are encoded, so the issuer is byte for byte the CA's subject.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { parseAddress } from '../util/net.js';
import { children, encodeTlv, readTlv } from '../collectors/der.js';

/** A TLV of the given content, joined (der.ts writes the tag and length). */
function tlv(tag: number, ...content: Buffer[]): Buffer {
  return encodeTlv(tag, Buffer.concat(content));
}

const sequence = (...content: Buffer[]) => tlv(0x30, ...content);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift((n & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A positive INTEGER from big-endian bytes, in its minimal DER form. */
function positiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.from([unusedBits]), content);
}

/** UTCTime through 2049, GeneralizedTime after, to the second (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-12-03T14:15:54.123Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'latin1')) : tlv(0x18, Buffer.from(digits, 'latin1'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** The key usages a leaf gets, as the bits RFC 5280 numbers them. */
export type KeyUsageBit = 'digitalSignature' | 'keyEncipherment';
const KEY_USAGE_BITS: Record<KeyUsageBit, number> = { digitalSignature: 0, keyEncipherment: 2 };

function keyUsageValue(usages: KeyUsageBit[]): Buffer {
  let bits = 0;
  for (const usage of usages) bits |= 0x80 >> KEY_USAGE_BITS[usage];
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused++; // DER: the trailing zero bits are not part of the string
  return bitString(Buffer.from([bits]), unused);
}

function subjectAltNameValue(dnsNames: string[], ipAddresses: string[]): Buffer {
  const names = dnsNames.map((name) => tlv(0x82, Buffer.from(name, 'latin1')));
  for (const text of ipAddresses) {
    const address = parseAddress(text);
    if (!address) throw new Error(`"${text}" is not an IP address`);
    const bytes = Buffer.alloc(address.family === 4 ? 4 : 16);
    let value = address.value;
    for (let i = bytes.length - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn);
    names.push(tlv(0x87, bytes));
  }
  return sequence(...names);
}

/** The key identifier of RFC 5280 4.2.1.2, method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, subjectPublicKey] = children(spki, readTlv(spki, 0));
  return createHash('sha1').update(spki.subarray(subjectPublicKey.start + 1, subjectPublicKey.end)).digest(); // past the unused-bits byte
}

/** What a leaf certificate says, and who signs it. */
export interface LeafTemplate {
  serial: Buffer;
  /** The DER Names, as encoded in the CA's and the old certificate. */
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** The SubjectPublicKeyInfo of the certificate's key. */
  spki: Buffer;
  keyUsages: KeyUsageBit[];
  /** Extended key usage OIDs. */
  extendedKeyUsages: string[];
  dnsNames: string[];
  ipAddresses: string[];
  /** The CA's key identifier (its subjectKeyIdentifier, else computed from its key). */
  authorityKeyId: Buffer;
  signer: Signer;
}

/** A CA's private key and the algorithm it signs with. */
export interface Signer {
  key: KeyObject;
  algorithm: 'ec' | 'rsa' | 'ed25519';
  hash: 'sha256' | 'sha384';
}

const SIGNATURE_OIDS = { 'ec:sha256': '1.2.840.10045.4.3.2', 'ec:sha384': '1.2.840.10045.4.3.3', 'rsa:sha256': '1.2.840.113549.1.1.11', 'rsa:sha384': '1.2.840.113549.1.1.12' } as const;

function signatureAlgorithm(signer: Signer): Buffer {
  if (signer.algorithm === 'ed25519') return sequence(oid('1.3.101.112'));
  if (signer.algorithm === 'rsa') return sequence(oid(SIGNATURE_OIDS[`rsa:${signer.hash}`]), tlv(0x05)); // RSA's parameters: NULL
  return sequence(oid(SIGNATURE_OIDS[`ec:${signer.hash}`]));
}

/** A leaf certificate (not a CA) as DER, signed. */
export function buildLeafCertificate(template: LeafTemplate): Buffer {
  const extensions = [
    extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
    extension('2.5.29.15', true, keyUsageValue(template.keyUsages)),
    ...(template.extendedKeyUsages.length > 0 ? [extension('2.5.29.37', false, sequence(...template.extendedKeyUsages.map(oid)))] : []),
    ...(template.dnsNames.length + template.ipAddresses.length > 0 ? [extension('2.5.29.17', false, subjectAltNameValue(template.dnsNames, template.ipAddresses))] : []),
    extension('2.5.29.14', false, tlv(0x04, keyIdentifier(template.spki))),
    extension('2.5.29.35', false, sequence(tlv(0x80, template.authorityKeyId))),
  ];
  const algorithm = signatureAlgorithm(template.signer);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    positiveInteger(template.serial),
    algorithm,
    template.issuerName,
    sequence(time(template.notBefore), time(template.notAfter)),
    template.subjectName,
    template.spki,
    tlv(0xa3, sequence(...extensions)),
  );
  const { key, algorithm: keyType, hash } = template.signer;
  const signature = sign(keyType === 'ed25519' ? null : hash, tbs, keyType === 'ec' ? { key, dsaEncoding: 'der' } : key);
  return sequence(tbs, algorithm, bitString(signature));
}
