import fs from 'node:fs';
import path from 'node:path';

/** Files larger than this are not read: no configuration file of a node is anywhere near it. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_LINK_HOPS = 40; // as Linux's MAXSYMLINKS

export class HostPathError extends Error {}

/**
 * Told of every file and folder the reader opens, by real path: tests count what a scan
 * reads (that image layers are never opened) without changing what it reads. Unset in use.
 */
export const readProbe: { onOpen?: (real: string, kind: 'file' | 'folder') => void } = {};

export interface ResolvedPath {
  /** Real path on this machine, always inside the host root. */
  real: string;
  stat: fs.Stats;
}

/**
 * A host root, read as under chroot: absolute link targets are taken relative to the
 * root, `..` stops at the root, and nothing outside the root is ever opened.
 */
export class HostFS {
  readonly root: string;
  /** A scan reads a snapshot that does not change under it: each path is resolved once. */
  private readonly resolved = new Map<string, ResolvedPath | undefined | HostPathError>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Records what a folder walk already learnt about a plain file. */
  remember(hostPath: string, real: string, stat: fs.Stats): void {
    this.resolved.set(hostPath, { real, stat });
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
        if (!(error instanceof HostPathError)) throw error;
        result = error;
      }
      this.resolved.set(hostPath, result);
    }
    if (result instanceof HostPathError) throw result;
    return result;
  }

  private resolveUncached(hostPath: string): ResolvedPath | undefined {
    const pending = hostPath.split('/').filter(Boolean);
    const done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        done.pop(); // at the root, '..' is the root itself
        continue;
      }
      const real = path.join(this.root, ...done, part);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(real);
      } catch {
        return undefined;
      }
      if (!stat.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++hops > MAX_LINK_HOPS) throw new HostPathError(`symbolic link loop at /${[...done, part].join('/')}`);
      const target = fs.readlinkSync(real);
      const targetParts = target.split('/').filter(Boolean);
      if (target.startsWith('/')) done.length = 0;
      else if (climbsAbove(done.length, targetParts)) {
        throw new HostPathError(`symbolic link /${[...done, part].join('/')} points outside the host root; not followed`);
      }
      pending.unshift(...targetParts);
    }
    const real = path.join(this.root, ...done);
    try {
      return { real, stat: fs.statSync(real) };
    } catch {
      return undefined;
    }
  }

  /** Reads a file by host path; undefined when it does not exist. Throws HostPathError with a reason otherwise. */
  readFile(hostPath: string): { data: Buffer; stat: fs.Stats } | undefined {
    const resolved = this.resolve(hostPath);
    if (!resolved) return undefined;
    return { data: readRegularFile(resolved.real, resolved.stat), stat: resolved.stat };
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
      readProbe.onOpen?.(resolved.real, 'folder');
      return fs.readdirSync(resolved.real).sort();
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

export function readRegularFile(real: string, stat: fs.Stats): Buffer {
  if (!stat.isFile()) throw new HostPathError('not a regular file');
  if (stat.size > MAX_FILE_BYTES) {
    throw new HostPathError(`file is ${(stat.size / 1048576).toFixed(0)} MB, over the ${MAX_FILE_BYTES / 1048576} MB limit; skipped`);
  }
  try {
    readProbe.onOpen?.(real, 'file');
    return fs.readFileSync(real);
  } catch (error) {
    throw new HostPathError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export interface WalkEntry {
  hostPath: string;
  real: string;
  stat: fs.Stats;
}

export interface WalkOptions {
  /** Host paths of folders not to enter (e.g. /proc). */
  skip: Set<string>;
  onProblem(hostPath: string, message: string): void;
  /** Called for each folder entered. */
  onFolder?(hostPath: string, stat: fs.Stats): void;
}

/**
 * Lists every regular file under a host path. Links are resolved inside the root;
 * a folder reached twice (a loop, or two links to one folder) is read once.
 */
export function walk(fsys: HostFS, start: string, options: WalkOptions): WalkEntry[] {
  const files: WalkEntry[] = [];
  const seenFolders = new Set<string>();
  const visit = (hostPath: string, real: string, stat: fs.Stats): void => {
    if (stat.isFile()) {
      files.push({ hostPath, real, stat });
      fsys.remember(hostPath, real, stat);
      return;
    }
    if (!stat.isDirectory() || options.skip.has(hostPath)) return;
    const id = `${stat.dev}:${stat.ino}`;
    if (seenFolders.has(id)) return;
    seenFolders.add(id);
    options.onFolder?.(hostPath, stat);
    let entries: fs.Dirent[];
    try {
      readProbe.onOpen?.(real, 'folder');
      entries = fs.readdirSync(real, { withFileTypes: true });
    } catch (error) {
      options.onProblem(hostPath, `folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childHostPath = hostPath === '/' ? `/${entry.name}` : `${hostPath}/${entry.name}`;
      if (entry.name === '.kaudit-backup' || options.skip.has(childHostPath)) continue;
      const childReal = path.join(real, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          const resolved = fsys.resolve(childHostPath);
          if (resolved) visit(childHostPath, resolved.real, resolved.stat);
        } catch (error) {
          options.onProblem(childHostPath, (error as Error).message);
        }
      } else if (entry.isDirectory() || entry.isFile()) {
        try {
          visit(childHostPath, childReal, fs.statSync(childReal));
        } catch (error) {
          options.onProblem(childHostPath, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
    }
  };
  const resolved = fsys.resolve(start);
  if (resolved) visit(start, resolved.real, resolved.stat);
  return files;
}
