/**
 * Just enough DER to read what node:crypto's X509Certificate does not expose on Node 20:
 * the signature algorithm, keyUsage bits and the key identifiers.
 */

interface Tlv {
  tag: number;
  start: number; // first byte of the value
  end: number; // one past the last byte of the value
}

function readTlv(buf: Buffer, offset: number): Tlv {
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
  return { tag, start, end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const tlv = readTlv(buf, at);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

function oidString(buf: Buffer, tlv: Tlv): string {
  const bytes = buf.subarray(tlv.start, tlv.end);
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
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
