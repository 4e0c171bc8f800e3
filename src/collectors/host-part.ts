/**
 * One host's share of the cluster model. Each host is collected on its own, into a model
 * of its own (in this thread or in a worker thread), then merged into the cluster in the
 * order of the hosts: the model, and every report made from it, is the same whichever
 * thread read which host. A host's collectors never look at another host's files or
 * objects, so nothing they do grows with the number of hosts.
 */
import { collectHost } from './host.js';
import { HostFS } from './hostfs.js';
import { SNAPSHOT_MANIFEST, type Snapshot } from './snapshot.js';
import { ReadRefused } from '../io/read.js';
import { Cluster } from '../model/cluster.js';
import { secretValuesOf } from '../model/secrets.js';
import { learnSignatures, verifyAmong, type SignatureFacts } from '../pki/signatures.js';
import type { Certificate, ComponentKind, FileFacts, Host, Unknown } from '../model/types.js';

/** What to collect: one host root, or one file given on the command line. */
export interface HostJob {
  host: Host;
  /** The host root's path (for a single file, its folder). */
  rootPath: string;
  /** A running node (`/` or --host-root): only the folders Kubernetes uses are read. */
  live: boolean;
  /** A single file given on the command line: only this host path is read. */
  only?: string;
}

/** The lists of the model a host's collectors append to; merged by appending, in host order. */
export const HOST_LISTS = [
  'components',
  'certificates',
  'keys',
  'fileRefs',
  'kubeconfigs',
  'manifests',
  'cniConfigs',
  'routes',
  'networkFiles',
  'sourceErrors',
  'suppressions',
  'processes',
  'diagnostics',
  'weaveNets',
  'addonManagers',
] as const satisfies ReadonlyArray<keyof Cluster>;

type HostList = (typeof HOST_LISTS)[number];

/** A host's share of the model, as plain data a worker thread can post (structured clone). */
export interface HostPart {
  host: Host;
  lists: { [K in HostList]: Cluster[K] };
  /** Mode and owner facts (merged once per host and path). */
  files: FileFacts[];
  /** Blind spots (merged once per what and why across hosts). */
  unknowns: Unknown[];
  /** The secret values its collectors learnt, in every form outputs mask. */
  secrets: string[];
  /** Its certificates' signatures checked against the CAs beside them (pki/signatures.ts). */
  signatures: SignatureFacts;
}

/** Collects one host into a model of its own. */
export function collectHostPart(job: HostJob): HostPart {
  const part = new Cluster();
  const { host } = job;
  if (job.only !== undefined) {
    collectHost(part, host, job.rootPath, false, undefined, job.only);
  } else {
    const root = new HostFS(job.rootPath); // one for the snapshot manifest and the collectors: resolved once
    const snapshot = job.live ? undefined : readSnapshot(part, root, host);
    if (snapshot?.modes) host.modes = 'snapshot';
    if (job.live) host.owners = 'filesystem';
    else if (snapshot?.owners) host.owners = 'snapshot';
    collectHost(part, host, root, job.live, snapshot);
  }
  const lists = Object.fromEntries(HOST_LISTS.map((name) => [name, part[name]])) as HostPart['lists'];
  // Verified where the host was read (a worker thread), not again by the rules on the main thread.
  const signatures = verifyAmong(part.certificates);
  return { host, lists, files: part.files, unknowns: part.unknowns, secrets: secretValuesOf(part).forms(), signatures };
}

/** Appends a host's part to the cluster (parts must come in host order). */
export function mergeHostPart(cluster: Cluster, part: HostPart, shared: SharedCertificateFacts): void {
  cluster.hosts.push(part.host);
  for (const name of HOST_LISTS) {
    const into = cluster[name] as unknown[];
    // One by one: a spread of a huge list (a router's route table) overflows the stack.
    for (const item of part.lists[name]) into.push(item);
  }
  for (const cert of part.lists.certificates) shared.share(cert);
  for (const facts of part.files) cluster.addFileFacts(facts);
  for (const unknown of part.unknowns) cluster.addUnknown(unknown);
  secretValuesOf(cluster).addForms(part.secrets);
  learnSignatures(part.signatures);
}

/** The fields of a certificate that are objects, the same for every copy of one certificate. */
const CERTIFICATE_OBJECTS = ['organizations', 'notBefore', 'notAfter', 'dnsNames', 'ipAddresses', 'publicKey', 'keyUsage', 'extendedKeyUsage'] as const;

/**
 * One copy of each certificate's parsed facts and DER bytes, however many hosts and
 * kubeconfigs hold the certificate: a worker's copies arrive as clones (and its DER as a
 * Uint8Array), and memory must grow with distinct certificates, not with copies.
 */
export class SharedCertificateFacts {
  private readonly byFingerprint = new Map<string, Certificate>();

  share(cert: Certificate): void {
    const first = this.byFingerprint.get(cert.fingerprint);
    if (!first) {
      if (!Buffer.isBuffer(cert.der)) {
        const bytes = cert.der as Uint8Array;
        cert.der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      this.byFingerprint.set(cert.fingerprint, cert);
      return;
    }
    if (first === cert) return;
    const target = cert as unknown as Record<string, unknown>;
    for (const field of CERTIFICATE_OBJECTS) if (field in first) target[field] = first[field];
    cert.der = first.der;
  }
}

/** The host's snapshot manifest (modes, owners, versions), read inside its root. */
function readSnapshot(part: Cluster, root: HostFS, host: Host): Snapshot | undefined {
  const at = { host: host.name, root: host.root, file: host.prefix ? `${host.prefix}/${SNAPSHOT_MANIFEST}` : SNAPSHOT_MANIFEST };
  let text: string | undefined;
  try {
    // Through the host root's own file system: a manifest that is a link out of it is not read.
    text = root.readFile(`/${SNAPSHOT_MANIFEST}`)?.data.toString('utf8');
  } catch (error) {
    if (!(error instanceof ReadRefused)) throw error;
    part.diagnostics.push({ level: 'warning', at, message: `${error.message}; file modes and versions are not known` });
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { publicHalves?: string[]; modes?: Record<string, string | number>; owners?: Record<string, string>; versions?: Record<string, string> };
    const snapshot: Snapshot = { versions: {}, ...(parsed.publicHalves ? { publicHalves: new Set(parsed.publicHalves) } : {}) };
    if (parsed.modes && typeof parsed.modes === 'object') {
      snapshot.modes = new Map(
        Object.entries(parsed.modes)
          .map(([hostPath, mode]): [string, number] => [hostPath, typeof mode === 'number' ? mode : typeof mode === 'string' ? parseInt(mode, 8) : NaN])
          .filter(([, mode]) => Number.isInteger(mode)),
      );
    }
    if (parsed.owners && typeof parsed.owners === 'object') {
      snapshot.owners = new Map(Object.entries(parsed.owners).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    }
    if (parsed.versions && typeof parsed.versions === 'object') snapshot.rawVersions = parsed.versions;
    for (const [kind, version] of Object.entries(parsed.versions && typeof parsed.versions === 'object' ? parsed.versions : {})) {
      const plain = typeof version === 'string' ? /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1] : undefined;
      if (plain) snapshot.versions[kind as ComponentKind] = plain;
    }
    return snapshot;
  } catch {
    part.diagnostics.push({ level: 'warning', at, message: 'snapshot manifest is not valid JSON; file modes and versions are not known' });
    return undefined;
  }
}
