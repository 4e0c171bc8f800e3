import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';

/** Runs `kaudit ARGS | head -c 100` in a shell: kaudit's exit status and stderr, and what head printed. */
function intoHead(args: string[]): { status: number; stderr: string; stdout: string } {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const run = spawnSync('bash', ['-c', `'${process.execPath}' '${CLI}' ${quoted} 2>"$ERR" | head -c 100; echo " status=\${PIPESTATUS[0]}"; cat "$ERR" >&2; rm -f "$ERR"`], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ERR: `/tmp/kaudit-pipe-${process.pid}.err` },
  });
  const status = Number(/status=(\d+)/.exec(run.stdout)?.[1]);
  return { status, stderr: run.stderr, stdout: run.stdout };
}

describe('a reader that stops early (kaudit scan … | head)', () => {
  it('ends quietly, with the status the scan has (no EPIPE stack trace)', () => {
    for (const format of ['sarif', 'json', 'text']) {
      const run = intoHead(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', format]);
      expect(run.stdout.length).toBeGreaterThan(100);
      expect(run.stderr, format).not.toMatch(/EPIPE|\n\s+at /);
      expect(run.stderr, format).toBe('');
      expect(run.status, format).toBe(1); // the example's errors, as without the pipe
    }
  });
});
