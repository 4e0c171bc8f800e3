/**
 * A signal that comes while kaudit writes synchronously must reach its handler before kaudit
 * exits (guardSignals then says what happened and exits 128 + the signal). Reproduced here
 * the way fix --write meets it: the write runs inside a callback of the loop's I/O poll, the
 * signal arrives during it, and then kaudit heads for the exit. A timer lost the signal about
 * one time in five this way, one setImmediate every time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-signals-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const script = path.join(work, 'signal.mts');
fs.writeFileSync(
  script,
  `import fs from 'node:fs';
import { actOnPendingSignals } from ${JSON.stringify(path.resolve('src/io/write.ts'))};
process.on('SIGTERM', () => process.exit(143));
await new Promise((resolve) => fs.readFile(${JSON.stringify(script)}, resolve)); // go on inside the I/O poll
const cell = new Int32Array(new SharedArrayBuffer(4));
process.kill(process.pid, 'SIGTERM');
Atomics.wait(cell, 0, 0, 20); // the synchronous write, during which the signal came
await actOnPendingSignals();
Atomics.wait(cell, 0, 0, 5); // the report reaching its pipe
process.exit(0);
`,
);

describe('a signal during a synchronous write', () => {
  it('reaches its handler before kaudit exits, every time', () => {
    const statuses = Array.from({ length: 12 }, () => spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }).status);
    expect(statuses).toEqual(Array(12).fill(143));
  });
});
