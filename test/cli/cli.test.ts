import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from '../support/cli.js';
import { writePair } from '../support/hosts.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';
import { RULES } from '../../src/rules/index.js';

describe('kaudit CLI', () => {
  let tree: TreeWriter;
  let warningsOnly: TreeWriter;
  beforeAll(async () => {
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    tree = TreeWriter.temp();
    writePair(tree, 'node', '/etc/kubernetes/pki/expired', await pki.leaf(ca, 'expired', { validFromDays: -60, validForDays: -2 }));
    writePair(tree, 'node', '/etc/kubernetes/pki/soon', await pki.leaf(ca, 'soon', { validForDays: 20 }));
    warningsOnly = TreeWriter.temp();
    writePair(warningsOnly, 'node', '/etc/kubernetes/pki/soon', await pki.leaf(ca, 'soon', { validForDays: 20 }));
  });
  afterAll(() => {
    tree.cleanup();
    warningsOnly.cleanup();
  });

  it('prints its version', () => {
    const run = kaudit(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  });

  it('lists the rules, and prints the page of one', () => {
    const list = kaudit(['rules']);
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(RULES.length);
    expect(list.stdout).toMatch(/^pki\/cert-expired\s+error\s+Certificate has expired/m);
    const page = kaudit(['rules', 'pki/shared-ca']);
    expect(page.status).toBe(0);
    expect(page.stdout).toBe(fs.readFileSync('rules-docs/pki/shared-ca.md', 'utf8'));
    const unknown = kaudit(['rules', 'pki/nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe('kaudit: unknown rule "pki/nope" (see kaudit rules)');
  });

  it('exits 1 on an error finding, 0 below --fail-on, 1 at it', () => {
    expect(kaudit(['scan', tree.dir]).status).toBe(1);
    expect(kaudit(['scan', tree.dir, '--fail-on', 'none']).status).toBe(0);
    expect(kaudit(['scan', warningsOnly.dir]).status).toBe(0);
    expect(kaudit(['scan', warningsOnly.dir, '--fail-on', 'warning']).status).toBe(1);
    expect(kaudit(['scan', warningsOnly.dir, '--fail-on', 'note']).status).toBe(1);
  });

  it('exits 2 with one line for usage errors, never a stack trace', () => {
    for (const args of [
      ['scan', tree.dir, '--format', 'xml'],
      ['scan', tree.dir, '--fail-on', 'fatal'],
      ['scan', tree.dir, '--now', 'yesterday'],
      ['scan', tree.dir, '--expiry-window', 'soon'],
      ['scan', tree.dir, '--rule', 'pki/unknown'],
      ['scan'],
      ['frobnicate'],
    ]) {
      const run = kaudit(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe('');
    }
    expect(kaudit(['scan', tree.dir, '--now', 'yesterday']).stderr.trim()).toBe('kaudit: --now: "yesterday" is not a date (use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)');
  });

  it('writes only the document to stdout with --format json and sarif', () => {
    for (const format of ['json', 'sarif']) {
      const run = kaudit(['scan', tree.dir, '--format', format]);
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
  });

  it('writes the report to --output and nothing to stdout', () => {
    const out = path.join(tree.dir, 'report.sarif');
    const run = kaudit(['scan', path.join(tree.dir, 'node'), '--format', 'sarif', '--output', out]);
    expect(run.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results.length).toBe(2);
  });

  it('runs only --rule rules, less --disable ones, with categories', () => {
    const ids = (args: string[]) => (JSON.parse(kaudit(['scan', tree.dir, '--format', 'json', ...args]).stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
    expect(ids([])).toEqual(['pki/cert-expired', 'pki/cert-expiring']);
    expect(ids(['--rule', 'pki/cert-expiring'])).toEqual(['pki/cert-expiring']);
    expect(ids(['--disable', 'pki/cert-expired'])).toEqual(['pki/cert-expiring']);
    expect(ids(['--disable', 'pki/*'])).toEqual([]);
    const sarif = JSON.parse(kaudit(['scan', tree.dir, '--format', 'sarif', '--rule', 'pki/cert-expired,pki/weak-key']).stdout);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['pki/cert-expired', 'pki/weak-key']);
  });

  it('judges validity at --now, and expiry within --expiry-window', () => {
    const ids = (args: string[]) => (JSON.parse(kaudit(['scan', warningsOnly.dir, '--format', 'json', ...args]).stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
    expect(ids([])).toEqual(['pki/cert-expiring']);
    expect(ids(['--expiry-window', '7d'])).toEqual([]);
    expect(ids(['--expiry-window', '720h'])).toEqual(['pki/cert-expiring']);
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString();
    expect(ids(['--now', later])).toEqual(['pki/cert-expired']);
  });

  it('gives an empty results array and exit 0 for a folder with nothing to report', () => {
    const empty = TreeWriter.temp();
    try {
      empty.write('node', '/etc/hostname', 'node\n');
      const run = kaudit(['scan', empty.dir, '--format', 'sarif']);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).runs[0].results).toEqual([]);
      expect(kaudit(['scan', empty.dir]).stdout).toMatch(/^✔ no problems \(1 host, 0 components, 0 certificates checked\)/m);
    } finally {
      empty.cleanup();
    }
  });
});

describe('several reports in one run', () => {
  it('pairs --format and --output in order, JUnit included, the last without output on stdout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-reports-'));
    try {
      const json = path.join(dir, 'report.json');
      const junit = path.join(dir, 'report.xml');
      const run = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', 'json', '--output', json, '--format', 'junit', '--output', junit, '--format', 'text']);
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/✖ 28 problems/);
      const findings = (JSON.parse(fs.readFileSync(json, 'utf8')) as { findings: unknown[] }).findings;
      const xml = fs.readFileSync(junit, 'utf8');
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kaudit"')).toBe(true);
      expect(Number(/<testsuites[^>]* failures="(\d+)"/.exec(xml)![1])).toBe(findings.length);
      expect(xml.match(/<failure /g)).toHaveLength(findings.length);
      expect(xml).toContain('<testsuite name="pki/cert-expired" tests="1" failures="1"');
      expect(xml).toContain('<testcase classname="auth/static-credentials" name="Static token or password file"/>');
      expect(xml.match(/<testsuite /g)).toHaveLength(xml.match(/<\/testsuite>/g)!.length);
      const unpaired = kaudit(['scan', 'fixtures/example-cluster', '--format', 'json', '--format', 'sarif']);
      expect(unpaired.status).toBe(2);
      expect(unpaired.stderr.trim()).toBe('kaudit: with several --format, every one but the last needs its --output (in the same order)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
