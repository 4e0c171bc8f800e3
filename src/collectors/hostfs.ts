import path from 'node:path';
import { ReadRefused, SIZE_LIMITS, describeType, listFolder, lstatOf, readLink, readTreeFile, realPathOf, statOf, type Dirent, type FileKind, type Stats } from '../io/read.js';

/** Files of a config kind larger than this are not read: no configuration file of a node is anywhere near it. */
export const MAX_FILE_BYTES = SIZE_LIMITS.config;
const MAX_LINK_HOPS = 40; // as Linux's MAXSYMLINKS

/** Why a host path was not read (a link out of the root, a loop, a FIFO, too big): one line. */
export { ReadRefused as HostPathError };

/**
 * Told of every file and folder the reader opens, by real path: tests count what a scan
 * reads (that image layers are never opened) without changing what it reads. Unset in use.
 */
export const readProbe: { onOpen?: (real: string, kind: 'file' | 'folder') => void } = {};

export interface ResolvedPath {
  /** Real path on this machine, always inside the host root. */
  real: string;
  stat: Stats;
}

/** Which size limit applies to a host path. */
export function fileKindOf(hostPath: string): FileKind {
  if (hostPath.startsWith('/proc/net/')) return 'routes';
  if (hostPath.startsWith('/proc/')) return 'process';
  if (hostPath === '/etc/hostname') return 'hostname';
  if (hostPath === '/.kaudit-snapshot.json') return 'snapshot';
  if (/\.(crt|pem|key|cert|der|pub|ca-bundle)$/i.test(hostPath)) return 'pki';
  return 'config';
}

/**
 * A host root, read as under chroot: absolute link targets are taken relative to the
 * root, `..` stops at the root, and nothing outside the root is ever opened.
 */
export class HostFS {
  readonly root: string;
  /** A scan reads a snapshot that does not change under it: each path is resolved once. */
  private readonly resolved = new Map<string, ResolvedPath | undefined | ReadRefused>();

  /** The root with links in its own path resolved: every file opened must be inside it. */
  readonly realRoot: string;
  /** lstat by real path (null: not there): no path is examined twice in a scan. */
  private readonly examined = new Map<string, Stats | null>();
  /** The names in each folder listed (by real path): a name not among them is not there, without asking. */
  private readonly listings = new Map<string, Set<string>>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.realRoot = realPathOf(this.root) ?? this.root;
  }

  /** Records what a folder walk already learnt about a plain file. */
  remember(hostPath: string, real: string, stat: Stats): void {
    this.resolved.set(hostPath, { real, stat });
  }

  /** lstat of a real path inside the root, asked of the system once. */
  lstat(real: string): Stats | undefined {
    const known = this.examined.get(real);
    if (known !== undefined) return known ?? undefined;
    const names = this.listings.get(path.dirname(real));
    const stat = names && !names.has(path.basename(real)) ? undefined : lstatOf(real);
    this.examined.set(real, stat ?? null);
    return stat;
  }

  /** The entries of a folder (by real path), listed once; throws ReadRefused when it cannot be read. */
  listing(real: string): Dirent[] {
    readProbe.onOpen?.(real, 'folder');
    const entries = listFolder(real);
    this.listings.set(real, new Set(entries.map((entry) => entry.name)));
    return entries;
  }

  /** The host path (/etc/...) of a real path inside the root. */
  hostPathOf(real: string): string {
    const rel = path.relative(this.root, real);
    return '/' + rel.split(path.sep).join('/');
  }

  realPathOf(hostPath: string): string {
    return path.join(this.root, ...hostPath.split('/').filter(Boolean));
  }

  /**
   * Resolves a host path component by component, following links inside the root.
   * Returns undefined when the path does not exist; throws HostPathError for loops and
   * links that climb out of the root.
   */
  resolve(hostPath: string): ResolvedPath | undefined {
    let result = this.resolved.get(hostPath);
    if (!this.resolved.has(hostPath)) {
      try {
        result = this.resolveUncached(hostPath);
      } catch (error) {
        if (!(error instanceof ReadRefused)) throw error;
        result = error;
      }
      this.resolved.set(hostPath, result);
    }
    if (result instanceof ReadRefused) throw result;
    return result;
  }

  private resolveUncached(hostPath: string): ResolvedPath | undefined {
    const pending = hostPath.split('/').filter(Boolean);
    const done: string[] = [];
    /** The real path of `done` (kept as it grows: joining every part again for each part costs). */
    let doneReal = this.root;
    let hops = 0;
    /** The lstat of the last part when it was no link: the stat of the whole path. */
    let last: Stats | undefined;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        // At the root, '..' is the root itself.
        if (done.pop() !== undefined) doneReal = path.dirname(doneReal);
        continue;
      }
      const real = childPath(doneReal, part);
      const stat = this.lstat(real);
      if (!stat) return undefined;
      if (!stat.isSymbolicLink()) {
        done.push(part);
        doneReal = real;
        last = stat;
        continue;
      }
      last = undefined;
      if (++hops > MAX_LINK_HOPS) throw new ReadRefused(`symbolic link loop at /${[...done, part].join('/')}`);
      const target = readLink(real);
      const targetParts = target.split('/').filter(Boolean);
      if (target.startsWith('/')) {
        done.length = 0;
        doneReal = this.root;
      } else if (climbsAbove(done.length, targetParts)) {
        throw new ReadRefused(`symbolic link /${[...done, part].join('/')} points outside the host root; not followed`);
      }
      pending.unshift(...targetParts);
    }
    const stat = last ?? statOf(doneReal);
    return stat ? { real: doneReal, stat } : undefined;
  }

  /** Reads a file by host path; undefined when it does not exist. Throws HostPathError with a reason otherwise. */
  readFile(hostPath: string, kind: FileKind = fileKindOf(hostPath)): { data: Buffer; stat: Stats } | undefined {
    const resolved = this.resolve(hostPath);
    if (!resolved) return undefined;
    readProbe.onOpen?.(resolved.real, 'file');
    // The resolution's lstat (or the walk's) of a plain file is not asked again.
    return readTreeFile(resolved.real, { kind, within: this.realRoot, ...(resolved.stat.isFile() ? { examined: resolved.stat } : {}) });
  }

  /** The names in a folder, sorted; empty when it is not a folder or cannot be read. */
  list(hostPath: string): string[] {
    let resolved: ResolvedPath | undefined;
    try {
      resolved = this.resolve(hostPath);
    } catch {
      return [];
    }
    if (!resolved?.stat.isDirectory()) return [];
    try {
      const known = this.listings.get(resolved.real);
      return (known ? [...known] : this.listing(resolved.real).map((entry) => entry.name)).sort();
    } catch {
      return [];
    }
  }

  exists(hostPath: string): boolean {
    try {
      return this.resolve(hostPath) !== undefined;
    } catch {
      return false;
    }
  }
}

/** A name inside a folder's real path (the parts are single names: nothing to normalize). */
function childPath(folder: string, name: string): string {
  return folder === path.sep ? `${path.sep}${name}` : `${folder}${path.sep}${name}`;
}

/** Whether a relative link target with `..` parts climbs above the root from a folder `depth` deep. */
function climbsAbove(depth: number, targetParts: string[]): boolean {
  let level = depth;
  for (const part of targetParts) {
    if (part === '..') level--;
    else if (part !== '.') level++;
    if (level < 0) return true;
  }
  return false;
}

/**
 * Reads a regular file at a real path already resolved inside a host root (kept for
 * callers of the earlier API): through the safe reader, without following a link, with
 * the size limit of its kind. Throws HostPathError (ReadRefused) with the reason.
 */
export function readRegularFile(real: string, _stat?: Stats, kind: FileKind = 'config'): Buffer {
  return readTreeFile(real, { kind }).data;
}

export interface WalkEntry {
  hostPath: string;
  real: string;
  /** A regular file, or a FIFO, device or socket (which the reader refuses when asked to read it). */
  stat: Stats;
}

export interface WalkOptions {
  /** Host paths of folders not to enter (e.g. /proc). */
  skip: Set<string>;
  onProblem(hostPath: string, message: string): void;
  /** Called for each folder entered. */
  onFolder?(hostPath: string, stat: Stats): void;
}

/**
 * Lists every file under a host path. Links are resolved inside the root; a folder
 * reached twice (a loop, or two links to one folder) is read once. FIFOs, devices and
 * sockets are listed too, so that a collector that would read one says why it did not.
 */
export function walk(fsys: HostFS, start: string, options: WalkOptions): WalkEntry[] {
  const files: WalkEntry[] = [];
  const seenFolders = new Set<string>();
  const visit = (hostPath: string, real: string, stat: Stats): void => {
    if (stat.isFile()) {
      files.push({ hostPath, real, stat });
      fsys.remember(hostPath, real, stat);
      return;
    }
    if (!stat.isDirectory()) {
      if (describeType(stat)) files.push({ hostPath, real, stat });
      return;
    }
    if (options.skip.has(hostPath)) return;
    const id = `${stat.dev}:${stat.ino}`;
    if (seenFolders.has(id)) return;
    seenFolders.add(id);
    options.onFolder?.(hostPath, stat);
    let entries: Dirent[];
    try {
      entries = fsys.listing(real);
    } catch (error) {
      options.onProblem(hostPath, `folder cannot be read (${(error as ReadRefused).code ?? 'error'})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childHostPath = hostPath === '/' ? `/${entry.name}` : `${hostPath}/${entry.name}`;
      if (entry.name === '.kaudit-backup' || options.skip.has(childHostPath)) continue;
      const childReal = childPath(real, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          const resolved = fsys.resolve(childHostPath);
          if (resolved) visit(childHostPath, resolved.real, resolved.stat);
        } catch (error) {
          options.onProblem(childHostPath, (error as Error).message);
        }
      } else {
        const stat = fsys.lstat(childReal);
        if (stat) visit(childHostPath, childReal, stat);
        else options.onProblem(childHostPath, 'cannot be read (gone while being listed)');
      }
    }
  };
  const resolved = fsys.resolve(start);
  if (resolved) visit(start, resolved.real, resolved.stat);
  return files;
}
