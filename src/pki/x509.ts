import { X509Certificate } from 'node:crypto';

const parsed = new WeakMap<Buffer, X509Certificate>();

/**
 * node:crypto's view of a DER certificate, built once per DER buffer: the collectors read
 * fields from it and the rules verify signatures with it.
 */
export function x509Of(der: Buffer): X509Certificate {
  let certificate = parsed.get(der);
  if (!certificate) {
    certificate = new X509Certificate(der);
    parsed.set(der, certificate);
  }
  return certificate;
}
