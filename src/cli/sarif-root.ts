/**
 * Where SARIF locations are relative to (interfaces.md, "Output"). GitHub code scanning
 * resolves a result's `uri` against the root of the repository and ignores
 * `originalUriBaseIds`, so a scan of `clusters/prod` inside a repository must say
 * `clusters/prod/cp-1/etc/kubernetes/pki/apiserver.crt`, not `cp-1/etc/...`.
 */
import path from 'node:path';
import type { ArtifactBase } from '../reporters/result.js';
import { UsageError } from './errors.js';
import { pathExists } from '../io/read.js';

/**
 * The root of the git work tree that holds a folder: the nearest folder above it (or it)
 * with a `.git` entry, a folder in a clone, a file in a linked worktree or a submodule.
 * Only looks; never runs git and never reads the repository.
 */
export function gitWorkTreeOf(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (pathExists(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** `a/b` for a path inside `base`, undefined for one outside it. */
function inside(base: string, target: string): string | undefined {
  const relative = path.relative(base, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/**
 * For each scanned root, the folder its SARIF URIs are relative to and its own path from
 * there: `--sarif-root DIR` when given, else the git work tree that holds it, else itself.
 */
export function artifactBases(rootPaths: string[], sarifRoot?: string): ArtifactBase[] {
  return rootPaths.map((rootPath) => {
    if (sarifRoot !== undefined) {
      const base = path.resolve(sarifRoot);
      const prefix = inside(base, rootPath);
      if (prefix === undefined) throw new UsageError(`--sarif-root: ${rootPath} is not inside ${sarifRoot}`);
      return { dir: base, prefix, kind: 'sarif-root' };
    }
    const workTree = gitWorkTreeOf(rootPath);
    const prefix = workTree === undefined ? undefined : inside(workTree, rootPath);
    if (workTree !== undefined && prefix !== undefined) return { dir: workTree, prefix, kind: 'git' };
    return { dir: rootPath, prefix: '', kind: 'scanned' };
  });
}
