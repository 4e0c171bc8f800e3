/**
 * Re-issuing certificates: same subject, SANs and usages (corrected), same key — or a new,
 * stronger one — signed by the CA whose key is somewhere in the scanned tree. The new PEM
 * replaces the old block in its file (bundles and combined cert+key files keep the rest);
 * embedded kubeconfig certificates are replaced in their field. CAs are never re-signed.
 */
import { createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import type { ChangeSet } from './changeset.js';
import { lineRange, lineStarts } from './text.js';
import { yamlValueRange } from './yaml-edit.js';
import type { PlanStep } from './types.js';
import { scanPem } from '../collectors/pem.js';
import { certificateSpki } from '../collectors/der.js';
import { certificateNames } from '../pki/der-certificate.js';
import { buildLeafCertificate, keyIdentifier, type Signer } from '../pki/certificate-der.js';
import { generateKeyPair, privateKeyPem, type KeyPair, type KeySpec, type PrivateKeyFormat } from '../pki/issue.js';
import { issuersOf } from '../rules/lib/pki.js';
import type { Certificate, KeyFile } from '../model/types.js';

const DAY = 86_400_000;
const EKU_OIDS: Record<string, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

export interface ReissueRequest {
  cert: Certificate;
  addNames?: string[];
  usages?: Array<'serverAuth' | 'clientAuth'>;
  newKey?: boolean;
  signers?: Certificate[];
  /** Sign with this CA and key (one this run creates), not one found in the tree. */
  signedWith?: { cert: Certificate; key: KeyObject };
  why: string;
}

function specOf(cert: Certificate, stronger: boolean): KeySpec {
  const key = cert.publicKey;
  if (key.algorithm === 'ec') return { algorithm: 'ec', curve: key.curve === 'secp384r1' ? 'P-384' : 'P-256' };
  if (key.algorithm === 'ed25519') return { algorithm: 'ed25519' };
  return { algorithm: 'rsa', bits: stronger ? Math.max(2048, key.bits ?? 2048) : Math.max(key.bits ?? 2048, 2048) };
}

/** Reads a private key file's first key (the fixer may read; rules never do). */
/** `/etc/kubernetes/admin.conf#users.0.user.client-key-data` → the file and the YAML path of the field. */
function embedded(hostPath: string): { file: string; field: string[] } {
  const [file, field = ''] = hostPath.split('#');
  return { file, field: field.split('.') };
}

/** The PEM text of a key: its file, or the base64 field of a kubeconfig it is embedded in. */
function keyText(cs: ChangeSet, key: KeyFile): string | undefined {
  if (!key.embeddedIn) return cs.text(cs.ref(key.host, key.hostPath));
  const { file, field } = embedded(key.hostPath);
  const text = cs.text(cs.ref(key.host, file));
  const range = text === undefined ? undefined : yamlValueRange(text, field);
  return range ? Buffer.from(text!.slice(range.start, range.end).trim(), 'base64').toString('utf8') : undefined;
}

function readPrivateKey(cs: ChangeSet, key: KeyFile): KeyObject | undefined {
  const text = keyText(cs, key);
  if (text === undefined) return undefined;
  const block = scanPem(text).blocks.find((b) => /PRIVATE KEY$/.test(b.label) && !b.label.startsWith('ENCRYPTED'));
  if (!block) return undefined;
  const type = block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
  try {
    return createPrivateKey({ key: block.der, format: 'der', type });
  } catch {
    return undefined;
  }
}

/** `x.crt` ↔ `x.key`, `x.pem` ↔ `x-key.pem`: the names a key file beside its certificate has. */
function stem(hostPath: string): string {
  return hostPath.replace(/(-key)?\.(crt|pem|key|cert)$/, '');
}

/**
 * The private key of a certificate or CA, wherever it is in the tree (the hard way keeps
 * ca-key.pem on the controllers only): the same file first, then the key named beside it,
 * then one in its folder, on its host, anywhere.
 */
export function privateKeyFor(cs: ChangeSet, cert: Certificate, preferHost?: string): KeyFile | undefined {
  // A key embedded in a kubeconfig belongs to the certificate embedded beside it, and to no other.
  const sameKubeconfig = (k: KeyFile) => k.host === cert.host && embedded(k.hostPath).file === embedded(cert.hostPath).file;
  const candidates = signingMaterialOf(cs).privateKeysOf(cert.publicKey.fingerprint).filter((k) => !k.embeddedIn || (cert.embeddedIn && sameKubeconfig(k)));
  const dir = (p: string) => p.slice(0, p.lastIndexOf('/'));
  const rank = (k: KeyFile) =>
    (k.host === cert.host && (k.hostPath === cert.hostPath || (k.embeddedIn !== undefined && sameKubeconfig(k))) ? 8 : 0) +
    (k.host === cert.host && stem(k.hostPath) === stem(cert.hostPath) ? 4 : 0) +
    (k.host === cert.host && dir(k.hostPath) === dir(cert.hostPath) ? 2 : 0) +
    (k.host === (preferHost ?? cert.host) ? 1 : 0);
  return [...candidates].sort((a, b) => rank(b) - rank(a))[0];
}

/**
 * What signing needs of a CA, worked out once per run however many certificates it signs
 * (a thousand kubelet certificates share one CA): the private keys by public key, the CA's
 * key read and imported once, its key identifier.
 */
class SigningMaterial {
  private keysByPublicKey?: Map<string, KeyFile[]>;
  private readonly signingKeys = new Map<KeyFile | KeyObject, KeyObject | null>();
  private readonly authorityKeyIds = new Map<string, Buffer>();

  constructor(private readonly cs: ChangeSet) {}

  /** The private keys in the tree whose public half has this fingerprint, in model order. */
  privateKeysOf(publicKeyFingerprint: string): KeyFile[] {
    if (!this.keysByPublicKey) {
      this.keysByPublicKey = new Map();
      for (const key of this.cs.cluster.keys) {
        if (!key.isPrivate || !key.publicKey) continue;
        const same = this.keysByPublicKey.get(key.publicKey.fingerprint);
        if (same) same.push(key);
        else this.keysByPublicKey.set(key.publicKey.fingerprint, [key]);
      }
    }
    return this.keysByPublicKey.get(publicKeyFingerprint) ?? [];
  }

  /** A signer's private key: from its file (read once), or as this run created it. */
  signingKey(source: KeyFile | KeyObject): KeyObject | undefined {
    let key = this.signingKeys.get(source);
    if (key === undefined) {
      key = ('hostPath' in source ? readPrivateKey(this.cs, source) : source) ?? null;
      this.signingKeys.set(source, key);
    }
    return key ?? undefined;
  }

  /** The CA's key identifier, as its certificates name it: its subjectKeyIdentifier, else computed from its key. */
  authorityKeyId(signer: Certificate): Buffer {
    let id = this.authorityKeyIds.get(signer.fingerprint);
    if (!id) {
      id = signer.subjectKeyId ? Buffer.from(signer.subjectKeyId, 'hex') : keyIdentifier(certificateSpki(signer.der));
      this.authorityKeyIds.set(signer.fingerprint, id);
    }
    return id;
  }
}

const signingMaterials = new WeakMap<ChangeSet, SigningMaterial>();
function signingMaterialOf(cs: ChangeSet): SigningMaterial {
  let material = signingMaterials.get(cs);
  if (!material) signingMaterials.set(cs, (material = new SigningMaterial(cs)));
  return material;
}

function planFor(request: ReissueRequest, signer: Certificate | undefined): PlanStep {
  const { cert } = request;
  const names = [...cert.dnsNames.map((d) => `DNS:${d}`), ...cert.ipAddresses.map((i) => `IP:${i}`), ...(request.addNames ?? []).map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`))];
  const usages = [...new Set([...(cert.extendedKeyUsage ?? []), ...(request.usages ?? [])])];
  const ext = [names.length ? `subjectAltName=${[...new Set(names)].join(',')}` : '', usages.length ? `extendedKeyUsage=${usages.join(',')}` : ''].filter(Boolean).join('\\n');
  const ca = signer ? `CA "${signer.subject}" (its key is not in the scanned tree)` : `the CA "${cert.issuer}" (not in the scanned tree)`;
  return {
    title: `Re-issue ${cert.hostPath} on ${cert.host} (${request.why}) from ${ca}`,
    commands: [
      `openssl req -new -key <key of ${cert.hostPath}> -subj '/${cert.subject.split(', ').join('/')}' -out cert.csr`,
      `openssl x509 -req -in cert.csr -CA <CA certificate> -CAkey <CA key> -CAcreateserial -days 365 -sha256 -extfile <(printf '${ext}') -out cert.crt`,
      `install -m 0644 cert.crt ${cert.hostPath}   # on ${cert.host}`,
    ],
  };
}

/**
 * What re-issuing a certificate comes to, worked out without touching the change set: a
 * plan step (a CA, no CA key in the tree, no key of the certificate's own) or the new
 * certificate. Re-issues are worked out many at once (new keys are generated in the thread
 * pool, several at a time) and applied one by one in the findings' order (applyReissue).
 */
export type PreparedReissue = { kind: 'plan'; step: PlanStep } | { kind: 'issued'; cert: Certificate; pem: string; newKey?: { pair: KeyPair; file: KeyFile } };

/**
 * Re-issues a certificate in place, or plans it when no CA key is in the tree. Returns
 * the new PEM when it was written.
 */
export async function reissue(cs: ChangeSet, request: ReissueRequest, ruleId: string, now: Date): Promise<string | undefined> {
  return applyReissue(cs, await prepareReissue(cs, request, now), ruleId);
}

/** Puts a prepared re-issue into the change set: the plan step, or the certificate (and its new key). */
export function applyReissue(cs: ChangeSet, prepared: PreparedReissue, ruleId: string): string | undefined {
  if (prepared.kind === 'plan') {
    cs.addPlan(prepared.step, ruleId);
    return undefined;
  }
  if (!replaceCertificate(cs, prepared.cert, prepared.pem, ruleId)) return undefined;
  if (prepared.newKey) replaceKey(cs, prepared.newKey.file, prepared.newKey.pair, ruleId);
  return prepared.pem;
}

/** The new certificate for a request, or the plan step instead; reads the change set, never changes it. */
export async function prepareReissue(cs: ChangeSet, request: ReissueRequest, now: Date): Promise<PreparedReissue> {
  const { cert } = request;
  if (cert.isCA) {
    const step = { title: `Rotate the CA ${cert.hostPath} on ${cert.host} (${request.why}): kaudit never re-signs an existing CA`, commands: ['kubeadm certs renew --help   # or your CA rotation procedure: https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/'] };
    return { kind: 'plan', step };
  }
  const signers = request.signedWith ? [request.signedWith.cert] : (request.signers ?? issuersOf(cs.cluster, cert));
  const signer = request.signedWith?.cert ?? signers.find((s) => privateKeyFor(cs, s, cert.host));
  const signerKeyFile = !request.signedWith && signer ? privateKeyFor(cs, signer, cert.host) : undefined;
  const signerKeySource = request.signedWith?.key ?? signerKeyFile;
  const material = signingMaterialOf(cs);
  const signerKey = signerKeySource && material.signingKey(signerKeySource);
  if (!signer || !signerKey) return { kind: 'plan', step: planFor(request, signers[0]) };
  // The certificate's own key, where it is (the same file for combined files), unless a new one is asked for.
  const ownKeyFile = privateKeyFor(cs, cert, cert.host);
  if (!ownKeyFile) return { kind: 'plan', step: planFor(request, signer) };
  const spec = specOf(cert, !!request.newKey);
  // Kept, the key needs no reading: the new certificate carries the public half the old one does.
  const newKey = request.newKey ? await generateKeyPair(spec) : undefined;
  const spki = newKey ? Buffer.from(await webcrypto.subtle.exportKey('spki', newKey.keys.publicKey)) : certificateSpki(cert.der);
  // Valid from before both the real clock and --now, for a year (kubeadm's renewal period), never past the CA.
  const start = Math.min(Date.now(), now.getTime()) - 5 * 60_000;
  const notAfter = new Date(Math.min(Math.max(Date.now(), now.getTime()) + 365 * DAY, signer.notAfter.getTime()));
  const ips = new Set(cert.ipAddresses);
  const dns = new Set(cert.dnsNames);
  for (const name of request.addNames ?? []) (/^[\d.]+$/.test(name) || name.includes(':') ? ips : dns).add(name);
  const usages = new Set([...(cert.extendedKeyUsage ?? []), ...(request.usages ?? [])]);
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) || 1; // positive, and eight bytes long in DER
  const der = buildLeafCertificate({
    serial,
    // The names as they are encoded: the issuer byte for byte the CA's subject.
    issuerName: certificateNames(signer.der).subject,
    subjectName: certificateNames(cert.der).subject,
    notBefore: new Date(start),
    notAfter,
    spki,
    keyUsages: spec.algorithm === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extendedKeyUsages: [...usages].map((u) => EKU_OIDS[u] ?? u).filter((oid) => /^[\d.]+$/.test(oid)),
    dnsNames: [...dns],
    ipAddresses: [...ips],
    authorityKeyId: material.authorityKeyId(signer),
    signer: signerOf(signer, signerKey),
  });
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { kind: 'issued', cert, pem, ...(newKey ? { newKey: { pair: newKey, file: ownKeyFile } } : {}) };
}

/** How a CA signs: its key, and the digest its key size calls for (SHA-384 for P-384, as WebCrypto signed before). */
function signerOf(signer: Certificate, key: KeyObject): Signer {
  const spec = specOf(signer, false);
  if (spec.algorithm === 'ec') return { key, algorithm: 'ec', hash: spec.curve === 'P-384' ? 'sha384' : 'sha256' };
  return { key, algorithm: spec.algorithm, hash: 'sha256' };
}

/** Replaces the PEM block of a certificate (or its kubeconfig field) with new PEM. */
export function replaceCertificate(cs: ChangeSet, cert: Certificate, pem: string, ruleId: string): boolean {
  const ref = cs.refAt(cert.at);
  const text = cs.text(ref);
  if (text === undefined || cert.at.line === undefined) return false;
  if (cert.embeddedIn === 'kubeconfig') {
    const field = cert.hostPath.split('#')[1]?.split('.') ?? [];
    const range = yamlValueRange(text, field);
    if (!range) return false;
    return cs.edit(ref, { start: range.start, end: range.end, text: Buffer.from(pem).toString('base64') }, ruleId);
  }
  return replaceBlock(cs, ref, text, cert.at.line, pem, ruleId);
}

function replaceBlock(cs: ChangeSet, ref: ReturnType<ChangeSet['ref']>, text: string, beginLine: number, pem: string, ruleId: string): boolean {
  const starts = lineStarts(text);
  const begin = starts[beginLine - 1];
  const endMarker = text.indexOf('-----END ', begin);
  if (begin === undefined || endMarker < 0) return false;
  const { end } = lineRange(text, text.slice(0, endMarker).split('\n').length, starts);
  return cs.edit(ref, { start: begin, end, text: pem.trimEnd() }, ruleId);
}

function replaceKey(cs: ChangeSet, key: KeyFile, pair: KeyPair, ruleId: string): void {
  const format: PrivateKeyFormat = key.format === 'pkcs1' || key.format === 'sec1' ? key.format : 'pkcs8';
  if (key.embeddedIn) {
    const { file, field } = embedded(key.hostPath);
    const ref = cs.ref(key.host, file);
    const text = cs.text(ref);
    const range = text === undefined ? undefined : yamlValueRange(text, field);
    if (range) cs.edit(ref, { start: range.start, end: range.end, text: Buffer.from(privateKeyPem(pair, format)).toString('base64') }, ruleId);
    return;
  }
  const ref = cs.ref(key.host, key.hostPath);
  const text = cs.text(ref);
  if (text === undefined || key.at.line === undefined) return;
  replaceBlock(cs, ref, text, key.at.line, privateKeyPem(pair, format), ruleId);
}
