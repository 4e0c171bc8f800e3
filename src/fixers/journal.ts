/**
 * The journal of a `fix --write`: written into the private backup folder before the
 * first file is touched and removed when the write is complete. A journal that is still
 * there means a run was killed (SIGKILL, a power cut) in the middle; the next
 * `kaudit fix --write` rolls its files back from the backups and removes its temporary
 * files, and `kaudit scan` says that it is there.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { listFolder, lstatOf, readTreeFile, readUserFile, realPathOf } from '../io/read.js';
import { changeMode, removeFile, writeFileAtomic } from '../io/write.js';

export const JOURNAL_NAME = '.kaudit-journal.json';
export const BACKUP_FOLDER = '.kaudit-backup';

export interface JournalEntry {
  kind: 'edit' | 'create' | 'remove' | 'chmod';
  /** Absolute path of the file changed. */
  target: string;
  /** Its temporary file (edits and creates). */
  temp?: string;
  /** Its copy in the backup folder, when it existed. */
  backup?: string;
  oldMode?: number;
  oldOwner?: { uid: number; gid: number };
  newMode?: number;
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

/**
 * Rolls one interrupted write back: files that were already replaced get their backup
 * again, files it created are removed, modes are put back; temporary files are removed.
 * Returns what it did, in words.
 */
export function rollBack(journalFile: string): string[] {
  const done: string[] = [];
  const journal = JSON.parse(readUserFile(journalFile, 'snapshot').toString('utf8')) as Journal;
  const within = realPathOf(path.dirname(path.dirname(journalFile)));
  for (const entry of [...journal.entries].reverse()) {
    if (entry.temp && lstatOf(entry.temp)?.isFile()) {
      removeFile(entry.temp);
      done.push(`removed the temporary file ${entry.temp}`);
    }
    const present = lstatOf(entry.target);
    if (entry.kind === 'chmod') {
      if (present?.isFile() && (present.mode & 0o7777) === entry.newMode && entry.oldMode !== undefined) {
        changeMode(entry.target, entry.oldMode);
        done.push(`put the mode of ${entry.target} back`);
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
