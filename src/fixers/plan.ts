/**
 * The fix plan as people review it and scripts read it: what each change does (a masked
 * diff, certificates decoded instead of base64), what it sets off (side effects) and what
 * must restart to take it, the manual steps, and a summary that comes first. Built from
 * the change set once; the text and JSON renderings (render.ts) only lay it out.
 */
import path from 'node:path/posix';
import type { ChangeSet, FileRef } from './changeset.js';
import { applyEdits, unifiedDiff } from './text.js';
import { readCertificate, scanPem } from '../collectors/pem.js';
import type { Cluster } from '../model/cluster.js';
import { MASK, maskSecretsInText, secretValuesOf, type SecretValues } from '../model/secrets.js';
import type { Certificate, Component } from '../model/types.js';

/** A certificate as a reviewer compares it: decoded, never base64. */
export interface CertificateView {
  subject: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  issuer: string;
  key: string;
  usages: string[];
  serial: string;
}

export interface CertificateChange {
  /** Absent for a certificate that is new (a CA this run creates, a new file). */
  before?: CertificateView;
  after: CertificateView;
  /** The certificate comes with a new key pair. */
  newKey: boolean;
}

export interface PlannedChange {
  host: string;
  /** Relative to the scanned PATH, as reports name files. */
  file: string;
  action: 'edit' | 'create' | 'remove' | 'chmod' | 'chown';
  rules: string[];
  /** A unified diff with secrets masked and certificates summarised (edits, and new files that hold no key). */
  diff?: string;
  /** New or changed mode, octal (`0600`); for a chmod, the mode before when known. */
  mode?: string;
  modeBefore?: string;
  /** New owner ("user:group") of a chown, and the owner before when known. */
  owner?: string;
  ownerBefore?: string;
  /** Why a file is removed. */
  reason?: string;
  /** The file holds private key material: its content is never shown. */
  holdsKey: boolean;
  certificates: CertificateChange[];
  /** Private keys written to this file (new key pairs). */
  keysCreated: number;
  sideEffects: string[];
  restart: string[];
}

export interface PlanSummary {
  filesChanged: number;
  edited: number;
  created: number;
  removed: number;
  modesChanged: number;
  ownersChanged: number;
  hosts: number;
  certificatesReissued: number;
  certificatesCreated: number;
  keysCreated: number;
  encryptionKeysCreated: number;
  manualSteps: number;
  conflicts: number;
  notFixed: number;
  /** Every component a change makes restart, or that must be restarted to load one. */
  restarts: string[];
}

export interface FixPlan {
  summary: PlanSummary;
  changes: PlannedChange[];
  manualSteps: Array<{ title: string; rule: string; commands: string[] }>;
  conflicts: Array<{ file: string; message: string }>;
  notFixed: Array<{ file?: string; message: string }>;
}

const DAY = (date: Date) => date.toISOString().slice(0, 10);

function keyText(cert: Certificate): string {
  const { algorithm, bits, curve } = cert.publicKey;
  if (algorithm === 'rsa') return `RSA ${bits ?? '?'}`;
  if (algorithm === 'ec') return `EC ${curve === 'secp384r1' ? 'P-384' : curve === 'prime256v1' ? 'P-256' : (curve ?? '')}`.trim();
  return algorithm === 'ed25519' ? 'Ed25519' : algorithm;
}

function view(cert: Certificate): CertificateView {
  return {
    subject: cert.subject,
    sans: [...cert.dnsNames.map((d) => `DNS:${d}`), ...cert.ipAddresses.map((i) => `IP:${i}`)],
    notBefore: DAY(cert.notBefore),
    notAfter: DAY(cert.notAfter),
    issuer: cert.issuer,
    key: keyText(cert),
    usages: cert.extendedKeyUsage ?? [],
    serial: cert.serialNumber,
  };
}

/** Certificates and private key blocks of a text, in order: PEM blocks and kubeconfig `*-data` fields. */
interface Material {
  certificates: Certificate[];
  /** The DER of each private key (compared, never shown). */
  keys: string[];
}

const DATA_FIELD = /^([ \t]*(?:-[ \t]+)?)(client-certificate-data|certificate-authority-data|client-key-data):[ \t]*["']?([A-Za-z0-9+/=]+)["']?[ \t]*$/gm;

function pemMaterial(pem: string, into: Material): void {
  for (const block of scanPem(pem).blocks) {
    if (block.label === 'CERTIFICATE') {
      try {
        into.certificates.push(readCertificate(block.der, { host: '', root: 0, file: '' }, '', into.certificates.length));
      } catch {
        // not a certificate after all: the diff shows its lines masked
      }
    } else if (block.label.endsWith('PRIVATE KEY')) into.keys.push(block.der.toString('base64'));
  }
}

function materialOf(text: string): Material {
  const material: Material = { certificates: [], keys: [] };
  pemMaterial(text, material);
  for (const match of text.matchAll(DATA_FIELD)) pemMaterial(Buffer.from(match[3], 'base64').toString('utf8'), material);
  return material;
}

function certificateSummary(cert: Certificate | undefined): string {
  return cert ? `<certificate ${cert.subject}, serial ${cert.serialNumber}, valid ${DAY(cert.notBefore)} – ${DAY(cert.notAfter)}>` : '<certificate>';
}

/**
 * A file's text as a diff shows it: certificates as one line each (subject, serial,
 * validity) instead of base64, and every secret value masked (model/secrets.ts).
 */
/**
 * What a diff may show: every secret value (by structure, and every value the scan knows
 * to be secret, whatever YAML style wrote it) becomes a numbered marker. A secret that
 * changes shows as a changed line with another number: that it changed, never what it is.
 */
export function secretRedactor(known: SecretValues): (text: string) => string {
  const ids = new Map<string, number>();
  const mark = (value: string) => {
    let id = ids.get(value);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(value, id);
    }
    return /PRIVATE KEY-----/.test(value) ? `(private key material not shown: key #${id})` : `***** (secret #${id}, not shown)`;
  };
  return (text) => known.mask(maskSecretsInText(text, mark), mark);
}

export function displayText(text: string, redact: (text: string) => string = maskSecretsInText): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '-----BEGIN CERTIFICATE-----') {
      const end = lines.findIndex((l, j) => j > i && l.trim() === '-----END CERTIFICATE-----');
      if (end > i) {
        const material = materialOf(lines.slice(i, end + 1).join('\n'));
        out.push(line, certificateSummary(material.certificates[0]), lines[end]);
        i = end;
        continue;
      }
    }
    out.push(line);
  }
  const summarised = out.join('\n').replace(DATA_FIELD, (whole, head: string, field: string, value: string) => {
    if (field === 'client-key-data') return `${head}${field}: ${MASK}`;
    const material = materialOf(Buffer.from(value, 'base64').toString('utf8'));
    return `${head}${field}: ${certificateSummary(material.certificates[0])}`;
  });
  return redact(summarised);
}

/** Pairs the certificates of a file before and after, in order; a changed DER is a re-issue. */
function certificateChanges(before: Material, after: Material): CertificateChange[] {
  const changes: CertificateChange[] = [];
  after.certificates.forEach((cert, index) => {
    const old = before.certificates[index];
    if (old && old.fingerprint === cert.fingerprint) return;
    changes.push({ ...(old ? { before: view(old) } : {}), after: view(cert), newKey: !old || old.publicKey.fingerprint !== cert.publicKey.fingerprint });
  });
  return changes;
}

function newKeys(before: Material, after: Material): number {
  const old = new Set(before.keys);
  return after.keys.filter((key) => !old.has(key)).length;
}

/** The host path of a file reference: its path below the host's folder. */
function hostPathOf(cluster: Cluster, ref: { host: string; file: string }): string {
  const prefix = cluster.hosts.find((h) => h.name === ref.host)?.prefix ?? '';
  return `/${prefix ? ref.file.slice(prefix.length + 1) : ref.file}`;
}

function where(component: Component): string {
  return `${component.kind} on ${component.host}`;
}

/** The components that must restart, by name (`kube-apiserver on cp-1`), in plan order. */
function restartsOf(changes: PlannedChange[]): string[] {
  return [...new Set(changes.flatMap((c) => c.restart.map((r) => r.slice(0, r.indexOf(':')))))];
}

/** How a component picks up a changed file: its definition, or a file it reads at start. */
function restartOf(component: Component, definitionChanged: boolean): string {
  const name = where(component);
  switch (component.source) {
    case 'static-pod':
      return definitionChanged
        ? `${name}: the kubelet recreates the static pod when its manifest changes (a short outage of it on ${component.host})`
        : `${name}: restart it to load the file (crictl stop its container, or move ${component.definedAt.file.split('/').pop()} out of the manifests folder and back)`;
    case 'systemd':
    case 'env-file': {
      const unit = component.source === 'systemd' ? path.basename(component.definedAt.file) : `${component.kind === 'kubelet' ? 'kubelet' : component.kind}.service`;
      return `${name}: systemctl daemon-reload && systemctl restart ${unit}`;
    }
    case 'process':
      return `${name}: restart it where it is started (it runs as a plain process)`;
    default:
      return `${name}: restart it to load the change`;
  }
}

/** What a rule's change sets off beyond the file itself (said once per change); fixes add their own per file (ChangeSet.sideEffect). */
const RULE_EFFECTS: Record<string, string> = {
  'apiserver/no-encryption-at-rest': 'Secrets written from now on are encrypted; existing ones stay plaintext until re-written (see the manual steps). Every apiserver must have the same key, and losing the file loses the Secrets: back it up',
  'encryption/no-aescbc-provider': 'new Secrets are encrypted with the new key; the old providers stay for reading until the Secrets are re-written (see the manual steps)',
  'encryption/weak-key': 'new Secrets are encrypted with the new key; the old key stays for reading until the Secrets are re-written (see the manual steps)',
  'encryption/legacy-config': 'the config takes its current apiVersion and kind; the apiserver must be one that reads them (1.13 or later)',
  'pki/shared-ca': 'etcd gets a CA of its own: etcd members and the apiservers must switch together, member by member, or they stop trusting each other',
  'cni/leftover-weave-conf': 'the container runtime takes the next CNI config for new pods; running pods keep their network',
  'cni/no-portmap': 'hostPort mappings work for pods created from now on; running pods keep their network',
  'cni/shadowed-config': 'the container runtime takes another CNI config for new pods; running pods keep their network',
  'network/missing-service-route': 'systemd-networkd applies the route on networkctl reload (or at boot)',
  'addons/missing-mode-label': 'the addon manager reconciles the object from now on (and prunes it when the file goes)',
  'upgrade/removed-flag': 'the component starts again on its current version (it refused the removed flag)',
  'pki/key-permissions': 'only the owner can read the key: a process of another user that read it loses access',
};

/** Side effects of a change: its rules', and what its certificates and keys imply. */
function sideEffectsOf(change: PlannedChange, fromFixes: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const effects = change.rules.map((rule) => RULE_EFFECTS[rule]).filter((e): e is string => !!e);
  if (change.certificates.some((c) => c.before && c.newKey)) effects.push('a new key pair: copies of the old certificate or key elsewhere (kubeconfigs, other hosts) stop matching it');
  if (change.certificates.some((c) => c.before && c.before.issuer !== c.after.issuer)) effects.push('signed by another CA: whatever checks it must trust that CA');
  if (change.action === 'remove') effects.push('the file is kept in the backup folder');
  if (change.action === 'chmod' && effects.length === 0) effects.push('users other than the owner lose what the old mode let them do: an agent or backup job that read the file as another user stops reading it');
  if (change.action === 'chown') effects.push(`the file belongs to ${change.owner}: a process that wrote it as ${change.ownerBefore ?? 'its former owner'} loses write access`);
  // What a fix said of a file's new content, beside the change of that content (not beside a mode or owner change of it).
  if (change.action !== 'chmod' && change.action !== 'chown') effects.push(...(fromFixes.get(`${change.host}\u0000${change.file}`) ?? []));
  return [...new Set(effects)];
}

/** Components that read or are defined by each file (host and path), for restart needs. */
class Readers {
  private readonly byFile = new Map<string, Array<{ component: Component; definition: boolean }>>();

  constructor(cluster: Cluster) {
    const add = (host: string, file: string, component: Component, definition: boolean) => {
      const key = `${host}\u0000${file}`;
      const list = this.byFile.get(key) ?? [];
      if (!list.some((r) => r.component === component && r.definition === definition)) list.push({ component, definition });
      this.byFile.set(key, list);
    };
    for (const component of cluster.components) {
      add(component.host, component.definedAt.file, component, true);
      for (const s of component.settings) add(s.at.host, s.at.file, component, true);
    }
    for (const ref of cluster.fileRefs) if (ref.owner) add(ref.host, `${ref.hostPath}`, ref.owner, false);
    for (const kubeconfig of cluster.kubeconfigs) {
      const user = cluster.components.find((c) => c.host === kubeconfig.host && c.kind === kubeconfig.usedBy);
      if (!user) continue;
      add(kubeconfig.host, kubeconfig.hostPath, user, false);
      for (const ref of kubeconfig.refs) add(ref.host, ref.hostPath.split('#')[0], user, false);
    }
  }

  of(host: string, file: string, hostPath: string): Array<{ component: Component; definition: boolean }> {
    const definitions = this.byFile.get(`${host}\u0000${file}`) ?? [];
    const readers = this.byFile.get(`${host}\u0000${hostPath}`) ?? [];
    return [...definitions, ...readers.filter((r) => !definitions.some((d) => d.component === r.component))];
  }
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** The AES keys of aescbc providers in a config text (to count new ones; never shown). */
function encryptionSecrets(text: string): string[] {
  return [...text.matchAll(/^\s*secret:\s*["']?([A-Za-z0-9+/=]{16,})["']?\s*$/gm)].map((m) => m[1]);
}

/** The whole plan of a change set: changes by file (in path order), manual steps, and the summary. */
export function buildFixPlan(cs: ChangeSet): FixPlan {
  const cluster = cs.cluster;
  const readers = new Readers(cluster);
  const redact = secretRedactor(secretValuesOf(cluster));
  const changes: PlannedChange[] = [];
  const oldSecrets = new Set<string>();
  const newSecrets = new Set<string>();
  const base = (ref: FileRef, action: PlannedChange['action'], rules: string[]): PlannedChange => ({ host: ref.host, file: ref.file, action, rules: [...new Set(rules)], holdsKey: false, certificates: [], keysCreated: 0, sideEffects: [], restart: [] });

  for (const edit of cs.edits.values()) {
    const after = applyEdits(edit.original, edit.edits);
    const change = base(edit, 'edit', edit.edits.map((e) => e.ruleId));
    const [materialBefore, materialAfter] = [materialOf(edit.original), materialOf(after)];
    change.certificates = certificateChanges(materialBefore, materialAfter);
    change.keysCreated = newKeys(materialBefore, materialAfter);
    change.holdsKey = materialAfter.keys.length > 0;
    const [shownBefore, shownAfter] = [displayText(edit.original, redact), displayText(after, redact)];
    // A file whose only change is certificates or keys is shown decoded, not as a diff of summaries.
    const material = (text: string) => text.replace(/<certificate [^>]*>/g, '<certificate>').replace(/\(private key material not shown: key #\d+\)/g, '<key>');
    const onlyMaterial = change.certificates.length + change.keysCreated > 0 && material(shownBefore) === material(shownAfter);
    if (!onlyMaterial && shownBefore !== shownAfter) change.diff = unifiedDiff(shownBefore, shownAfter, `a/${edit.file}`, `b/${edit.file}`);
    encryptionSecrets(edit.original).forEach((s) => oldSecrets.add(s));
    encryptionSecrets(after).forEach((s) => newSecrets.add(s));
    changes.push(change);
  }
  for (const create of cs.creates.values()) {
    const change = base(create, 'create', [create.ruleId]);
    const material = materialOf(create.content);
    change.mode = octal(create.secret ? 0o600 : create.mode);
    change.certificates = certificateChanges({ certificates: [], keys: [] }, material);
    change.keysCreated = material.keys.length;
    change.holdsKey = material.keys.length > 0;
    if (!change.holdsKey && change.certificates.length === 0) change.diff = unifiedDiff('', displayText(create.content, redact), '/dev/null', `b/${create.file}`);
    encryptionSecrets(create.content).forEach((s) => newSecrets.add(s));
    changes.push(change);
  }
  for (const remove of cs.removes.values()) changes.push({ ...base(remove, 'remove', [remove.ruleId]), reason: remove.reason });
  for (const chmod of cs.chmods.values()) {
    const before = cluster.fileFacts(chmod.host, hostPathOf(cluster, chmod))?.mode;
    changes.push({ ...base(chmod, 'chmod', [chmod.ruleId]), mode: octal(chmod.mode), ...(before !== undefined ? { modeBefore: octal(before) } : {}) });
  }
  for (const chown of cs.chowns.values()) {
    const before = cluster.fileFacts(chown.host, hostPathOf(cluster, chown))?.owner;
    changes.push({ ...base(chown, 'chown', [chown.ruleId]), owner: chown.owner, ...(before !== undefined ? { ownerBefore: before } : {}) });
  }

  changes.sort((a, b) => a.file.localeCompare(b.file) || a.action.localeCompare(b.action));
  for (const change of changes) {
    change.sideEffects = sideEffectsOf(change, cs.effects);
    if (change.action === 'chmod' || change.action === 'chown') continue;
    const hostPath = hostPathOf(cluster, change);
    change.restart = readers.of(change.host, change.file, hostPath).map(({ component, definition }) => restartOf(component, definition));
  }

  const created = changes.filter((c) => c.action === 'create');
  const certificates = changes.flatMap((c) => c.certificates);
  const summary: PlanSummary = {
    filesChanged: changes.length,
    edited: changes.filter((c) => c.action === 'edit').length,
    created: created.length,
    removed: changes.filter((c) => c.action === 'remove').length,
    modesChanged: changes.filter((c) => c.action === 'chmod').length,
    ownersChanged: changes.filter((c) => c.action === 'chown').length,
    hosts: new Set(changes.map((c) => c.host)).size,
    certificatesReissued: certificates.filter((c) => c.before).length,
    certificatesCreated: certificates.filter((c) => !c.before).length,
    keysCreated: changes.reduce((n, c) => n + c.keysCreated, 0),
    encryptionKeysCreated: [...newSecrets].filter((s) => !oldSecrets.has(s)).length,
    manualSteps: cs.plan.length,
    conflicts: cs.conflicts.length,
    notFixed: cs.skipped.length,
    restarts: restartsOf(changes),
  };
  return {
    summary,
    changes,
    manualSteps: cs.plan.map((step) => ({ title: step.title, rule: step.ruleId, commands: step.commands })),
    conflicts: [...cs.conflicts],
    notFixed: [...cs.skipped],
  };
}
