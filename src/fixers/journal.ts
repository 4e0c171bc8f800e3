/**
 * The journal of a `fix --write`: written into the private backup folder before the
 * first file is touched and removed when the write is complete. A journal that is still
 * there means a run was killed (SIGKILL, a power cut) in the middle; the next
 * `kaudit fix --write` rolls its files back from the backups and removes its temporary
 * files, and `kaudit scan` says that it is there.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { isInside, listFolder, lstatOf, readTreeFile, readUserFile, realPathOf } from '../io/read.js';
import { TEMP_NAME, WriteRefused, changeMode, changeOwner, removeFile, writeFileAtomic } from '../io/write.js';

export const JOURNAL_NAME = '.kaudit-journal.json';
export const BACKUP_FOLDER = '.kaudit-backup';

export interface JournalEntry {
  kind: 'edit' | 'create' | 'remove' | 'chmod' | 'chown';
  /** Absolute path of the file changed. */
  target: string;
  /** Its temporary file (edits and creates). */
  temp?: string;
  /** Its copy in the backup folder, when it existed. */
  backup?: string;
  oldMode?: number;
  oldOwner?: { uid: number; gid: number };
  newMode?: number;
  newOwner?: { uid: number; gid: number };
  /** sha256 of the new content: tells whether the rename had happened. */
  newSha256?: string;
}

export interface Journal {
  kaudit: 'fix-journal';
  version: 1;
  startedAt: string;
  entries: JournalEntry[];
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The journals of interrupted writes under a backup folder. */
export function findJournals(backupBase: string): string[] {
  if (!lstatOf(backupBase)?.isDirectory()) return [];
  let stamps: string[];
  try {
    stamps = listFolder(backupBase).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
  return stamps.map((stamp) => path.join(backupBase, stamp, JOURNAL_NAME)).filter((file) => lstatOf(file)?.isFile());
}

function currentSha(target: string): string | undefined {
  try {
    return sha256(readTreeFile(target, { kind: 'snapshot' }).data);
  } catch {
    return undefined;
  }
}

/** Private to this user: owned by it, closed to group and others, not a link. */
function isPrivate(file: string, directory: boolean): boolean {
  const stat = lstatOf(file);
  const uid = process.geteuid?.();
  return !!stat && (directory ? stat.isDirectory() : stat.isFile()) && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}

/**
 * A journal is trusted only when kaudit wrote it: in a private backup folder, naming
 * targets inside the scanned folders, temporary files beside them and backups inside its
 * own folder. A journal planted in a tree (a pull request may hold a .kaudit-backup) is refused.
 */
function checkJournal(journalFile: string, journal: Journal, roots: string[]): void {
  const folder = path.dirname(journalFile);
  if (!isPrivate(folder, true) || !isPrivate(journalFile, false) || journal.kaudit !== 'fix-journal' || !Array.isArray(journal.entries)) {
    throw new WriteRefused(`${journalFile} is not a journal kaudit wrote (its folder or file is not private to this user); not rolled back`);
  }
  const realRoots = roots.map((root) => realPathOf(root)).filter((root): root is string => root !== undefined);
  const inRoot = (file: string) => {
    const real = realPathOf(path.dirname(file));
    return real !== undefined && realRoots.some((root) => isInside(root, path.join(real, path.basename(file))));
  };
  for (const entry of journal.entries) {
    const ok =
      typeof entry.target === 'string' && path.isAbsolute(entry.target) && inRoot(entry.target) &&
      (entry.temp === undefined || (path.dirname(entry.temp) === path.dirname(entry.target) && TEMP_NAME.test(path.basename(entry.temp)))) &&
      (entry.backup === undefined || isInside(folder, path.resolve(entry.backup)));
    if (!ok) throw new WriteRefused(`${journalFile} names files outside the scanned folder or its own backups; not rolled back`);
  }
}

/**
 * Rolls one interrupted write back: files that were already replaced get their backup
 * again, files it created are removed, modes are put back; temporary files are removed.
 * Returns what it did, in words.
 */
export function rollBack(journalFile: string, roots: string[]): string[] {
  const done: string[] = [];
  const journal = JSON.parse(readUserFile(journalFile, 'snapshot').toString('utf8')) as Journal;
  checkJournal(journalFile, journal, roots);
  const within = realPathOf(path.dirname(journalFile));
  for (const entry of [...journal.entries].reverse()) {
    if (entry.temp && lstatOf(entry.temp)?.isFile()) {
      removeFile(entry.temp);
      done.push(`removed the temporary file ${entry.temp}`);
    }
    const present = lstatOf(entry.target);
    const fileOrFolder = present?.isFile() || present?.isDirectory();
    if (entry.kind === 'chmod') {
      if (fileOrFolder && (present!.mode & 0o7777) === entry.newMode && entry.oldMode !== undefined) {
        changeMode(entry.target, entry.oldMode);
        done.push(`put the mode of ${entry.target} back`);
      }
      continue;
    }
    if (entry.kind === 'chown') {
      if (fileOrFolder && present!.uid === entry.newOwner?.uid && present!.gid === entry.newOwner.gid && entry.oldOwner) {
        changeOwner(entry.target, entry.oldOwner.uid, entry.oldOwner.gid);
        done.push(`put the owner of ${entry.target} back`);
      }
      continue;
    }
    const replaced = entry.kind === 'remove' ? !present : present?.isFile() && currentSha(entry.target) === entry.newSha256;
    if (!replaced) continue;
    if (entry.backup) {
      const old = readTreeFile(entry.backup, { kind: 'snapshot', within });
      writeFileAtomic(entry.target, old.data, { mode: entry.oldMode ?? 0o600, ...(entry.oldOwner ? { owner: entry.oldOwner } : {}), within: path.dirname(entry.target) });
      done.push(`restored ${entry.target} from ${entry.backup}`);
    } else if (entry.kind === 'create') {
      removeFile(entry.target);
      done.push(`removed ${entry.target}, which it had created`);
    }
  }
  removeFile(journalFile);
  return done;
}
