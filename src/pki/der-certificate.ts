/**
 * The fields of a certificate that kaudit reads, straight from its DER, and its signature
 * checked with node:crypto's verify over the signed bytes. Building node:crypto's
 * X509Certificate (OpenSSL's decoder) costs about 140 µs per certificate, the largest part
 * of reading a node; this costs a tenth of that. It gives up (undefined) on anything it does
 * not read exactly as X509Certificate prints it (names with characters OpenSSL escapes,
 * multi-valued names, uncommon attributes, string types or signature algorithms): the
 * caller then asks X509Certificate, so the model is the same either way
 * (test/pki/der-certificate.test.ts compares the two).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { children, oidString, readTlv, tbsFields, whole, type Tlv } from '../collectors/der.js';
import { x509Of } from './x509.js';

/** What X509Certificate would say of these fields (subject and issuer in its multi-line form). */
export interface CertificateFields {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** The subjectAltName as X509Certificate prints it: `DNS:a, IP Address:10.0.0.1`. */
  subjectAltName?: string;
  /** Extended key usage OIDs (X509Certificate calls them keyUsage). */
  extendedKeyUsage?: string[];
  ca: boolean;
}

/** Attribute types by OID, as OpenSSL names them (its short names). */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** PrintableString, UTF8String, IA5String: read as they are (ASCII only, below). */
const PLAIN_STRING_TAGS = new Set([0x13, 0x0c, 0x16]);

/** Characters OpenSSL escapes in a name (RFC 2253, control characters) or that a plain reading could get wrong. */
const NEEDS_ESCAPING = /[^\x20-\x7e]|[,+"\\<>;=]|^[ #]| $/;

class NotPlain extends Error {}

/** The elements inside a TLV, which must fill it exactly, each with a tag the caller expects. */
function inside(der: Buffer, parent: Tlv, ...tags: number[]): Tlv[] {
  const found = children(der, parent);
  if (found.length > 0 && found[found.length - 1].end !== parent.end) throw new NotPlain();
  if (found.some((element) => element.end > parent.end)) throw new NotPlain();
  tags.forEach((tag, index) => {
    if (found[index]?.tag !== tag) throw new NotPlain();
  });
  return found;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const INTEGER = 0x02;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const BIT_STRING = 0x03;

function plainString(der: Buffer, value: Tlv): string {
  if (!PLAIN_STRING_TAGS.has(value.tag)) throw new NotPlain();
  const text = der.toString('latin1', value.start, value.end);
  if (NEEDS_ESCAPING.test(text)) throw new NotPlain();
  return text;
}

/** A Name in X509Certificate's form: one `TYPE=value` per line, in DER order. */
function nameOf(der: Buffer, name: Tlv): string {
  const lines: string[] = [];
  if (name.tag !== SEQUENCE) throw new NotPlain();
  for (const rdn of inside(der, name)) {
    if (rdn.tag !== SET) throw new NotPlain();
    const attributes = inside(der, rdn, SEQUENCE);
    if (attributes.length !== 1) throw new NotPlain(); // multi-valued: OpenSSL joins them with " + "
    const parts = inside(der, attributes[0], OID);
    if (parts.length !== 2) throw new NotPlain();
    const [type, value] = parts;
    checkOid(der, type);
    const short = ATTRIBUTE_NAMES[oidString(der, type)];
    if (!short || !value) throw new NotPlain();
    lines.push(`${short}=${plainString(der, value)}`);
  }
  return lines.join('\n');
}

/** UTCTime or GeneralizedTime, to the second and in UTC (what OpenSSL prints and Date reads back). */
function timeOf(der: Buffer, time: Tlv): Date {
  const text = der.toString('latin1', time.start, time.end);
  const match = time.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : time.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw new NotPlain();
  const yearText = match[1];
  const year = yearText.length === 2 ? (Number(yearText) >= 50 ? 1900 : 2000) + Number(yearText) : Number(yearText);
  const [month, day, hour, minute, second] = match.slice(2).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // A field out of range (month 13, 31 April) is not rolled over into a date OpenSSL would not print.
  if (year < 1950 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw new NotPlain();
  return date;
}

/** An INTEGER as OpenSSL's BN_bn2hex prints it: upper-case, whole bytes, no leading zero bytes. */
function serialOf(der: Buffer, integer: Tlv): string {
  if (integer.tag !== INTEGER || !isPositiveMinimal(der, integer)) throw new NotPlain(); // empty, negative, or not DER
  let start = integer.start;
  while (start < integer.end - 1 && der[start] === 0) start++;
  if (start === integer.end - 1 && der[start] === 0) return '0';
  return der.toString('hex', start, integer.end).toUpperCase();
}

const DNS_NAME = /^[A-Za-z0-9*_.-]+$/;

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new NotPlain();
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16).toUpperCase());
  return groups.join(':');
}

/** The DNS names and IP addresses of a subjectAltName; any other kind of name is OpenSSL's to print. */
function subjectAltNameOf(der: Buffer, names: Tlv): string {
  const entries: string[] = [];
  if (names.tag !== SEQUENCE) throw new NotPlain();
  for (const name of inside(der, names)) {
    const value = der.subarray(name.start, name.end);
    if (name.tag === 0x82) {
      const text = value.toString('latin1');
      if (!DNS_NAME.test(text)) throw new NotPlain();
      entries.push(`DNS:${text}`);
    } else if (name.tag === 0x87) entries.push(`IP Address:${ipText(value)}`);
    else throw new NotPlain();
  }
  return entries.join(', ');
}

interface Extensions {
  subjectAltName?: string;
  extendedKeyUsage?: string[];
  basicConstraintsCA?: boolean;
  /** Whether keyUsage is present and allows signing certificates. */
  keyUsage?: { certSign: boolean };
}

const KNOWN_EXTENSIONS = new Set(['2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.35', '2.5.29.37']);

function extensionsOf(der: Buffer, wrapper: Tlv | undefined): Extensions {
  const found: Extensions = {};
  if (!wrapper) return found;
  const seen = new Set<string>();
  const list = inside(der, wrapper, SEQUENCE);
  if (list.length !== 1) throw new NotPlain();
  for (const extension of inside(der, list[0])) {
    if (extension.tag !== SEQUENCE) throw new NotPlain();
    const parts = inside(der, extension, OID);
    const critical = parts.length === 3 ? parts[1] : undefined;
    if (parts.length < 2 || parts.length > 3 || (critical && (critical.tag !== BOOLEAN || critical.end - critical.start !== 1)) || parts[parts.length - 1].tag !== OCTET_STRING) throw new NotPlain();
    checkOid(der, parts[0]);
    const oid = oidString(der, parts[0]);
    // OpenSSL decodes the extensions it knows as it reads (a malformed one fails the certificate); a repeated one fails it too.
    if (seen.has(oid) || !KNOWN_EXTENSIONS.has(oid)) throw new NotPlain();
    seen.add(oid);
    const value = parts[parts.length - 1];
    const inner = readTlv(der, value.start);
    if (inner.end !== value.end) throw new NotPlain();
    if (oid === '2.5.29.14' && inner.tag !== OCTET_STRING) throw new NotPlain();
    if (oid === '2.5.29.35' && (inner.tag !== SEQUENCE || inside(der, inner).some((field) => ![0x80, 0xa1, 0x82].includes(field.tag)))) throw new NotPlain();
    if (oid === '2.5.29.17') found.subjectAltName = subjectAltNameOf(der, inner);
    else if (oid === '2.5.29.37') {
      if (inner.tag !== SEQUENCE) throw new NotPlain();
      found.extendedKeyUsage = inside(der, inner).map((usage) => {
        checkOid(der, usage);
        return oidString(der, usage);
      });
    }
    else if (oid === '2.5.29.19') {
      if (inner.tag !== SEQUENCE) throw new NotPlain();
      const fields = inside(der, inner);
      if (fields.some((field) => field.tag !== BOOLEAN && field.tag !== INTEGER)) throw new NotPlain();
      found.basicConstraintsCA = fields[0]?.tag === 0x01 && der[fields[0].start] !== 0;
      if (!found.basicConstraintsCA && fields.some((field) => field.tag === 0x02)) throw new NotPlain(); // a path length without CA: OpenSSL marks it invalid
    } else if (oid === '2.5.29.15') {
      if (inner.tag !== BIT_STRING || inner.end - inner.start < 2 || der[inner.start] > 7) throw new NotPlain();
      // Bits past the end (the unused ones of the last byte) are not read, as OpenSSL does not.
      const lastByteMask = inner.end - inner.start === 2 ? 0xff << der[inner.start] : 0xff;
      found.keyUsage = { certSign: (der[inner.start + 1] & lastByteMask & 0x04) !== 0 };
    }
  }
  return found;
}

/** The parts of a DER certificate: the signed bytes, the two algorithm identifiers and the signature. */
function partsOf(der: Buffer): { tbs: Tlv; tbsFields: Tlv[]; outerAlgorithm: Tlv; signature: Tlv } {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== SEQUENCE || certificate.end !== der.length) throw new NotPlain();
  const parts = inside(der, certificate, SEQUENCE, SEQUENCE, BIT_STRING);
  if (parts.length !== 3) throw new NotPlain();
  const [tbs, outerAlgorithm, signature] = parts;
  algorithmIdentifier(der, outerAlgorithm);
  if (signature.end === signature.start || der[signature.start] !== 0) throw new NotPlain();
  return { tbs, tbsFields: tbsFieldsOf(der, tbs), outerAlgorithm, signature };
}

/**
 * The fields of a TBSCertificate, checked as OpenSSL checks them when it decodes: a v3
 * certificate (version 2) with serial, algorithm, issuer, validity, subject, key and
 * extensions; anything else (v1 certificates, unique identifiers) is left to OpenSSL.
 */
function tbsFieldsOf(der: Buffer, tbs: Tlv): Tlv[] {
  const fields = inside(der, tbs, 0xa0, INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE);
  const version = inside(der, fields[0], INTEGER);
  if (version.length !== 1 || version[0].end - version[0].start !== 1 || der[version[0].start] !== 2) throw new NotPlain();
  if (fields.length > 8 || (fields.length === 8 && fields[7].tag !== 0xa3)) throw new NotPlain();
  algorithmIdentifier(der, fields[2]);
  return fields;
}

/** Named curves by OID: field prime and the curve's b (a = -3 for both). */
const CURVES: Record<string, { bytes: number; p: bigint; b: bigint }> = {
  '1.2.840.10045.3.1.7': {
    bytes: 32,
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  '1.3.132.0.34': {
    bytes: 48,
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
};

function modPow3(x: bigint, p: bigint): bigint {
  return (((x * x) % p) * x) % p;
}

/**
 * The SubjectPublicKeyInfo as OpenSSL decodes it when it reads the certificate: an RSA key
 * of two positive integers, an uncompressed EC point on P-256 or P-384, an Ed25519 key.
 * Anything else (or a point off its curve, which OpenSSL refuses) is left to OpenSSL.
 */
function checkPublicKey(der: Buffer, spki: Tlv): void {
  const [algorithm, key] = inside(der, spki, SEQUENCE, BIT_STRING);
  const parts = inside(der, algorithm, OID);
  checkOid(der, parts[0]);
  if (key.end === key.start || der[key.start] !== 0) throw new NotPlain();
  const bits = der.subarray(key.start + 1, key.end);
  const oid = oidString(der, parts[0]);
  if (oid === '1.2.840.113549.1.1.1') {
    if (parts.length !== 2 || parts[1].tag !== 0x05 || parts[1].end !== parts[1].start) throw new NotPlain();
    const rsa = readTlv(bits, 0);
    if (rsa.tag !== SEQUENCE || rsa.end !== bits.length) throw new NotPlain();
    const numbers = inside(bits, rsa, INTEGER, INTEGER);
    if (numbers.length !== 2 || !numbers.every((n) => isPositiveMinimal(bits, n))) throw new NotPlain();
  } else if (oid === '1.2.840.10045.2.1') {
    if (parts.length !== 2 || parts[1].tag !== OID) throw new NotPlain();
    const curve = CURVES[oidString(der, parts[1])];
    if (!curve || bits.length !== 1 + 2 * curve.bytes || bits[0] !== 0x04) throw new NotPlain();
    const x = BigInt(`0x${bits.toString('hex', 1, 1 + curve.bytes)}`);
    const y = BigInt(`0x${bits.toString('hex', 1 + curve.bytes)}`);
    const { p, b } = curve;
    if (x >= p || y >= p || (y * y) % p !== (((modPow3(x, p) - 3n * x + b) % p) + p) % p) throw new NotPlain();
  } else if (oid === '1.3.101.112') {
    if (parts.length !== 1 || bits.length !== 32) throw new NotPlain();
  } else throw new NotPlain();
}

function isPositiveMinimal(der: Buffer, integer: Tlv): boolean {
  const length = integer.end - integer.start;
  if (length === 0 || der[integer.start] & 0x80) return false;
  return !(length > 1 && der[integer.start] === 0 && !(der[integer.start + 1] & 0x80));
}

/** An OBJECT IDENTIFIER encoded as DER must be: each sub-identifier minimal, the last one ended. */
function checkOid(der: Buffer, oid: Tlv): void {
  if (oid.tag !== OID || oid.end === oid.start || der[oid.start] & 0x80 || der[oid.end - 1] & 0x80) throw new NotPlain();
  for (let at = oid.start; at < oid.end; at++) if (der[at] === 0x80 && (at === oid.start || !(der[at - 1] & 0x80))) throw new NotPlain();
}

/** An AlgorithmIdentifier: an OID, and parameters (NULL, an OID, or a structure) or none. */
function algorithmIdentifier(der: Buffer, algorithm: Tlv): void {
  const parts = inside(der, algorithm, OID);
  if (parts.length > 2) throw new NotPlain();
  checkOid(der, parts[0]);
  const parameters = parts[1];
  if (parameters?.tag === OID) checkOid(der, parameters);
  else if (parameters && !(parameters.tag === 0x05 ? parameters.end === parameters.start : parameters.tag === SEQUENCE)) throw new NotPlain();
}


/** The fields of a DER certificate, or undefined when X509Certificate must read them. */
export function readCertificateFields(der: Buffer): CertificateFields | undefined {
  try {
    const { tbsFields } = partsOf(der);
    // The key is checked where the certificate is read, not again for each signature it verifies.
    checkPublicKey(der, tbsFields[6]);
    const [, serial, , issuer, validity, subject] = tbsFields;
    const times = inside(der, validity);
    if (times.length !== 2) throw new NotPlain();
    const [notBefore, notAfter] = times;
    const extensions = extensionsOf(der, tbsFields.find((field) => field.tag === 0xa3));
    return {
      subject: nameOf(der, subject),
      issuer: nameOf(der, issuer),
      serialNumber: serialOf(der, serial),
      validFrom: timeOf(der, notBefore),
      validTo: timeOf(der, notAfter),
      ...(extensions.subjectAltName !== undefined ? { subjectAltName: extensions.subjectAltName } : {}),
      ...(extensions.extendedKeyUsage ? { extendedKeyUsage: extensions.extendedKeyUsage } : {}),
      // OpenSSL's check_ca: basicConstraints says CA, and keyUsage (if any) allows signing certificates.
      ca: extensions.basicConstraintsCA === true && (extensions.keyUsage?.certSign ?? true),
    };
  } catch {
    return undefined; // malformed, or not plain: X509Certificate reads it (and says what is wrong)
  }
}

/** The issuer and subject Names of a certificate, as encoded (any version of certificate). */
export function certificateNames(der: Buffer): { issuer: Buffer; subject: Buffer } {
  const fields = tbsFields(der);
  return { issuer: whole(der, fields[2]), subject: whole(der, fields[4]) };
}

/** The same fields, as node:crypto's X509Certificate prints them (it throws on a certificate OpenSSL cannot read). */
export function x509CertificateFields(der: Buffer): CertificateFields {
  const x509 = x509Of(der);
  return {
    subject: x509.subject,
    issuer: x509.issuer,
    serialNumber: x509.serialNumber,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    ...(x509.subjectAltName !== undefined ? { subjectAltName: x509.subjectAltName } : {}),
    ...(x509.keyUsage ? { extendedKeyUsage: x509.keyUsage } : {}), // Node names the extended key usages "keyUsage"
    ca: x509.ca,
  };
}

/** Signature algorithms verified here: the digest node:crypto's verify takes (null for Ed25519). */
const VERIFIED_ALGORITHMS: Record<string, string | null> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

const ECDSA = /^1\.2\.840\.10045\.4\./;

/**
 * Whether the signature of a DER certificate verifies with a public key, as OpenSSL's
 * X509_verify answers (the two algorithm identifiers must be the same); undefined when the
 * algorithm is one this does not check (RSA-PSS, SHA-1): the caller asks X509Certificate.
 */
export function verifyCertificateSignature(der: Buffer, key: KeyObject): boolean | undefined {
  let parts: ReturnType<typeof partsOf>;
  try {
    parts = partsOf(der);
  } catch {
    return undefined;
  }
  const { tbs, tbsFields, outerAlgorithm, signature } = parts;
  const innerAlgorithm = tbsFields[2];
  if (!whole(der, innerAlgorithm).equals(whole(der, outerAlgorithm))) return false;
  const oid = oidString(der, children(der, outerAlgorithm)[0]);
  if (!(oid in VERIFIED_ALGORITHMS)) return undefined;
  if (der[signature.start] !== 0) return false; // a signature is whole bytes
  const signatureBytes = der.subarray(signature.start + 1, signature.end);
  try {
    return verify(VERIFIED_ALGORITHMS[oid], whole(der, tbs), ECDSA.test(oid) ? { key, dsaEncoding: 'der' } : key, signatureBytes);
  } catch {
    return false; // a key of another type, a malformed signature
  }
}

/** A public key from SubjectPublicKeyInfo bytes. */
export function publicKeyFromSpki(spki: Buffer): KeyObject {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}
