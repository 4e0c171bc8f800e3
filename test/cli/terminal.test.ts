import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { copyTree } from '../support/files.js';
import { startStandIn } from '../support/kube-standin.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs kaudit under a pseudo-terminal (util-linux script), as a person at a terminal would. */
function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qc', `${command} > /dev/null`, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', () => resolve(out));
  });
}

describe.runIf(hasScript)('on a terminal', () => {
  it('kaudit fix draws a progress bar on stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-tty-'));
    try {
      copyTree('fixtures/example-cluster', dir);
      const screen = await inTerminal(['fix', dir, '--now', '2026-12-01']);
      expect(screen).toMatch(/\rworking out fixes \[#+ *\] \d+\/\d+/);
      expect(screen).toMatch(/working out fixes \[#{30}\] (\d+)\/\1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a live scan says what it is reading, and clears the line at the end', async () => {
    const api = await startStandIn({ nodes: 10, pods: 10 });
    try {
      const screen = await inTerminal(['scan', '--kubeconfig', api.kubeconfig, '--fail-on', 'none']);
      expect(screen).toContain('reading nodes…');
      expect(screen).toContain('reading the serving certificate…');
      expect(screen).toMatch(/\r\u001b\[K$|\r\u001b\[K[^r]*$/);
    } finally {
      await api.close();
    }
  });
});
