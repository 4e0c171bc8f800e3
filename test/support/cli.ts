import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve('dist/cli/main.js');

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
  const argv = asUser === undefined ? [CLI, ...args] : [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, CLI, ...args];
  const result = spawnSync(command, argv, { encoding: 'utf8', env: cliEnv(), ...spawnOptions });
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
