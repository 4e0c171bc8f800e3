/**
 * Fault injection for `kaudit fix --write`: a failure at every write step (create, write,
 * fsync, rename, backup), SIGTERM in the middle and SIGKILL in the middle. Every file is
 * either as it was or as fixed, a certificate and its key change together, keys are never
 * readable by others, no temporary file is left, and the message says what happened.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { runRules } from '../../src/engine.js';
import { planFixes } from '../../src/fixers/index.js';
import { writeChanges } from '../../src/fixers/writer.js';
import type { WriteStep } from '../../src/io/write.js';
import { RULES } from '../../src/rules/index.js';
import { CLI, kaudit } from '../support/cli.js';
import { changedFiles, copyTree, hashTree } from '../support/files.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const EXAMPLE = 'fixtures/example-cluster';
const TEMP = /\.kaudit-[0-9a-f]{16}\.tmp$/;

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-faults-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let copies = 0;
function freshTree(): string {
  const dir = path.join(work, `tree-${++copies}`);
  copyTree(EXAMPLE, dir);
  return dir;
}

/** Every file below a folder, backups included, links not followed. */
function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.lstatSync(path.join(dir, f)).isFile());
}

function modes(dir: string): Map<string, number> {
  return new Map(allFiles(dir).filter((f) => !f.includes('.kaudit-backup')).map((f) => [f, fs.statSync(path.join(dir, f)).mode & 0o7777]));
}

/** Findings of the key rules: after a write there may be none but the planted, plan-only ones. */
function keyProblems(dir: string): string[] {
  return runRules(collect([dir]), RULES, { now: NOW, expiryWindowDays: 30 })
    .filter((f) => f.ruleId === 'pki/key-mismatch' || f.ruleId === 'pki/key-permissions')
    .map((f) => `${f.ruleId} ${f.at.file}`);
}

async function plan(dir: string) {
  const cluster = collect([dir]);
  const findings = runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 });
  return planFixes(cluster, findings, { now: NOW });
}

/** What is true after any write, whole or failed: no temporary files, no journal, private backups, private keys. */
function expectClean(dir: string): void {
  const files = allFiles(dir);
  expect(files.filter((f) => TEMP.test(f))).toEqual([]);
  expect(files.filter((f) => f.endsWith('.kaudit-journal.json'))).toEqual([]);
  const backup = path.join(dir, '.kaudit-backup');
  if (fs.existsSync(backup)) {
    for (const entry of fs.readdirSync(backup, { recursive: true, encoding: 'utf8' })) {
      const stat = fs.lstatSync(path.join(backup, entry));
      expect(stat.mode & 0o777, `backup ${entry}`).toBe(stat.isDirectory() ? 0o700 : 0o600);
    }
    expect(fs.statSync(backup).mode & 0o777).toBe(0o700);
  }
}

/** Private keys that the write made or changed are readable by no one else. */
function expectPrivateKeys(dir: string, changed: string[]): void {
  for (const file of changed) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full) || !/PRIVATE KEY-----|client-key-data|secret:/.test(fs.readFileSync(full, 'utf8'))) continue;
    expect(fs.statSync(full).mode & 0o077, `${file} is readable by others`).toBe(0);
  }
}

describe('fix --write with a failure at each step', () => {
  let counts: Map<WriteStep, number>;
  beforeAll(async () => {
    const dir = freshTree();
    const cs = await plan(dir);
    counts = new Map();
    const result = writeChanges(cs, { now: NOW, faults: (step) => void counts.set(step, (counts.get(step) ?? 0) + 1) });
    expect(result.error).toBeUndefined();
  }, 60_000);

  it('the fixes of the example cluster exercise every step, key pairs included', () => {
    for (const step of ['backup', 'create', 'write', 'fsync', 'rename', 'remove', 'chmod'] as const) expect(counts.get(step), step).toBeGreaterThan(0);
  });

  for (const step of ['backup', 'create', 'write', 'fsync', 'rename'] as const) {
    it(`leaves every file as it was when ${step} fails, the first time and the last`, async () => {
      for (const nth of [...new Set([1, counts.get(step)!])]) {
        const dir = freshTree();
        const before = hashTree(dir);
        const modesBefore = modes(dir);
        const cs = await plan(dir);
        let seen = 0;
        const result = writeChanges(cs, {
          now: NOW,
          faults: (at, target) => {
            if (at === step && ++seen === nth) throw Object.assign(new Error(`${step} of ${target} failed`), { code: step === 'write' ? 'ENOSPC' : 'EIO' });
          },
        });
        expect(result.error, `${step} #${nth}`).toMatch(new RegExp(`^(backup|edit|create) of \\S+ failed \\((EIO|ENOSPC)\\); .*nothing was changed$`));
        expect(result.applied).toEqual([]);
        expect(hashTree(dir), `${step} #${nth}`).toEqual(before);
        expect(modes(dir)).toEqual(modesBefore);
        expectClean(dir);
      }
    }, 60_000);
  }

  it('writes everything when nothing fails: key pairs match, new keys are 0600, no temp files', async () => {
    const dir = freshTree();
    const before = hashTree(dir);
    const planted = keyProblems(dir).filter((f) => f.startsWith('pki/key-mismatch'));
    const result = writeChanges(await plan(dir), { now: NOW });
    expect(result.error).toBeUndefined();
    const changed = changedFiles(before, hashTree(dir));
    expect(changed.length).toBeGreaterThan(10);
    expectClean(dir);
    expectPrivateKeys(dir, changed);
    expect(keyProblems(dir)).toEqual(planted);
  }, 60_000);
});

/** Runs `kaudit fix --write` and sends a signal when it pauses in the middle of its write. */
function fixInterrupted(dir: string, signal: NodeJS.Signals, fault: string): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The child waits at the fault until the signal is sent and this file exists: no race with the machine's load.
    const resume = path.join(work, `resume-${++copies}`);
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--now', '2026-12-01', '--write'], { env: { ...process.env, NO_COLOR: '1', KAUDIT_TEST_FAULT: fault, KAUDIT_TEST_RESUME: resume } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      if (!sent && stderr.includes('kaudit: test pause')) {
        sent = true;
        child.kill(signal);
        fs.writeFileSync(resume, '');
      }
    });
    child.on('close', (status, killedBy) => resolve({ status, signal: killedBy, stdout, stderr }));
  });
}

describe('fix --write interrupted', () => {
  it('SIGTERM in the middle of the renames: the write completes, then kaudit stops and says so', async () => {
    const dir = freshTree();
    const before = hashTree(dir);
    const run = await fixInterrupted(dir, 'SIGTERM', 'pause:rename:3:60000');
    expect(run.stderr).toContain('kaudit: test pause before rename 3');
    expect(run.status, run.stderr).toBe(143);
    expect(run.stderr).toMatch(/kaudit: stopped by SIGTERM; the write in progress was completed or rolled back first: every file is either as it was or as fixed/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const changed = changedFiles(before, hashTree(dir));
    expect(changed.length).toBeGreaterThan(10);
    expectClean(dir);
    expectPrivateKeys(dir, changed);
    // Whole: nothing is left for a second run to fix but the plan.
    const again = kaudit(['fix', dir, '--now', '2026-12-01', '--write']);
    expect(again.stdout).not.toMatch(/^Applied [1-9]/m);
  }, 60_000);

  it('SIGKILL in the middle: the next fix --write rolls the half-done write back, then writes it whole', async () => {
    const dir = freshTree();
    const before = hashTree(dir);
    const planted = keyProblems(dir).filter((f) => f.startsWith('pki/key-mismatch'));
    const killed = await fixInterrupted(dir, 'SIGKILL', 'pause:rename:3:60000');
    expect(killed.signal).toBe('SIGKILL');
    // Half done: two renames happened, the temporary files of the rest and the journal are there.
    expect(changedFiles(before, hashTree(dir)).length).toBeGreaterThanOrEqual(2);
    expect(allFiles(dir).filter((f) => TEMP.test(f)).length).toBeGreaterThan(0);
    const scan = kaudit(['scan', dir, '--now', '2026-12-01', '--format', 'json']);
    expect(scan.stderr).toMatch(/an interrupted kaudit fix --write left its journal .*; the next kaudit fix --write rolls it back/);
    const next = kaudit(['fix', dir, '--now', '2026-12-01', '--write']);
    expect(next.stderr).toMatch(/kaudit: an interrupted kaudit fix --write \(\d{8}T\d{6}Z\) was rolled back: .*restored .* from /);
    expect(next.status, next.stdout + next.stderr).toBe(0);
    const changed = changedFiles(before, hashTree(dir));
    expect(changed.length).toBeGreaterThan(10);
    expectClean(dir);
    expectPrivateKeys(dir, changed);
    expect(keyProblems(dir)).toEqual(planted);
  }, 60_000);

  it('a journal planted in the tree (a pull request may hold a .kaudit-backup) is never rolled back', () => {
    const dir = freshTree();
    const victim = path.join(work, 'victim.txt');
    fs.writeFileSync(victim, 'mine\n');
    const stamp = path.join(dir, '.kaudit-backup/20260101T000000Z');
    fs.mkdirSync(stamp, { recursive: true, mode: 0o700 });
    fs.chmodSync(path.join(dir, '.kaudit-backup'), 0o700);
    fs.writeFileSync(path.join(stamp, 'evil'), 'theirs\n', { mode: 0o600 });
    const journal = { kaudit: 'fix-journal', version: 1, startedAt: '', entries: [{ kind: 'edit', target: victim, backup: path.join(stamp, 'evil'), newSha256: 'x' }] };
    fs.writeFileSync(path.join(stamp, '.kaudit-journal.json'), JSON.stringify(journal), { mode: 0o600 });
    const run = kaudit(['fix', dir, '--now', '2026-12-01']);
    expect(run.status).toBe(0); // a dry run rolls nothing back
    const write = kaudit(['fix', dir, '--now', '2026-12-01', '--write']);
    expect(write.stderr).toMatch(/kaudit: an interrupted kaudit fix --write left .*\.kaudit-journal\.json, which cannot be rolled back \(.* names files outside the scanned folder or its own backups; not rolled back\)/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('mine\n');
  }, 60_000);

  it('a failed step is one clear message and exit status 1; nothing changed', () => {
    const dir = freshTree();
    const before = hashTree(dir);
    const run = kaudit(['fix', dir, '--now', '2026-12-01', '--write'], { env: { ...process.env, NO_COLOR: '1', KAUDIT_TEST_FAULT: 'fsync:4' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^Error: (edit|create) of \S+ failed \(EIO\); nothing was changed$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(hashTree(dir)).toEqual(before);
    expectClean(dir);
  }, 60_000);
});
