/**
 * One safe reader, one safe writer: no other module of kaudit may use node:fs to open,
 * read or write files. A type-only import (fs.Stats in a signature) is allowed; so are
 * tests, bench/ and scripts/, which are not kaudit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED = new Set(['src/io/read.ts', 'src/io/write.ts']);
/** Any import of the file system module: `node:fs`, `fs`, their promises, `fs-extra`-like wrappers. */
const FS_IMPORT = /^\s*import\s+(?!type\b)[^;]*?from\s+['"](node:)?fs(\/promises)?['"]|\brequire\(\s*['"](node:)?fs(\/promises)?['"]\s*\)|\bimport\(\s*['"](node:)?fs(\/promises)?['"]\s*\)/m;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f).split(path.sep).join('/'));
}

describe('the safe reader and writer are the only modules that touch files', () => {
  it('no module of src/ but src/io/read.ts and src/io/write.ts imports node:fs', () => {
    const offenders = sourceFiles('src').filter((file) => !ALLOWED.has(file) && FS_IMPORT.test(fs.readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('catches each way of importing it (so the check above means something)', () => {
    for (const text of [
      "import fs from 'node:fs';",
      "import * as fs from 'fs';",
      "import { readFileSync } from 'node:fs';",
      "import { readFile } from 'node:fs/promises';",
      "const fs = require('fs');",
      "const fs = await import('node:fs');",
    ]) {
      expect(FS_IMPORT.test(text), text).toBe(true);
    }
    expect(FS_IMPORT.test("import type fs from 'node:fs';")).toBe(false);
    expect(FS_IMPORT.test("import path from 'node:path';")).toBe(false);
  });

  it('the allowed modules exist and hold what they are allowed for', () => {
    for (const file of ALLOWED) expect(FS_IMPORT.test(fs.readFileSync(file, 'utf8')), file).toBe(true);
  });
});
