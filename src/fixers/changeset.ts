import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { applyEdits, type TextEdit } from './text.js';
import type { PlanStep } from './types.js';
import { HostFS, fileKindOf } from '../collectors/hostfs.js';
import { readTreeFile, statOf } from '../io/read.js';
import type { Cluster } from '../model/cluster.js';
import type { SourceLocation } from '../model/types.js';

/** A file of a scanned host: where it is on this machine and in the report. */
export interface FileRef {
  host: string;
  /** Path relative to the scan root (as reports show it). */
  file: string;
  /** Absolute path on this machine, inside the scan root. */
  real: string;
}

export interface FileEdit extends FileRef {
  original: string;
  edits: Array<TextEdit & { ruleId: string }>;
}

export interface FileCreate extends FileRef {
  content: string;
  mode: number;
  /** Holds key material: its content is never printed. */
  secret: boolean;
  ruleId: string;
}

export interface FileRemove extends FileRef {
  reason: string;
  ruleId: string;
}

export interface FileChmod extends FileRef {
  mode: number;
  ruleId: string;
}

export interface FileChown extends FileRef {
  /** "user:group" as the host names them. */
  owner: string;
  uid: number;
  gid: number;
  ruleId: string;
}

export interface Conflict {
  file: string;
  message: string;
}

/** Every change the fixes of one run make, merged by file, and the manual steps. */
export class ChangeSet {
  readonly edits = new Map<string, FileEdit>();
  readonly creates = new Map<string, FileCreate>();
  readonly removes = new Map<string, FileRemove>();
  readonly chmods = new Map<string, FileChmod>();
  readonly chowns = new Map<string, FileChown>();
  /** Every edit's file, in the order the edits were added (changedBy reads the files a step edited). */
  readonly edited: FileRef[] = [];
  /** What a change sets off beyond the file itself (a probe that would fail, clients refused), by file: said in the dry run. */
  readonly effects = new Map<string, Set<string>>();
  readonly plan: Array<PlanStep & { ruleId: string }> = [];
  readonly conflicts: Conflict[] = [];
  /** Problems that stopped a fix (a file that cannot be parsed), said instead of applied. */
  readonly skipped: Array<{ file?: string; message: string }> = [];
  private readonly hostFs = new Map<string, HostFS>();
  private readonly encryptionSecrets = new Map<string, string>();

  /**
   * The aescbc key this run writes for one resources entry (`resources.0`) of every
   * encryption config it creates or rewrites: apiservers of one cluster must share it, or
   * each reads only what it wrote; entries of one file get keys of their own.
   */
  sharedEncryptionKey(entry = 'resources.0'): string {
    let key = this.encryptionSecrets.get(entry);
    if (!key) {
      key = randomBytes(32).toString('base64');
      this.encryptionSecrets.set(entry, key);
    }
    return key;
  }

  constructor(readonly cluster: Cluster) {}

  /** The host root of a host, as a chroot-like file system (links resolve inside it). */
  fsOf(host: string): HostFS {
    let fsys = this.hostFs.get(host);
    if (!fsys) {
      const h = this.cluster.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`unknown host ${host}`);
      fsys = new HostFS(path.join(this.cluster.roots[h.root].path, h.prefix));
      this.hostFs.set(host, fsys);
    }
    return fsys;
  }

  /** A host path of a host as a file reference; the real path follows links inside the host. */
  ref(host: string, hostPath: string): FileRef {
    const h = this.cluster.hosts.find((x) => x.name === host)!;
    const fsys = this.fsOf(host);
    let real = fsys.realPathOf(hostPath);
    try {
      real = fsys.resolve(hostPath)?.real ?? real;
    } catch {
      // a loop or an escaping link: the writer refuses it
    }
    const rel = path.relative(this.cluster.roots[h.root].path, real).split(path.sep).join('/');
    return { host, file: rel, real };
  }

  /** The file a source location points at. */
  refAt(at: SourceLocation): FileRef {
    const h = this.cluster.hosts.find((x) => x.name === at.host)!;
    const hostPath = '/' + (h.prefix ? at.file.slice(h.prefix.length + 1) : at.file);
    return this.ref(at.host, hostPath);
  }

  /** The text of a file as scanned: every edit of a run is an offset into it. */
  text(ref: FileRef): string | undefined {
    const pending = this.edits.get(ref.real);
    if (pending) return pending.original;
    try {
      return this.read(ref);
    } catch {
      return undefined;
    }
  }

  /** A file's text, read as the scan read it: never through a link out of its host root, never a FIFO. */
  private read(ref: FileRef): string {
    const fsys = this.fsOf(ref.host);
    return readTreeFile(ref.real, { kind: fileKindOf(fsys.hostPathOf(ref.real)), within: fsys.realRoot }).data.toString('utf8');
  }

  /** The text of a file with this run's edits applied. */
  editedText(ref: FileRef): string | undefined {
    const pending = this.edits.get(ref.real);
    return pending ? applyEdits(pending.original, pending.edits) : this.text(ref);
  }

  /** Adds an edit to a file; overlapping edits of other fixes are a conflict, identical ones merge. */
  edit(ref: FileRef, edit: TextEdit, ruleId: string): boolean {
    let entry = this.edits.get(ref.real);
    if (!entry) {
      let original: string;
      try {
        original = this.read(ref);
      } catch {
        this.skipped.push({ file: ref.file, message: 'cannot be read; not changed' });
        return false;
      }
      entry = { ...ref, original, edits: [] };
      this.edits.set(ref.real, entry);
    }
    for (const other of entry.edits) {
      if (other.start === edit.start && other.end === edit.end && other.text === edit.text) return true;
      // Two deletions that touch (a token and the space beside another) become one.
      if (edit.text === '' && other.text === '' && edit.start <= other.end && other.start <= edit.end) {
        other.start = Math.min(other.start, edit.start);
        other.end = Math.max(other.end, edit.end);
        return true;
      }
      // Insertions at one place (two flags added after the last one) simply follow each other.
      const overlaps = edit.start < other.end && other.start < edit.end;
      if (overlaps) {
        this.conflicts.push({ file: ref.file, message: `${ruleId} and ${other.ruleId} change the same place; the ${ruleId} change is left out` });
        return false;
      }
    }
    entry.edits.push({ ...edit, ruleId });
    this.edited.push(entry);
    return true;
  }

  create(ref: FileRef, content: string, mode: number, secret: boolean, ruleId: string): void {
    const existing = this.creates.get(ref.real);
    if (existing && existing.content !== content) {
      this.conflicts.push({ file: ref.file, message: `${ruleId} and ${existing.ruleId} both create this file; the ${ruleId} version is left out` });
      return;
    }
    this.creates.set(ref.real, { ...ref, content, mode, secret, ruleId });
  }

  remove(ref: FileRef, reason: string, ruleId: string): void {
    this.removes.set(ref.real, { ...ref, reason, ruleId });
  }

  chmod(ref: FileRef, mode: number, ruleId: string): void {
    this.chmods.set(ref.real, { ...ref, mode, ruleId });
  }

  chown(ref: FileRef, owner: string, ids: { uid: number; gid: number }, ruleId: string): void {
    this.chowns.set(ref.real, { ...ref, owner, ...ids, ruleId });
  }

  /** Says what a change of this file sets off beyond the file itself (once per text). */
  sideEffect(ref: FileRef, text: string): void {
    const key = `${ref.host}\u0000${ref.file}`;
    const set = this.effects.get(key) ?? new Set<string>();
    set.add(text);
    this.effects.set(key, set);
  }

  addPlan(step: PlanStep, ruleId: string): void {
    if (this.plan.some((p) => p.title === step.title && p.commands.join('\n') === step.commands.join('\n'))) return;
    this.plan.push({ ...step, ruleId });
  }

  private readonly done = new Set<string>();
  /** Whole lines of continued commands to remove, per file: removed together, so the continuation stays right. */
  readonly continuationRemovals = new Map<string, { ref: FileRef; lines: Set<number>; ruleId: string }>();
  /** True the first time a cluster-wide fix asks: it runs once however many findings carry it. */
  once(name: string): boolean {
    if (this.done.has(name)) return false;
    this.done.add(name);
    return true;
  }

  /** Drops changes that would leave a file as it is (a drop-in written by an earlier run, a key already 0600). */
  pruneNoOps(): void {
    for (const [real, edit] of this.edits) if (applyEdits(edit.original, edit.edits) === edit.original) this.edits.delete(real);
    for (const [real, create] of this.creates) {
      try {
        if (this.read(create) === create.content) this.creates.delete(real);
      } catch {
        // not there yet: it is created
      }
    }
    for (const [real, chmod] of this.chmods) {
      const stat = statOf(real);
      if (stat && (stat.mode & 0o7777) === chmod.mode) this.chmods.delete(real); // missing: the writer reports it
    }
    for (const [real, chown] of this.chowns) {
      const stat = statOf(real);
      if (stat && stat.uid === chown.uid && stat.gid === chown.gid) this.chowns.delete(real);
    }
  }

  get isEmpty(): boolean {
    return this.edits.size + this.creates.size + this.removes.size + this.chmods.size + this.chowns.size === 0;
  }
}
