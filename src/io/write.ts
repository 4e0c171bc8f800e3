/**
 * The one safe writer: every file kaudit writes (`fix --write`, its backups, `collect`,
 * reports and baselines) is written here.
 *
 * A file is written to a temporary file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode 0600, a random name) in the target's own folder, synced, given its mode and
 * owner, and renamed over the target, so the target is wholly old or wholly new. Folders
 * are created one level at a time and never entered through a link; the target's folder
 * is checked to be the same folder (device and inode) just before the rename, so a folder
 * swapped for a link in between is caught. Temporary files are removed on any failure and
 * when the process exits; SIGINT and SIGTERM are held until the synchronous write in
 * progress is complete.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isInside } from './read.js';

/** Why a write was not done: one line, no stack. */
export class WriteRefused extends Error {
  override name = 'WriteRefused';
}

/** The steps of a write, which tests can make fail (fault injection). */
export type WriteStep = 'create' | 'write' | 'fsync' | 'rename' | 'backup' | 'remove' | 'chmod' | 'chown';

/** Called before each step; a test's hook throws to make that step fail. */
export type FaultHook = (step: WriteStep, target: string) => void;

/** Temporary files: `.NAME.kaudit-<16 hex>.tmp`, beside their target. */
export const TEMP_NAME = /^\..*\.kaudit-[0-9a-f]{16}\.tmp$/;

export function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target).slice(0, 200)}.kaudit-${randomBytes(8).toString('hex')}.tmp`);
}

const pendingTemps = new Set<string>();
let exitHookInstalled = false;

function removeTemp(temp: string): void {
  try {
    fs.unlinkSync(temp);
  } catch {
    // already gone
  }
  pendingTemps.delete(temp);
}

function trackTemp(temp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Whatever ends the process (an exception, process.exit), no temporary file stays.
    process.on('exit', () => {
      for (const temp of pendingTemps) removeTemp(temp);
    });
  }
  pendingTemps.add(temp);
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
let signalsGuarded = false;

/**
 * Holds SIGINT, SIGTERM and SIGHUP while kaudit writes: every write is synchronous, so a
 * signal is acted on only between writes, never inside one. Then kaudit says what
 * happened and ends with 128 + the signal's number, as a shell would report it.
 */
export function guardSignals(describe: () => string = () => 'nothing is half written'): void {
  if (signalsGuarded) return;
  signalsGuarded = true;
  for (const signal of Object.keys(SIGNAL_NUMBERS)) {
    process.on(signal, () => {
      for (const temp of pendingTemps) removeTemp(temp);
      process.stderr.write(`kaudit: stopped by ${signal}; ${describe()}\n`);
      process.exit(128 + SIGNAL_NUMBERS[signal]);
    });
  }
}

/**
 * Lets a signal that came during synchronous work reach its handler (guardSignals) before
 * kaudit exits. Node hears of a signal when its loop next polls for I/O: a timer may run
 * before that poll, and one setImmediate too (when the work ran inside a poll); the second
 * setImmediate runs only after a whole poll has begun since the first.
 */
export async function actOnPendingSignals(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Fault injection for tests of the CLI: KAUDIT_TEST_FAULT="STEP:N" makes the N-th STEP
 * fail with EIO; "pause:STEP:N:MS" waits before it, MS milliseconds at most, or until the
 * file KAUDIT_TEST_RESUME names exists (a test sends its signal, then creates the file: the
 * signal arrives in the middle of a write, whatever the machine's load). Read only when the
 * variable is set.
 */
export function faultsFromEnvironment(): FaultHook | undefined {
  const spec = process.env.KAUDIT_TEST_FAULT;
  if (!spec) return undefined;
  const pause = /^pause:(\w+):(\d+):(\d+)$/.exec(spec);
  const fail = /^(\w+):(\d+)$/.exec(spec);
  const counts = new Map<string, number>();
  return (step) => {
    const count = (counts.get(step) ?? 0) + 1;
    counts.set(step, count);
    if (pause && pause[1] === step && Number(pause[2]) === count) {
      process.stderr.write(`kaudit: test pause before ${step} ${count}\n`);
      waitForResume(Number(pause[3]), process.env.KAUDIT_TEST_RESUME);
    }
    if (fail && fail[1] === step && Number(fail[2]) === count) throw Object.assign(new Error(`injected failure of ${step}`), { code: 'EIO' });
  };
}

/** Blocks (the write is synchronous, as it is in real runs) until `resume` exists or `ms` have passed. */
function waitForResume(ms: number, resume: string | undefined): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + ms;
  while (Date.now() < until && !(resume && fs.existsSync(resume))) Atomics.wait(cell, 0, 0, resume ? 10 : until - Date.now());
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export interface FolderOptions {
  /** Mode of folders it creates (0700 for private ones). */
  mode?: number;
  /** Folders must be private: owned by this user and closed to group and others (an existing one is closed). */
  private?: boolean;
}

/**
 * Makes sure a folder exists inside `root`, creating the missing levels one at a time;
 * refuses a level that is a link or not a folder. Returns the folder's lstat.
 */
export function ensureFolder(root: string, folder: string, options: FolderOptions = {}): fs.Stats {
  const realRoot = fs.realpathSync(root);
  const relative = path.relative(root, folder);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) throw new WriteRefused(`${folder} is outside ${root}; not written`);
  let current = root;
  let stat = fs.lstatSync(root);
  for (const part of relative.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    let next = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!next) {
      try {
        fs.mkdirSync(current, { mode: options.mode ?? 0o755 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      next = fs.lstatSync(current);
    }
    if (next.isSymbolicLink()) throw new WriteRefused(`${current} is a link; nothing is written through it`);
    if (!next.isDirectory()) throw new WriteRefused(`${current} is not a folder`);
    stat = next;
  }
  const real = fs.realpathSync(folder);
  if (!isInside(realRoot, real)) throw new WriteRefused(`${folder} leads outside ${root}; not written`);
  if (options.private) {
    const uid = process.geteuid?.();
    if (uid !== undefined && stat.uid !== uid) throw new WriteRefused(`${folder} belongs to another user; not used for private files`);
    if ((stat.mode & 0o077) !== 0) {
      fs.chmodSync(folder, stat.mode & 0o700);
      stat = fs.lstatSync(folder);
    }
  }
  return stat;
}

/** A folder the user named (--output of collect, --backup-dir): created as needed; links the user put on its way are followed. */
export function ensureUserFolder(folder: string, mode = 0o700): void {
  try {
    fs.mkdirSync(folder, { recursive: true, mode });
  } catch (error) {
    throw new WriteRefused(`${folder}: cannot be created (${errorCode(error)})`);
  }
  if (!fs.statSync(folder).isDirectory()) throw new WriteRefused(`${folder}: not a folder`);
}

export interface PrepareOptions {
  /** The final mode (private key material: group and others get nothing). */
  mode: number;
  owner?: { uid: number; gid: number };
  faults?: FaultHook;
}

/** A temporary file written, synced and ready to be renamed over its target. */
export interface Prepared {
  target: string;
  temp: string;
  folder: fs.Stats;
  tempStat: fs.Stats;
}

/**
 * Writes content to a new temporary file beside the target. Fails (and leaves nothing)
 * when the folder is not a plain folder, the temporary file exists, or a step fails.
 */
export function prepareFile(target: string, content: string | Buffer, options: PrepareOptions, temp = tempNameFor(target)): Prepared {
  const faults = options.faults;
  const folder = fs.lstatSync(path.dirname(target));
  if (folder.isSymbolicLink() || !folder.isDirectory()) throw new WriteRefused(`${path.dirname(target)} is not a plain folder; not written`);
  faults?.('create', target);
  // Exclusive, no link followed, readable by no one else until it is complete.
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  trackTemp(temp);
  try {
    faults?.('write', target);
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset);
    if (options.owner) {
      try {
        fs.fchownSync(fd, options.owner.uid, options.owner.gid);
      } catch {
        // not permitted for an unprivileged user: the file keeps the writer's owner
      }
    }
    fs.fchmodSync(fd, options.mode);
    faults?.('fsync', target);
    fs.fsyncSync(fd);
    const tempStat = fs.fstatSync(fd);
    fs.closeSync(fd);
    return { target, temp, folder, tempStat };
  } catch (error) {
    try {
      fs.closeSync(fd);
    } catch {
      // closed already
    }
    removeTemp(temp);
    throw error;
  }
}

/** Renames a prepared file over its target, once its folder and the file are checked to be what they were. */
export function commitFile(prepared: Prepared, faults?: FaultHook): void {
  const { target, temp } = prepared;
  try {
    const folder = fs.lstatSync(path.dirname(target));
    if (folder.dev !== prepared.folder.dev || folder.ino !== prepared.folder.ino || folder.isSymbolicLink()) {
      throw new WriteRefused(`${path.dirname(target)} was replaced while kaudit wrote to it; not written`);
    }
    const tempNow = fs.lstatSync(temp);
    if (tempNow.dev !== prepared.tempStat.dev || tempNow.ino !== prepared.tempStat.ino) throw new WriteRefused(`${temp} was replaced; not written`);
    faults?.('rename', target);
    fs.renameSync(temp, target);
    pendingTemps.delete(temp);
  } catch (error) {
    removeTemp(temp);
    throw error;
  }
  syncFolder(path.dirname(target));
}

/** Drops a prepared file that will not be committed. */
export function discardFile(prepared: Prepared): void {
  removeTemp(prepared.temp);
}

/** Makes a rename durable: the folder's entry is synced too (best effort; some file systems refuse). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
    fs.fsyncSync(fd);
  } catch {
    // a folder that cannot be synced still holds the renamed file
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface WriteFileOptions extends PrepareOptions {
  /** The folder the target must stay inside (created levels included). */
  within: string;
  /** Mode of folders created on the way. */
  folderMode?: number;
  privateFolders?: boolean;
}

/** Writes one file atomically inside `within`: temp file, fsync, checked rename. */
export function writeFileAtomic(target: string, content: string | Buffer, options: WriteFileOptions): void {
  ensureFolder(options.within, path.dirname(target), { mode: options.folderMode ?? 0o755, private: options.privateFolders ?? false });
  const existing = fs.lstatSync(target, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) throw new WriteRefused(`${target} is ${existing.isSymbolicLink() ? 'a link' : 'not a regular file'}; not replaced`);
  commitFile(prepareFile(target, content, options), options.faults);
}

/**
 * Writes a file the user named (--output, --baseline-write): into the folder the user
 * chose, atomically; a target that is a link is replaced by the file, never written through.
 */
export function writeUserFile(file: string, content: string | Buffer, mode = 0o644): void {
  try {
    // The folder the user named may be reached through links (theirs to choose): its real path is used.
    const target = path.resolve(file);
    writeNamedFile(path.join(fs.realpathSync(path.dirname(target)), path.basename(target)), content, mode);
  } catch (error) {
    if (error instanceof WriteRefused) throw error;
    throw new WriteRefused(`${file}: cannot be written (${errorCode(error)})`);
  }
}

function writeNamedFile(target: string, content: string | Buffer, mode: number): void {
  const folder = path.dirname(target);
  removeLeftoverTemps(folder, path.basename(target));
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  if (existing?.isFIFO() || existing?.isCharacterDevice()) {
    fs.writeFileSync(target, content); // a pipe or a terminal the user named (/dev/stdout): written to, never replaced
    return;
  }
  if (existing && !existing.isFile()) throw new WriteRefused(`${target} is not a regular file; not replaced`);
  commitFile(prepareFile(target, content, { mode }));
}

/** Temporary files of an earlier kaudit that was killed (SIGKILL) in a folder: removed. */
export function removeLeftoverTemps(folder: string, of?: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!TEMP_NAME.test(name) || (of !== undefined && !name.startsWith(`.${of.slice(0, 200)}.kaudit-`))) continue;
    const file = path.join(folder, name);
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) {
      removeTemp(file);
      removed.push(file);
    }
  }
  return removed;
}

/** Removes a file (not through a link: the link itself would be removed). */
export function removeFile(target: string, faults?: FaultHook): void {
  faults?.('remove', target);
  fs.unlinkSync(target);
  syncFolder(path.dirname(target));
}

/** Changes a file's mode, never through a link. */
export function changeMode(target: string, mode: number, faults?: FaultHook): void {
  faults?.('chmod', target);
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) throw new WriteRefused(`${target} is a link; its mode is not changed`);
  fs.chmodSync(target, mode);
}

/** Changes a file's or folder's owner, never through a link (lchown: a link itself is refused). */
export function changeOwner(target: string, uid: number, gid: number, faults?: FaultHook): void {
  faults?.('chown', target);
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) throw new WriteRefused(`${target} is a link; its owner is not changed`);
  fs.lchownSync(target, uid, gid);
}

/** Creates a symbolic link (kaudit collect keeps a node's links as links), never through a link. */
export function createLink(within: string, link: string, target: string): void {
  ensureFolder(within, path.dirname(link));
  if (fs.lstatSync(link, { throwIfNoEntry: false })) return;
  fs.symlinkSync(target, link);
}

/** lstat for the writer's callers, which must not import node:fs. */
export function lstatForWrite(target: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(target, { throwIfNoEntry: false }) ?? undefined;
  } catch {
    return undefined;
  }
}

export { errorCode };
