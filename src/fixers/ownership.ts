/**
 * Mode and owner fixes of any file or folder, where the scan read them from:
 * - a copied tree with `.kaudit-snapshot.json`: its `modes` and `owners` entries (the copy
 *   is not the node; what `kaudit collect` recorded is). A mode is also given to the copy
 *   itself when it holds the file, so the copy agrees with its manifest;
 * - a host root read from the file system: chmod of the file; chown only on a live host
 *   root (`kaudit scan /`, `--host-root`) and only as root, with the user and group named
 *   through the host's own etc/passwd and etc/group. Elsewhere the change is a plan step.
 */
import type { ChangeSet } from './changeset.js';
import type { HostFile } from './types.js';
import { yamlValueRange } from './yaml-edit.js';
import { SNAPSHOT_MANIFEST } from '../collectors/snapshot.js';

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function hostOf(cs: ChangeSet, name: string) {
  return cs.cluster.hosts.find((h) => h.name === name);
}

/**
 * Replaces the value of one entry of the snapshot manifest's `modes` or `owners` (JSON is
 * YAML: the parser gives the value's range, so the rest of the file stays byte for byte).
 */
function editSnapshotEntry(cs: ChangeSet, host: string, section: 'modes' | 'owners', hostPath: string, value: string, ruleId: string): boolean {
  const ref = cs.ref(host, `/${SNAPSHOT_MANIFEST}`);
  const text = cs.text(ref);
  const range = text === undefined ? undefined : yamlValueRange(text, [section, hostPath]);
  if (!text || !range) {
    cs.skipped.push({ file: ref.file, message: `${section} has no entry for ${hostPath}; not changed` });
    return false;
  }
  // Keep the entry's form: a JSON string ("0600") or a number.
  const quoted = text[range.start] === '"';
  return cs.edit(ref, { start: range.start, end: range.end, text: quoted ? JSON.stringify(value) : value }, ruleId);
}

/** chmod: the snapshot's `modes` of a copied tree (and the copy), else the file itself. */
export function fixMode(cs: ChangeSet, file: HostFile, mode: number, ruleId: string): void {
  const host = hostOf(cs, file.host);
  if (!host) return;
  if (host.modes === 'snapshot') {
    editSnapshotEntry(cs, file.host, 'modes', file.hostPath, octal(mode), ruleId);
    if (cs.fsOf(file.host).exists(file.hostPath)) cs.chmod(cs.ref(file.host, file.hostPath), mode, ruleId);
    return;
  }
  cs.chmod(cs.ref(file.host, file.hostPath), mode, ruleId);
}

/** `name:x:id:…` lines of the host's own passwd or group file: name → id. */
function accountIds(cs: ChangeSet, host: string, file: '/etc/passwd' | '/etc/group'): Map<string, number> {
  const ids = new Map<string, number>([['root', 0]]);
  let text: string | undefined;
  try {
    text = cs.fsOf(host).readFile(file)?.data.toString('utf8');
  } catch {
    text = undefined;
  }
  for (const line of text?.split('\n') ?? []) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !ids.has(name)) ids.set(name, Number(id));
  }
  return ids;
}

/** "user:group" → ids on the host; a number stands for itself. */
function idsOf(cs: ChangeSet, host: string, owner: string): { uid: number; gid: number } | string {
  const [user, group = user] = owner.split(':');
  const id = (name: string, table: Map<string, number>) => (/^\d+$/.test(name) ? Number(name) : table.get(name));
  const uid = id(user, accountIds(cs, host, '/etc/passwd'));
  const gid = id(group, accountIds(cs, host, '/etc/group'));
  if (uid === undefined) return `the user ${user} does not exist on ${host}`;
  if (gid === undefined) return `the group ${group} does not exist on ${host}`;
  return { uid, gid };
}

/** chown: the snapshot's `owners` of a copied tree, else (live, as root) the file itself, else a plan step. */
export function fixOwner(cs: ChangeSet, file: HostFile, owner: string, ruleId: string): void {
  const host = hostOf(cs, file.host);
  if (!host) return;
  if (host.owners === 'snapshot') {
    editSnapshotEntry(cs, file.host, 'owners', file.hostPath, owner, ruleId);
    return;
  }
  const command = `chown ${owner} ${file.hostPath}`;
  const ids = host.owners === 'filesystem' ? idsOf(cs, file.host, owner) : 'its owners are not read from a file system';
  const asRoot = process.geteuid?.() === 0;
  if (typeof ids === 'string' || !asRoot) {
    const why = typeof ids === 'string' ? ids : 'kaudit does not run as root';
    cs.addPlan({ title: `On ${file.host}: give ${file.hostPath} the owner ${owner} (${why})`, commands: [command] }, ruleId);
    return;
  }
  cs.chown(cs.ref(file.host, file.hostPath), owner, ids, ruleId);
}
