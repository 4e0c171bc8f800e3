/**
 * Writes a change set: every replaced or removed file is first copied to the backup
 * folder; each file is written to a temporary file beside it, synced and renamed over
 * the old one (so it is wholly old or wholly new), keeping its mode and owner; nothing
 * is written through a link that leaves the scanned folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyEdits } from './text.js';
import type { ChangeSet, FileRef } from './changeset.js';

export interface WriteOptions {
  /** Backups go to BACKUP/<timestamp>/<path relative to the scan root>. */
  backupRoot?: string;
  now: Date;
  /** The rename step, replaceable so tests can make it fail part way. */
  rename?: (from: string, to: string) => void;
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
  kind: 'edit' | 'create' | 'remove' | 'chmod';
  run(rename: (from: string, to: string) => void): void;
}

function rootOf(cs: ChangeSet, real: string): string | undefined {
  return cs.cluster.roots.map((r) => r.path).find((root) => real === root || real.startsWith(`${root}${path.sep}`));
}

/** The real path of the deepest existing ancestor, links resolved: must stay inside the root. */
function staysInside(root: string, target: string): boolean {
  let probe = target;
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  let real: string;
  try {
    real = fs.realpathSync(probe);
  } catch {
    return false;
  }
  const realRoot = fs.realpathSync(root);
  return real === realRoot || real.startsWith(`${realRoot}${path.sep}`);
}

function atomicWrite(target: string, content: string, mode: number, owner: { uid: number; gid: number } | undefined, rename: (from: string, to: string) => void): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.kaudit-${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fchmodSync(fd, mode);
    if (owner) {
      try {
        fs.fchownSync(fd, owner.uid, owner.gid);
      } catch {
        // not permitted for an unprivileged user: the file keeps the writer's owner
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    rename(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function backupName(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function writeChanges(cs: ChangeSet, options: WriteOptions): WriteResult {
  const rename = options.rename ?? fs.renameSync;
  const operations: Operation[] = [];
  for (const edit of cs.edits.values()) {
    operations.push({
      ref: edit,
      kind: 'edit',
      run: (r) => {
        const stat = fs.statSync(edit.real);
        atomicWrite(edit.real, applyEdits(edit.original, edit.edits), stat.mode & 0o7777, { uid: stat.uid, gid: stat.gid }, r);
      },
    });
  }
  for (const create of cs.creates.values()) {
    operations.push({
      ref: create,
      kind: 'create',
      run: (r) => {
        const stat = fs.existsSync(create.real) ? fs.statSync(create.real) : undefined;
        atomicWrite(create.real, create.content, create.secret ? 0o600 : (stat?.mode ?? create.mode) & 0o7777, stat ? { uid: stat.uid, gid: stat.gid } : undefined, r);
      },
    });
  }
  for (const remove of cs.removes.values()) operations.push({ ref: remove, kind: 'remove', run: () => fs.rmSync(remove.real) });
  for (const chmod of cs.chmods.values()) operations.push({ ref: chmod, kind: 'chmod', run: () => fs.chmodSync(chmod.real, chmod.mode) });

  const result: WriteResult = { applied: [], notApplied: [], refused: [] };
  const safe = operations.filter((op) => {
    const root = rootOf(cs, op.ref.real);
    const inside = root !== undefined && staysInside(root, op.ref.real) && (!fs.existsSync(op.ref.real) || !fs.lstatSync(op.ref.real).isSymbolicLink() || staysInside(root, fs.realpathSync(op.ref.real)));
    if (!inside) result.refused.push({ file: op.ref.file, reason: 'a link leads out of the scanned folder; not written' });
    return inside;
  });

  // Backups first: if one cannot be made, nothing is changed.
  const stamp = backupName(options.now);
  const backedUp = new Set<string>();
  for (const op of safe) {
    if (!fs.existsSync(op.ref.real) || backedUp.has(op.ref.real)) continue;
    const root = rootOf(cs, op.ref.real)!;
    const base = options.backupRoot ?? path.join(root, '.kaudit-backup');
    const target = path.join(base, stamp, path.relative(root, op.ref.real));
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(op.ref.real, target);
      fs.chmodSync(target, fs.statSync(op.ref.real).mode & 0o777);
      backedUp.add(op.ref.real);
      result.backupDir = path.join(base, stamp);
    } catch (error) {
      result.error = `backup of ${op.ref.file} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was changed`;
      result.notApplied = safe.map((o) => o.ref.file);
      return result;
    }
  }

  for (const [index, op] of safe.entries()) {
    try {
      op.run(rename);
      result.applied.push(op.ref.file);
    } catch (error) {
      result.error = `${op.kind} of ${op.ref.file} failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the files after it were not changed`;
      result.notApplied = safe.slice(index).map((o) => o.ref.file);
      break;
    }
  }
  return result;
}
