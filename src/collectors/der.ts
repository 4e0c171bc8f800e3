/**
 * Just enough DER to read what node:crypto's X509Certificate does not expose on Node 20:
 * the signature algorithm, keyUsage bits and the key identifiers.
 */

export interface Tlv {
  tag: number;
  header: number; // first byte of the tag
  start: number; // first byte of the value
  end: number; // one past the last byte of the value
}

export function readTlv(buf: Buffer, offset: number): Tlv {
  const tag = buf[offset];
  let length = buf[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[start + i];
    start += count;
  }
  const end = start + length;
  if (tag === undefined || end > buf.length) throw new Error('truncated DER');
  return { tag, header: offset, start, end };
}

export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const tlv = readTlv(buf, at);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

export function oidString(buf: Buffer, tlv: Tlv): string {
  const bytes = buf.subarray(tlv.start, tlv.end);
  // The first byte holds two arcs: 0 and 1 take 40 values each, 2 takes the rest.
  const parts = bytes[0] < 80 ? [Math.floor(bytes[0] / 40), bytes[0] % 40] : [2, bytes[0] - 80];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
};

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export const EXTENDED_KEY_USAGES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

export interface DerDetails {
  signatureAlgorithm: string;
  keyUsage?: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
}

function keyUsageNames(buf: Buffer, bitString: Tlv): string[] {
  const bytes = buf.subarray(bitString.start + 1, bitString.end); // first byte: unused bits count
  const names: string[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) names.push(name);
  });
  return names;
}

/** Reads the signature algorithm and extensions of a DER certificate. Throws on malformed input. */
export function readCertificateDetails(der: Buffer): DerDetails {
  const certificate = readTlv(der, 0);
  const [tbs, signatureAlgorithm] = children(der, certificate);
  const algorithmOid = oidString(der, children(der, signatureAlgorithm)[0]);
  const details: DerDetails = { signatureAlgorithm: SIGNATURE_ALGORITHMS[algorithmOid] ?? algorithmOid };

  const extensionsWrapper = children(der, tbs).find((t) => t.tag === 0xa3);
  if (!extensionsWrapper) return details;
  const [extensions] = children(der, extensionsWrapper);
  for (const extension of children(der, extensions)) {
    const parts = children(der, extension);
    const oid = oidString(der, parts[0]);
    const value = parts[parts.length - 1]; // OCTET STRING, after the optional critical flag
    const inner = readTlv(der, value.start);
    if (oid === '2.5.29.15') details.keyUsage = keyUsageNames(der, inner);
    else if (oid === '2.5.29.14') details.subjectKeyId = der.subarray(inner.start, inner.end).toString('hex');
    else if (oid === '2.5.29.35') {
      const keyId = children(der, inner).find((t) => t.tag === 0x80);
      if (keyId) details.authorityKeyId = der.subarray(keyId.start, keyId.end).toString('hex');
    }
  }
  return details;
}

// --- Public keys, read from DER without building KeyObjects (the costly part of a scan) ---

export function encodeTlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

/** A TLV with its tag and length bytes. */
export function whole(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.header, tlv.end);
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const RSA_ALGORITHM = Buffer.from('300d06092a864886f70d0101010500', 'hex'); // SEQ { rsaEncryption, NULL }
const EC_PUBLIC_KEY_OID = Buffer.from('06072a8648ce3d0201', 'hex');

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
};

export interface SpkiFacts {
  algorithm: 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';
  bits?: number;
  curve?: string;
}

/** The SubjectPublicKeyInfo of a DER certificate, as bytes. */
export function certificateSpki(der: Buffer): Buffer {
  return whole(der, tbsFields(der)[5]);
}

/**
 * The fields of a certificate's TBSCertificate after its optional [0] version: serial,
 * signature algorithm, issuer, validity, subject, key, then the optional ones.
 */
export function tbsFields(der: Buffer): Tlv[] {
  const [tbs] = children(der, readTlv(der, 0));
  const fields = children(der, tbs);
  return fields[0].tag === 0xa0 ? fields.slice(1) : fields;
}

function integerBits(buf: Buffer, tlv: Tlv): number {
  let start = tlv.start;
  while (start < tlv.end && buf[start] === 0) start++;
  if (start === tlv.end) return 0;
  return (tlv.end - start - 1) * 8 + (32 - Math.clz32(buf[start]));
}

/** Algorithm, size and curve of a SubjectPublicKeyInfo. */
export function describeSpki(spki: Buffer): SpkiFacts {
  const [algorithm, key] = children(spki, readTlv(spki, 0));
  const [oidTlv, params] = children(spki, algorithm);
  const oid = oidString(spki, oidTlv);
  if (oid === OID_RSA || oid === '1.2.840.113549.1.1.10') {
    const rsaKey = readTlv(spki, key.start + 1); // skip the BIT STRING's unused-bits byte
    const [modulus] = children(spki, rsaKey);
    return { algorithm: 'rsa', bits: integerBits(spki, modulus) };
  }
  if (oid === OID_EC) {
    const curve = params?.tag === 0x06 ? CURVES[oidString(spki, params)] : undefined;
    return curve ? { algorithm: 'ec', bits: curve.bits, curve: curve.name } : { algorithm: 'ec' };
  }
  if (oid === '1.3.101.112') return { algorithm: 'ed25519', bits: 256 };
  if (oid === '1.3.101.113') return { algorithm: 'ed448', bits: 456 };
  if (oid === '1.2.840.10040.4.1') return { algorithm: 'dsa' };
  return { algorithm: 'unknown' };
}

function rsaSpki(der: Buffer, privateKey: Tlv): Buffer {
  const [, modulus, exponent] = children(der, privateKey);
  const publicKey = encodeTlv(0x30, Buffer.concat([whole(der, modulus), whole(der, exponent)]));
  return encodeTlv(0x30, Buffer.concat([RSA_ALGORITHM, encodeTlv(0x03, Buffer.concat([Buffer.from([0]), publicKey]))]));
}

/** SEC1 keeps the public point in its optional [1] field; undefined when it is absent. */
function ecSpki(der: Buffer, privateKey: Tlv, curveOid?: Buffer): Buffer | undefined {
  const fields = children(der, privateKey);
  const curve = curveOid ?? fields.filter((f) => f.tag === 0xa0).map((f) => der.subarray(f.start, f.end))[0];
  const publicKey = fields.find((f) => f.tag === 0xa1);
  if (!curve || !publicKey) return undefined;
  const algorithm = encodeTlv(0x30, Buffer.concat([EC_PUBLIC_KEY_OID, curve]));
  return encodeTlv(0x30, Buffer.concat([algorithm, der.subarray(publicKey.start, publicKey.end)]));
}

/**
 * The SubjectPublicKeyInfo of a PKCS#1, SEC1 or PKCS#8 private key, built from the key's
 * own fields; undefined when it must be derived (Ed25519, EC keys without the public point).
 */
export function privateKeySpki(der: Buffer, format: 'pkcs1' | 'sec1' | 'pkcs8'): Buffer | undefined {
  const top = readTlv(der, 0);
  if (format === 'pkcs1') return rsaSpki(der, top);
  if (format === 'sec1') return ecSpki(der, top);
  const [, algorithm, octets] = children(der, top);
  const [oidTlv, params] = children(der, algorithm);
  const oid = oidString(der, oidTlv);
  const inner = readTlv(der, octets.start);
  if (oid === OID_RSA) return rsaSpki(der, inner);
  if (oid === OID_EC && params?.tag === 0x06) return ecSpki(der, inner, whole(der, params));
  return undefined;
}
