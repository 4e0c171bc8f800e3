import { namesAsIssuer, signatureVerifies } from '../../pki/signatures.js';
import type { Cluster } from '../../model/cluster.js';
import type { Certificate, ComponentKind, FileReference, KeyFile, SourceLocation } from '../../model/types.js';

/** `"kube-apiserver"` or the whole subject when there is no CN. */
export function certName(cert: Certificate): string {
  return `"${cert.commonName || cert.subject || '(empty subject)'}"`;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Whether `ca` issued `cert`: the names and key identifiers match and the signature
 * verifies. Unlike OpenSSL's check_issued, a signer without CA:TRUE or keyCertSign
 * still counts, so pki/wrong-usage can name it.
 */
export function signedBy(cert: Certificate, ca: Certificate): boolean {
  return namesAsIssuer(cert, ca) && signatureVerifies(cert, ca);
}

export function isSelfSigned(cert: Certificate): boolean {
  return cert.subject === cert.issuer && signedBy(cert, cert);
}

/**
 * Whether the first certificate of a presented file chains to one of the trusted
 * certificates, through intermediates found in the presented file or the trust bundle.
 */
export function chainsTo(presented: Certificate[], trusted: Certificate[]): boolean {
  if (presented.length === 0 || trusted.length === 0) return true; // nothing to judge
  const anchors = indexOf(trusted);
  const bundle = indexOf(presented);
  let current = presented[0];
  for (let depth = 0; depth < 6; depth++) {
    if (anchors.fingerprints.has(current.fingerprint) || candidates(anchors, current).some((ca) => signedBy(current, ca))) return true;
    const issuer = current;
    const next = [...candidates(bundle, issuer), ...candidates(anchors, issuer)].find((c) => c.fingerprint !== issuer.fingerprint && signedBy(issuer, c));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** Certificates by subject (narrowed by key identifier on lookup): an issuer is looked up, never searched for. */
interface CertIndex {
  bySubject: Map<string, Certificate[]>;
  fingerprints: Set<string>;
}

const certIndexes = new WeakMap<Certificate[], CertIndex>();
/** The index of a list of certificates (a file's, kept by the model, so each is indexed once). */
function indexOf(certs: Certificate[]): CertIndex {
  let index = certIndexes.get(certs);
  if (!index) {
    index = { bySubject: new Map(), fingerprints: new Set() };
    for (const cert of certs) {
      index.fingerprints.add(cert.fingerprint);
      const sameName = index.bySubject.get(cert.subject);
      if (sameName) sameName.push(cert);
      else index.bySubject.set(cert.subject, [cert]);
    }
    certIndexes.set(certs, index);
  }
  return index;
}

/** The certificates of an index that may have issued `cert`: by its authority key identifier, else by its issuer name. */
function candidates(index: CertIndex, cert: Certificate): Certificate[] {
  const byName = index.bySubject.get(cert.issuer) ?? [];
  return cert.authorityKeyId && byName.length > 1 ? byName.filter((c) => !c.subjectKeyId || c.subjectKeyId === cert.authorityKeyId) : byName;
}

const issuerCache = new WeakMap<Cluster, Map<string, Certificate[]>>();
/** The certificates anywhere in the cluster that issued this one (one per distinct CA certificate). */
export function issuersOf(cluster: Cluster, cert: Certificate): Certificate[] {
  let bySubject = issuerCache.get(cluster);
  if (!bySubject) {
    bySubject = new Map();
    const seen = new Set<string>();
    for (const candidate of cluster.certificates) {
      if (seen.has(candidate.fingerprint)) continue;
      seen.add(candidate.fingerprint);
      const list = bySubject.get(candidate.subject) ?? [];
      list.push(candidate);
      bySubject.set(candidate.subject, list);
    }
    issuerCache.set(cluster, bySubject);
  }
  return (bySubject.get(cert.issuer) ?? []).filter((ca) => ca.fingerprint !== cert.fingerprint && signedBy(cert, ca));
}

export type CertRole = 'serving' | 'client' | 'peer' | 'ca';

/** A place where a certificate file is put to use: a component flag or a kubeconfig field. */
export interface CertUse {
  ref: FileReference;
  role: CertRole;
  /** The component that presents or trusts it (for kubeconfigs, the component using the kubeconfig). */
  component?: ComponentKind;
  certs: Certificate[];
}

const ROLES: Partial<Record<ComponentKind, Record<string, CertRole>>> = {
  'kube-apiserver': {
    'tls-cert-file': 'serving',
    'etcd-certfile': 'client',
    'kubelet-client-certificate': 'client',
    'proxy-client-cert-file': 'client',
    'client-ca-file': 'ca',
    'etcd-cafile': 'ca',
    'kubelet-certificate-authority': 'ca',
    'requestheader-client-ca-file': 'ca',
  },
  'kube-controller-manager': {
    'cluster-signing-cert-file': 'ca',
    'root-ca-file': 'ca',
    'client-ca-file': 'ca',
    'requestheader-client-ca-file': 'ca',
    'tls-cert-file': 'serving',
  },
  'kube-scheduler': { 'tls-cert-file': 'serving', 'client-ca-file': 'ca' },
  etcd: { 'cert-file': 'serving', 'peer-cert-file': 'peer', 'trusted-ca-file': 'ca', 'peer-trusted-ca-file': 'ca' },
  kubelet: { 'tls-cert-file': 'serving', 'client-ca-file': 'ca' },
};

const useCache = new WeakMap<Cluster, CertUse[]>();
/** Every use of a certificate file in the cluster, with the role the certificate plays there. */
export function certificateUses(cluster: Cluster): CertUse[] {
  const cached = useCache.get(cluster);
  if (cached) return cached;
  const uses: CertUse[] = [];
  for (const ref of cluster.fileRefs) {
    if (!ref.exists || !ref.mounted || (ref.purpose !== 'cert' && ref.purpose !== 'ca')) continue;
    let role: CertRole | undefined;
    let component: ComponentKind | undefined;
    if (ref.owner) {
      role = ROLES[ref.owner.kind]?.[ref.setting];
      component = ref.owner.kind;
    } else {
      role = ref.purpose === 'ca' ? 'ca' : 'client'; // a kubeconfig's client certificate or cluster CA
      component = cluster.kubeconfigOf(ref)?.usedBy;
    }
    if (!role) continue;
    const certs = cluster.certificatesAt(ref.host, ref.hostPath);
    if (certs.length > 0) uses.push({ ref, role, certs, ...(component ? { component } : {}) });
  }
  useCache.set(cluster, uses);
  return uses;
}

/** The private keys of a file (a combined cert+key file included). */
export function privateKeysAt(cluster: Cluster, host: string, hostPath: string): KeyFile[] {
  return cluster.keysAt(host, hostPath).filter((k) => k.isPrivate);
}

/** The location of a flag or field, with a note for SARIF related locations. */
export function related(at: SourceLocation, message: string): SourceLocation & { message: string } {
  return { ...at, message };
}

export function flagText(ref: FileReference): string {
  return ref.owner ? `--${ref.setting}` : ref.setting;
}
