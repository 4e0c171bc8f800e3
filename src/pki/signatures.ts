/**
 * Whether a certificate's signature verifies with another's public key: a fact of the two
 * certificates, worked out once per pair in a thread. The hosts' collectors (in worker
 * threads) work it out for the certificates of each host and the CAs beside them, and send
 * the answers with the host's part (host-part.ts): the rules on the main thread then find
 * them known instead of parsing and verifying every node's certificate again.
 */
import type { KeyObject } from 'node:crypto';
import { x509Of } from './x509.js';
import { publicKeyFromSpki, verifyCertificateSignature } from './der-certificate.js';
import { certificateSpki } from '../collectors/der.js';
import type { Certificate } from '../model/types.js';

/** `certificate fingerprint:signer fingerprint` → whether the signature verifies. */
export type SignatureFacts = Array<[pair: string, verifies: boolean]>;

const verifiedPairs = new Map<string, boolean>();
const publicKeys = new WeakMap<Buffer, KeyObject>();

function publicKeyOf(cert: Certificate): KeyObject {
  let key = publicKeys.get(cert.der);
  if (!key) {
    try {
      key = publicKeyFromSpki(certificateSpki(cert.der));
    } catch {
      key = x509Of(cert.der).publicKey; // a key type node:crypto reads only through the certificate
    }
    publicKeys.set(cert.der, key);
  }
  return key;
}

function pairOf(cert: Certificate, signer: Certificate): string {
  return `${cert.fingerprint}:${signer.fingerprint}`;
}

/** Whether `signer`'s key verifies `cert`'s signature (names and key identifiers are the caller's to match). */
export function signatureVerifies(cert: Certificate, signer: Certificate): boolean {
  const pair = pairOf(cert, signer);
  let verifies = verifiedPairs.get(pair);
  if (verifies === undefined) {
    try {
      const key = publicKeyOf(signer);
      verifies = verifyCertificateSignature(cert.der, key) ?? x509Of(cert.der).verify(key);
    } catch {
      verifies = false;
    }
    verifiedPairs.set(pair, verifies);
  }
  return verifies;
}

/** Whether a certificate names `signer` as its issuer (subject, and key identifier when both have one). */
export function namesAsIssuer(cert: Certificate, signer: Certificate): boolean {
  if (cert.issuer !== signer.subject) return false;
  return !(cert.authorityKeyId && signer.subjectKeyId && cert.authorityKeyId !== signer.subjectKeyId);
}

/**
 * Verifies each certificate against the certificates of the same list that it names as its
 * issuer (a host's CA files beside its leaves), and returns the answers to send along.
 */
export function verifyAmong(certs: Certificate[]): SignatureFacts {
  const bySubject = new Map<string, Certificate[]>();
  for (const cert of certs) {
    const same = bySubject.get(cert.subject);
    if (!same) bySubject.set(cert.subject, [cert]);
    else if (!same.some((c) => c.fingerprint === cert.fingerprint)) same.push(cert);
  }
  const facts: SignatureFacts = [];
  const asked = new Set<string>();
  for (const cert of certs) {
    for (const signer of bySubject.get(cert.issuer) ?? []) {
      const pair = pairOf(cert, signer);
      if (asked.has(pair) || !namesAsIssuer(cert, signer)) continue;
      asked.add(pair);
      facts.push([pair, signatureVerifies(cert, signer)]);
    }
  }
  return facts;
}

/** Answers worked out in another thread. */
export function learnSignatures(facts: SignatureFacts): void {
  for (const [pair, verifies] of facts) verifiedPairs.set(pair, verifies);
}
