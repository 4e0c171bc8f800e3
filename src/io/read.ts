/**
 * The one safe reader: every file kaudit reads is opened here (a test fails when any
 * other module but the safe writer imports node:fs).
 *
 * A file of a scanned tree is opened without following a link (O_NOFOLLOW) and without
 * blocking (O_NONBLOCK: a FIFO would otherwise wait for a writer forever), then judged by
 * the open file's own type (fstat): only regular files are read; a FIFO, a device or a
 * socket is refused with one line. Files are read to their end in chunks with a cap, as
 * /proc files say they are 0 bytes long. Where /proc/self/fd is there, the open file's
 * real path is checked to be inside the scanned folder, so a folder swapped for a link
 * between resolving and opening is caught too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a file was not read: one line, no stack, never the file's contents. */
export class ReadRefused extends Error {
  override name = 'ReadRefused';
  constructor(
    message: string,
    /** The errno code when the system refused (ENOENT, EACCES). */
    readonly code?: string,
  ) {
    super(message);
  }
}

const MB = 1024 * 1024;

/**
 * Size limits by kind of file: no real file of a kind comes near its limit, and no
 * file over it can make a scan slow or use much memory.
 */
export const SIZE_LIMITS = {
  /** YAML, JSON, units, env files, kubeconfigs. */
  config: 4 * MB,
  /** Certificates and keys: a trust bundle of 10,000 certificates is about 12 MB. */
  pki: 32 * MB,
  /** /proc/<pid>/cmdline and environ: the kernel caps argv and environ well below. */
  process: 4 * MB,
  /** /proc/net/route and ipv6_route: a router's full table. */
  routes: 16 * MB,
  /** .kaudit-snapshot.json: every mode and owner of a node. */
  snapshot: 64 * MB,
  /** etc/hostname. */
  hostname: 4096,
  /** Files the user names: --config, --baseline, --etcd-* files. */
  user: 64 * MB,
} as const;

export type FileKind = keyof typeof SIZE_LIMITS;

const CHUNK = 64 * 1024;

/** What a file that is not a regular file is, in words. */
export function describeType(stat: fs.Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function refusedType(stat: fs.Stats): ReadRefused {
  return new ReadRefused(`${describeType(stat)}, not a regular file; skipped`);
}

function systemError(error: unknown): ReadRefused {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new ReadRefused('is a symbolic link where a file was expected; not followed', code);
  if (code === 'ENOENT') return new ReadRefused('no such file', code);
  return new ReadRefused(`cannot be read (${code ?? 'error'})`, code);
}

function overLimit(limit: number, size?: number): ReadRefused {
  const limitText = limit >= MB ? `${limit / MB} MB` : `${limit} bytes`;
  if (size !== undefined && size >= MB) return new ReadRefused(`file is ${(size / MB).toFixed(0)} MB, over the ${limitText} limit; skipped`);
  return new ReadRefused(`file is over the ${limitText} limit; skipped`);
}

/** The real path of an open file, where the system tells it (Linux's /proc/self/fd). */
function pathOfDescriptor(fd: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

export function isInside(root: string, real: string): boolean {
  return real === root || root === path.sep || real.startsWith(`${root}${path.sep}`);
}

/**
 * Reads an open file to its end, or to one byte past the limit. `expected` (the size fstat
 * gave) sizes the buffer: a regular file is read in one call; a /proc file, which says it
 * is empty, grows the buffer as it is read to its end.
 */
function readToEnd(fd: number, limit: number, expected = 0): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, expected > 0 ? expected + 1 : CHUNK));
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > limit) throw overLimit(limit);
      const larger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(larger, 0, 0, total);
      buffer = larger;
    }
    let read: number;
    try {
      read = fs.readSync(fd, buffer, total, buffer.length - total, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break; // nothing more without waiting
      throw systemError(error);
    }
    if (read === 0) break;
    total += read;
    if (total > limit) throw overLimit(limit);
    if (total === expected) break; // the size fstat gave: no read more to find the end
  }
  // A buffer much larger than its contents (a /proc file) is not kept alive by them.
  return total * 2 < buffer.length ? Buffer.from(buffer.subarray(0, total)) : buffer.subarray(0, total);
}

export interface TreeReadOptions {
  kind: FileKind;
  /** The real path of the scanned folder the file must be inside (links resolved). */
  within?: string;
  /**
   * What lstat told of the path moments ago (the folder walk that found the file): it is
   * not asked again. The open file is still judged by its own fstat, and must be the same
   * file (device and inode) as the one examined.
   */
  examined?: fs.Stats;
}

export interface FileRead {
  data: Buffer;
  stat: fs.Stats;
}

/**
 * Reads a file of a scanned tree at a real path whose folders are already resolved:
 * the last part must not be a link, and the file must be a regular file.
 */
export function readTreeFile(real: string, options: TreeReadOptions): FileRead {
  const limit = SIZE_LIMITS[options.kind];
  let before: fs.Stats;
  try {
    before = options.examined ?? fs.lstatSync(real);
  } catch (error) {
    throw systemError(error);
  }
  // Judged before opening too: opening a device or a FIFO may itself have effects.
  if (!before.isFile()) throw before.isSymbolicLink() ? new ReadRefused('is a symbolic link where a file was expected; not followed') : refusedType(before);
  if (before.size > limit) throw overLimit(limit, before.size);
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw systemError(error);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw refusedType(stat);
    if (stat.dev !== before.dev || stat.ino !== before.ino) throw new ReadRefused('changed while being read; skipped');
    if (options.within) {
      const opened = pathOfDescriptor(fd);
      if (opened !== undefined && !isInside(options.within, opened)) throw new ReadRefused('leads outside the scanned folder; not read');
    }
    if (stat.size > limit) throw overLimit(limit, stat.size);
    return { data: readToEnd(fd, limit, stat.size), stat };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a file the user named (--config, --baseline, --etcd-cert): links are followed,
 * as the user chose the file, but it must still be a regular file, read without
 * blocking and with a cap.
 */
export function readUserFile(file: string, kind: FileKind = 'user'): Buffer {
  const limit = SIZE_LIMITS[kind];
  let before: fs.Stats;
  try {
    before = fs.statSync(file);
  } catch (error) {
    throw systemError(error);
  }
  if (!before.isFile()) throw refusedType(before);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw systemError(error);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw refusedType(stat);
    if (stat.size > limit) throw overLimit(limit, stat.size);
    return readToEnd(fd, limit, stat.size);
  } finally {
    fs.closeSync(fd);
  }
}

/** A file of kaudit's own package (package.json, rules-docs, the config schema). */
export function readPackageFile(url: URL): string {
  return readUserFile(fileURLToPath(url), 'user').toString('utf8');
}

// Metadata of the file system, for HostFS's chroot-like resolution and folder walks.
// They read no file's contents.

export type Stats = fs.Stats;
export type Dirent = fs.Dirent;

/** lstat, or undefined when the path does not exist or cannot be examined. */
export function lstatOf(real: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(real, { throwIfNoEntry: false }) ?? undefined;
  } catch {
    return undefined; // ENOTDIR, EACCES: not there for kaudit
  }
}

/** stat (links followed), or undefined. */
export function statOf(real: string): fs.Stats | undefined {
  try {
    return fs.statSync(real, { throwIfNoEntry: false }) ?? undefined;
  } catch {
    return undefined;
  }
}

export function readLink(real: string): string {
  return fs.readlinkSync(real);
}

/** The entries of a folder with their types; throws ReadRefused when it cannot be read. */
export function listFolder(real: string): fs.Dirent[] {
  try {
    return fs.readdirSync(real, { withFileTypes: true });
  } catch (error) {
    throw systemError(error);
  }
}

/** The real path (links resolved by the system), or undefined. */
export function realPathOf(real: string): string | undefined {
  try {
    return fs.realpathSync(real);
  } catch {
    return undefined;
  }
}

/** Whether a user-named path exists (links followed). */
export function pathExists(file: string): boolean {
  return statOf(file) !== undefined;
}
