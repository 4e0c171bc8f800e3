import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** sha256 of every file below a folder (links not followed, backups left out), by relative path. */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.name === '.kaudit-backup') continue;
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) out.set(path.relative(dir, full), createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
      else if (entry.isSymbolicLink()) out.set(path.relative(dir, full), `link:${fs.readlinkSync(full)}`);
    }
  };
  visit(dir);
  return out;
}

export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((file) => before.get(file) !== after.get(file)).sort();
}

export function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}
