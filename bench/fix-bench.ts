/**
 * Benchmark of `kaudit fix --write` re-issuing every leaf certificate of the 200-host
 * cluster of scan-bench.ts (made there first): an expiry window of 400 days marks all of
 * them as expiring. A copy is fixed; the generated cluster stays as it is.
 *   npm run build && npm run bench && npm run bench:fix
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const source = path.resolve('bench/out/cluster-200');
if (!fs.existsSync(path.join(source, 'done'))) throw new Error('run npm run bench first: it generates bench/out/cluster-200');
const copy = path.resolve('bench/out/cluster-200-fix');
fs.rmSync(copy, { recursive: true, force: true });
fs.cpSync(source, copy, { recursive: true, verbatimSymlinks: true });

const start = process.hrtime.bigint();
const run = spawnSync(process.execPath, [path.resolve('dist/cli/main.js'), 'fix', copy, '--write', '--rule', 'pki/cert-expiring', '--expiry-window', '400d'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const applied = /Applied (\d+) changes?/.exec(run.stdout)?.[1];
if (run.status !== 0 || !applied) throw new Error(`kaudit fix failed:\n${run.stdout.slice(-2000)}`);
const certificates = (run.stdout.match(/^--- a\/.*\.(crt|pem|conf)$/gm) ?? []).length;
console.log(`kaudit fix --write: ${applied} files re-written (${certificates} certificate files and kubeconfigs) in ${seconds.toFixed(1)} s`);
