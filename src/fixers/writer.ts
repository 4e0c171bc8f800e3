/**
 * Writes a change set through the safe writer (src/io/write.ts), all or nothing:
 *  1. every file to replace or remove is copied into a private backup folder
 *     (PATH/.kaudit-backup/<timestamp>/, 0700, files 0600);
 *  2. a journal of the write is put beside the backups;
 *  3. every new content is written to a temporary file beside its target and synced;
 *  4. the temporary files are renamed over their targets, removals and mode changes done.
 * A failure before step 4 leaves every file as it was; a failure in step 4 puts the files
 * already changed back from the backups. So a certificate and its key are replaced
 * together or not at all. The journal goes when the write is complete; one left by a
 * killed run is rolled back by the next `kaudit fix --write` (recoverInterruptedWrites).
 * Nothing is written through a link, nor outside the scanned folder.
 */
import path from 'node:path';
import { applyEdits } from './text.js';
import type { ChangeSet, FileRef } from './changeset.js';
import { BACKUP_FOLDER, JOURNAL_NAME, findJournals, rollBack, sha256, type Journal, type JournalEntry } from './journal.js';
import { isInside, lstatOf, readTreeFile, realPathOf, statOf } from '../io/read.js';
import {
  WriteRefused,
  changeMode,
  changeOwner,
  commitFile,
  discardFile,
  ensureFolder,
  ensureUserFolder,
  errorCode,
  faultsFromEnvironment,
  prepareFile,
  removeFile,
  tempNameFor,
  writeFileAtomic,
  type FaultHook,
  type Prepared,
} from '../io/write.js';

export interface WriteOptions {
  /** Backups go to BACKUP/<timestamp>/<path relative to the scan root>. */
  backupRoot?: string;
  now: Date;
  /** Fault injection for tests: called before each step (create, write, fsync, rename, backup, remove, chmod); throwing fails it. */
  faults?: FaultHook;
}

export interface WriteResult {
  applied: string[];
  notApplied: string[];
  refused: Array<{ file: string; reason: string }>;
  error?: string;
  backupDir?: string;
}

interface Operation {
  ref: FileRef;
  kind: 'edit' | 'create' | 'remove' | 'chmod' | 'chown';
  root: string;
  content?: string;
  mode?: number;
  owner?: { uid: number; gid: number };
  existed: boolean;
  entry: JournalEntry;
  prepared?: Prepared;
  done?: boolean;
}

/** Private key material, a kubeconfig's key or an encryption secret: never readable by group or others. */
function holdsKeyMaterial(content: string): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----|^\s*client-key-data\s*:|^[ \t]*-?[ \t]*secret[ \t]*:[ \t]*[^\s#{[]/m.test(content);
}

function rootOf(cs: ChangeSet, real: string): string | undefined {
  return cs.cluster.roots.map((r) => r.path).find((root) => real === root || real.startsWith(`${root}${path.sep}`));
}

/** Whether a target, and its deepest existing folder with links resolved, are inside the root. */
function staysInside(root: string, target: string): boolean {
  const realRoot = realPathOf(root);
  let probe = target;
  while (!lstatOf(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  const real = realPathOf(probe);
  if (!realRoot || !real || !isInside(realRoot, real)) return false;
  return !lstatOf(target)?.isSymbolicLink();
}

function backupName(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function operationsOf(cs: ChangeSet): Array<Omit<Operation, 'root' | 'entry' | 'existed'>> {
  const ops: Array<Omit<Operation, 'root' | 'entry' | 'existed'>> = [];
  for (const edit of cs.edits.values()) {
    const stat = statOf(edit.real);
    const content = applyEdits(edit.original, edit.edits);
    const mode = (stat?.mode ?? 0o600) & 0o7777;
    ops.push({ ref: edit, kind: 'edit', content, mode: holdsKeyMaterial(content) ? mode & ~0o077 : mode, ...(stat ? { owner: { uid: stat.uid, gid: stat.gid } } : {}) });
  }
  for (const create of cs.creates.values()) {
    const stat = statOf(create.real);
    const mode = create.secret || holdsKeyMaterial(create.content) ? 0o600 : (stat?.mode ?? create.mode) & 0o7777;
    ops.push({ ref: create, kind: 'create', content: create.content, mode, ...(stat ? { owner: { uid: stat.uid, gid: stat.gid } } : {}) });
  }
  for (const remove of cs.removes.values()) ops.push({ ref: remove, kind: 'remove' });
  for (const chmod of cs.chmods.values()) ops.push({ ref: chmod, kind: 'chmod', mode: chmod.mode });
  for (const chown of cs.chowns.values()) ops.push({ ref: chown, kind: 'chown', owner: { uid: chown.uid, gid: chown.gid } });
  return ops;
}

/** A backup folder of its own for this run: PATH/.kaudit-backup/<timestamp>[-N], private. */
function backupFolder(base: string, within: string, stamp: string): string {
  ensureFolder(within, base, { mode: 0o700, private: true });
  for (let n = 1; ; n++) {
    const folder = path.join(base, n === 1 ? stamp : `${stamp}-${n}`);
    if (lstatOf(folder)) continue;
    ensureFolder(base, folder, { mode: 0o700, private: true });
    return folder;
  }
}

function describe(error: unknown): string {
  return error instanceof WriteRefused ? error.message : errorCode(error);
}

export function writeChanges(cs: ChangeSet, options: WriteOptions): WriteResult {
  const faults = options.faults ?? faultsFromEnvironment();
  const result: WriteResult = { applied: [], notApplied: [], refused: [] };
  const operations: Operation[] = [];
  for (const op of operationsOf(cs)) {
    const root = rootOf(cs, op.ref.real);
    if (root === undefined || !staysInside(root, op.ref.real)) {
      result.refused.push({ file: op.ref.file, reason: 'a link leads out of the scanned folder; not written' });
      continue;
    }
    const existing = lstatOf(op.ref.real);
    const entry: JournalEntry = { kind: op.kind, target: op.ref.real, ...(existing ? { oldMode: existing.mode & 0o7777, oldOwner: { uid: existing.uid, gid: existing.gid } } : {}) };
    operations.push({ ...op, root, existed: existing !== undefined, entry });
  }
  if (operations.length === 0) return result;
  const fail = (message: string) => {
    result.error = message;
    result.notApplied = operations.map((o) => o.ref.file);
    result.applied = [];
    return result;
  };

  // 1. Backups, and the journal beside them: if one cannot be made, nothing is changed.
  const stamp = backupName(options.now);
  const journals = new Map<string, { folder: string; journal: Journal }>();
  for (const op of operations) {
    const base = options.backupRoot ? path.resolve(options.backupRoot) : path.join(op.root, BACKUP_FOLDER);
    try {
      let backup = journals.get(base);
      if (!backup) {
        if (options.backupRoot) ensureUserFolder(base);
        backup = { folder: backupFolder(base, options.backupRoot ? base : op.root, stamp), journal: { kaudit: 'fix-journal', version: 1, startedAt: new Date().toISOString(), entries: [] } };
        journals.set(base, backup);
        result.backupDir = backup.folder;
      }
      backup.journal.entries.push(op.entry);
      if (op.content !== undefined) {
        op.entry.temp = tempNameFor(op.ref.real);
        op.entry.newSha256 = sha256(op.content);
      }
      if (op.kind === 'chmod') op.entry.newMode = op.mode;
      if (op.kind === 'chown') op.entry.newOwner = op.owner;
      // A mode or owner change keeps the content: nothing to back up (the journal holds the old mode and owner).
      if (!op.existed || op.kind === 'chmod' || op.kind === 'chown') continue;
      const target = path.join(backup.folder, path.relative(op.root, op.ref.real));
      faults?.('backup', target);
      const old = readTreeFile(op.ref.real, { kind: 'snapshot', within: realPathOf(op.root) });
      writeFileAtomic(target, old.data, { mode: 0o600, within: backup.folder, folderMode: 0o700, privateFolders: true });
      op.entry.backup = target;
    } catch (error) {
      return fail(`backup of ${op.ref.file} failed (${describe(error)}); nothing was changed`);
    }
  }
  try {
    for (const { folder, journal } of journals.values()) {
      writeFileAtomic(path.join(folder, JOURNAL_NAME), `${JSON.stringify(journal, null, 2)}\n`, { mode: 0o600, within: folder });
    }
  } catch (error) {
    return fail(`the journal of the write cannot be written (${describe(error)}); nothing was changed`);
  }
  const finishJournals = () => {
    for (const { folder } of journals.values()) removeFile(path.join(folder, JOURNAL_NAME));
  };

  // 2. Every new content in a temporary file beside its target, synced.
  for (const op of operations) {
    if (op.content === undefined) continue;
    try {
      ensureFolder(op.root, path.dirname(op.ref.real));
      op.prepared = prepareFile(op.ref.real, op.content, { mode: op.mode ?? 0o600, ...(op.owner ? { owner: op.owner } : {}), ...(faults ? { faults } : {}) }, op.entry.temp);
    } catch (error) {
      for (const other of operations) if (other.prepared) discardFile(other.prepared);
      finishJournals();
      return fail(`${op.kind} of ${op.ref.file} failed (${describe(error)}); nothing was changed`);
    }
  }

  // 3. The renames, removals and mode changes; on a failure the ones done are undone.
  for (const op of operations) {
    try {
      if (op.prepared) commitFile(op.prepared, faults);
      else if (op.kind === 'remove') removeFile(op.ref.real, faults);
      else if (op.kind === 'chmod') changeMode(op.ref.real, op.mode!, faults);
      else if (op.kind === 'chown') changeOwner(op.ref.real, op.owner!.uid, op.owner!.gid, faults);
      op.done = true;
    } catch (error) {
      for (const other of operations) if (other.prepared && !other.done) discardFile(other.prepared);
      const undone = undo(operations.filter((o) => o.done));
      if (undone.failed.length === 0) {
        finishJournals();
        return fail(`${op.kind} of ${op.ref.file} failed (${describe(error)}); ${undone.restored > 0 ? `the ${undone.restored} file${undone.restored === 1 ? '' : 's'} already changed were put back, so ` : ''}nothing was changed`);
      }
      // What could not be put back stays in the journal: the next fix --write rolls it back.
      result.error = `${op.kind} of ${op.ref.file} failed (${describe(error)}), and ${undone.failed.join(', ')} could not be put back from ${result.backupDir}; run kaudit fix --write again to roll the write back`;
      result.applied = operations.filter((o) => o.done).map((o) => o.ref.file);
      result.notApplied = operations.filter((o) => !o.done).map((o) => o.ref.file);
      return result;
    }
  }
  finishJournals();
  result.applied = operations.map((o) => o.ref.file);
  return result;
}

/** Puts back the operations already done, from the backups. */
function undo(done: Operation[]): { restored: number; failed: string[] } {
  const failed: string[] = [];
  let restored = 0;
  for (const op of [...done].reverse()) {
    try {
      if (op.kind === 'chmod') changeMode(op.ref.real, op.entry.oldMode!);
      else if (op.kind === 'chown') changeOwner(op.ref.real, op.entry.oldOwner!.uid, op.entry.oldOwner!.gid);
      else if (op.entry.backup) {
        const old = readTreeFile(op.entry.backup, { kind: 'snapshot' });
        writeFileAtomic(op.ref.real, old.data, { mode: op.entry.oldMode ?? 0o600, ...(op.entry.oldOwner ? { owner: op.entry.oldOwner } : {}), within: path.dirname(op.ref.real) });
      } else removeFile(op.ref.real);
      op.done = false;
      restored++;
    } catch {
      failed.push(op.ref.file);
    }
  }
  return { restored, failed };
}

/**
 * Rolls back the writes of earlier runs that were killed in the middle (their journals
 * are still in the backup folders). Run before a `fix --write` scans. Returns one line
 * per rolled-back run.
 */
export function recoverInterruptedWrites(roots: string[], backupRoot?: string): string[] {
  const bases = backupRoot ? [path.resolve(backupRoot)] : roots.map((root) => path.join(path.resolve(root), BACKUP_FOLDER));
  const messages: string[] = [];
  for (const journal of [...new Set(bases)].flatMap(findJournals)) {
    try {
      const done = rollBack(journal, roots);
      messages.push(`an interrupted kaudit fix --write (${path.basename(path.dirname(journal))}) was rolled back: ${done.length > 0 ? done.join('; ') : 'no file had been changed yet'}`);
    } catch (error) {
      messages.push(`an interrupted kaudit fix --write left ${journal}, which cannot be rolled back (${describe(error)}); restore its files from ${path.dirname(journal)} by hand`);
    }
  }
  return messages;
}
