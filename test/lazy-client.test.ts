import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './support/cli.js';
import { traceReads } from './support/read-trace.js';

/** The Kubernetes client is most of kaudit's install and takes a moment to load: only live API scans load it. */
describe('the Kubernetes client is loaded only for the live API', () => {
  let dir: string;
  let kubeconfig: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-lazy-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    // A server that refuses the connection: the scan fails that source, after loading the client.
    fs.writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {token: abc}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const loadsClient = (run: { reads: string[] }) => run.reads.some((p) => p.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`));

  it('not for folders, reports, fixes, rules or the version', () => {
    for (const args of [['--version'], ['rules'], ['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '-f', 'sarif'], ['fix', 'fixtures/example-cluster', '--now', '2026-12-01']]) {
      const run = traceReads(CLI, args);
      expect(run.status, args.join(' ')).toBeLessThanOrEqual(1);
      expect(loadsClient(run), args.join(' ')).toBe(false);
    }
  });

  it('for --kubeconfig', () => {
    const run = traceReads(CLI, ['scan', '--kubeconfig', kubeconfig, '--request-timeout', '2s', '--fail-on', 'none', '-f', 'json']);
    expect(run.status).toBe(0);
    expect(loadsClient(run)).toBe(true);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('source/unreadable');
  });
});
