import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CLI = path.resolve('dist/cli/main.js');

/** The packages a scan loads (the Kubernetes client and ajv are loaded only when asked for). */
const RUNTIME_PACKAGES = ['commander', 'yaml', '@peculiar/x509'];

let portable: string | undefined;
/**
 * The built CLI copied to a folder that any user may enter (with the packages a scan
 * loads): the clone may sit under a folder that an unprivileged user cannot enter (a
 * 0700 home or mktemp -d), and tests that run kaudit as that user must pass wherever it is.
 */
export function portableCli(): string {
  if (portable) return portable;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-cli-'));
  fs.chmodSync(dir, 0o755);
  for (const part of ['dist', 'package.json', 'rules-docs', 'schema']) fs.cpSync(part, path.join(dir, part), { recursive: true });
  const seen = new Set<string>();
  const queue = [...RUNTIME_PACKAGES];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    fs.cpSync(path.join('node_modules', name), path.join(dir, 'node_modules', name), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join('node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    queue.push(...Object.keys(manifest.dependencies ?? {}));
  }
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, entry);
    fs.chmodSync(full, fs.statSync(full).isDirectory() ? 0o755 : 0o644);
  }
  portable = path.join(dir, 'dist/cli/main.js');
  return portable;
}

/** Removes the copy portableCli made (a test file's afterAll: worker threads see no 'exit'). */
export function removePortableCli(): void {
  if (portable) fs.rmSync(path.dirname(path.dirname(path.dirname(portable))), { recursive: true, force: true });
  portable = undefined;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment kaudit runs in: this process's, without what changes the text report's
 * layout (COLUMNS, FORCE_COLOR), and with NO_COLOR; `extra` adds or overrides.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { COLUMNS: _columns, FORCE_COLOR: _force, ...env } = process.env;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs the built `kaudit` (npm test builds it first) as a user would. */
export function kaudit(args: string[], options: SpawnSyncOptions & { asUser?: number } = {}): CliRun {
  const { asUser, ...spawnOptions } = options;
  const command = asUser === undefined ? process.execPath : 'setpriv';
  const cli = asUser === undefined ? CLI : portableCli();
  const argv = asUser === undefined ? [CLI, ...args] : [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, cli, ...args];
  const cwd = asUser === undefined ? undefined : path.dirname(path.dirname(path.dirname(cli)));
  const result = spawnSync(command, argv, { encoding: 'utf8', env: cliEnv(), ...(cwd ? { cwd } : {}), ...spawnOptions });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs kaudit without blocking this process (a server of the test must keep answering). */
export function kauditAsync(args: string[], options: { timeout?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = options.timeout ? setTimeout(() => child.kill('SIGKILL'), options.timeout) : undefined;
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
