/**
 * Runs a Node.js program and records every file it reads: modules through a loader hook,
 * other files through the fs functions that open, read, list or look at them. For tests of
 * what the built CLI needs at run time (the container image) and of what it loads when.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const HOOKS = `
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.KAUDIT_READ_TRACE, fileURLToPath(url) + '\\n');
  return next(url, context);
}
`;

const PRELOAD = `
const fs = require('node:fs');
const path = require('node:path');
const { register, syncBuiltinESMExports } = require('node:module');
const { fileURLToPath } = require('node:url');
const trace = process.env.KAUDIT_READ_TRACE;
const appendFileSync = fs.appendFileSync.bind(fs);
let busy = false;
// Writing the trace goes through fs too: no tracing of the tracer.
const append = (file, line) => {
  if (busy) return;
  busy = true;
  try {
    appendFileSync(file, line);
  } finally {
    busy = false;
  }
};
const asPath = (p) => (typeof p === 'string' ? p : p instanceof URL ? fileURLToPath(p) : Buffer.isBuffer(p) ? p.toString() : undefined);
for (const name of ['readFileSync', 'openSync', 'readdirSync', 'opendirSync', 'statSync', 'lstatSync', 'existsSync', 'realpathSync', 'accessSync', 'readlinkSync', 'readFile', 'open', 'readdir', 'stat', 'lstat', 'createReadStream']) {
  const original = fs[name];
  if (typeof original !== 'function') continue;
  fs[name] = function (...args) {
    const p = asPath(args[0]);
    if (p) append(trace, path.resolve(p) + '\\n');
    return original.apply(this, args);
  };
  Object.assign(fs[name], original);
}
for (const name of ['readFile', 'open', 'readdir', 'stat', 'lstat', 'opendir']) {
  const original = fs.promises[name];
  fs.promises[name] = function (...args) {
    const p = asPath(args[0]);
    if (p) append(trace, path.resolve(p) + '\\n');
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
register(process.env.KAUDIT_READ_HOOKS);
`;

export interface TracedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Absolute paths read, each once, in the order first read. */
  reads: string[];
}

/** Runs `node script args` with every read recorded. */
export function traceReads(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): TracedRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-trace-'));
  try {
    const hooks = path.join(dir, 'hooks.mjs');
    const preload = path.join(dir, 'preload.cjs');
    const trace = path.join(dir, 'reads.txt');
    fs.writeFileSync(hooks, HOOKS);
    fs.writeFileSync(preload, PRELOAD);
    fs.writeFileSync(trace, '');
    const env = { ...(options.env ?? process.env), KAUDIT_READ_TRACE: trace, KAUDIT_READ_HOOKS: pathToFileURL(hooks).href, NO_COLOR: '1' };
    const run = spawnSync(process.execPath, ['--require', preload, script, ...args], { cwd: options.cwd, env, encoding: 'utf8', timeout: options.timeout ?? 60_000 });
    const reads = [...new Set(fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean))].filter((p) => !p.startsWith(dir));
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, reads };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
