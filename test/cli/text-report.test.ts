import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, kaudit } from '../support/cli.js';
import { RULES } from '../../src/rules/index.js';

const EXAMPLE = ['scan', 'fixtures/example-cluster', '--now', '2026-12-01'];
const ANSI = /\u001b\[[0-9;]*m/;
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs kaudit under a pseudo-terminal of `columns` columns (util-linux script); resolves with what the terminal showed. */
function inTerminal(args: string[], columns: number, env: Record<string, string> = {}): Promise<string> {
  // The variables go on the command itself: the shell resets COLUMNS after stty.
  const assignments = Object.entries(env).map(([name, value]) => `${name}='${value}'`);
  const command = [...assignments, process.execPath, CLI, ...args.map((a) => `'${a}'`)].join(' ');
  return new Promise((resolve) => {
    const { NO_COLOR: _none, ...base } = cliEnv();
    const child = spawn('script', ['-qc', `stty cols ${columns} rows 50; ${command}`, '/dev/null'], { env: { ...base, TERM: 'xterm' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', () => resolve(out.replace(/\r\n/g, '\n')));
  });
}

function widest(text: string): number {
  return Math.max(...text.replace(new RegExp(ANSI.source, 'g'), '').split('\n').filter((line) => !/^\S+$/.test(line)).map((line) => line.length));
}

describe('kaudit scan, text report on the command line', () => {
  it('wraps to COLUMNS, else 80 when stdout is not a terminal', () => {
    const narrow = kaudit(EXAMPLE);
    const wide = kaudit(EXAMPLE, { env: cliEnv({ COLUMNS: '120' }) });
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(80);
    expect(widest(narrow.stdout)).toBeGreaterThan(70);
    expect(widest(wide.stdout)).toBeLessThanOrEqual(120);
    expect(widest(wide.stdout)).toBeGreaterThan(100);
  });

  it('colours only when asked: never with NO_COLOR or --no-color, FORCE_COLOR forces it off a terminal', () => {
    const { NO_COLOR: _none, ...noNoColor } = cliEnv();
    const plainEnv = noNoColor as Record<string, string>;
    expect(kaudit(EXAMPLE, { env: plainEnv }).stdout).not.toMatch(ANSI); // a pipe
    expect(kaudit(EXAMPLE, { env: { ...plainEnv, FORCE_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(kaudit(EXAMPLE, { env: { ...plainEnv, FORCE_COLOR: '0' } }).stdout).not.toMatch(ANSI);
    expect(kaudit(EXAMPLE, { env: { ...plainEnv, FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(ANSI);
    expect(kaudit([...EXAMPLE, '--no-color'], { env: { ...plainEnv, FORCE_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  });

  describe.runIf(hasScript)('on a terminal', () => {
    it('colours, and wraps to the terminal width', async () => {
      const screen = await inTerminal(EXAMPLE, 100);
      expect(screen).toMatch(ANSI);
      expect(widest(screen)).toBeLessThanOrEqual(100);
      expect(widest(screen)).toBeGreaterThan(85);
    });

    it('does not colour with NO_COLOR or --no-color; COLUMNS wins over the width', async () => {
      expect(await inTerminal(EXAMPLE, 100, { NO_COLOR: '1' })).not.toMatch(ANSI);
      expect(await inTerminal([...EXAMPLE, '--no-color'], 100)).not.toMatch(ANSI);
      expect(widest(await inTerminal([...EXAMPLE, '--no-color'], 100, { COLUMNS: '70' }))).toBeLessThanOrEqual(70);
    });
  });

  it('--quiet and --severity change the text only: JSON, SARIF and the exit status stay whole', () => {
    const all = kaudit(EXAMPLE);
    const quiet = kaudit([...EXAMPLE, '--quiet']);
    const severity = kaudit([...EXAMPLE, '--severity', 'warning']);
    expect(quiet.stdout).not.toMatch(/^ +\d+ {2}(warning|note) /m);
    expect(quiet.stdout).toMatch(/^ +\d+ {2}error /m);
    expect(quiet.stdout).toContain('11 warnings and 1 note not shown');
    expect(severity.stdout).toMatch(/^ +\d+ {2}warning /m);
    expect(severity.stdout).not.toMatch(/^ +\d+ {2}note /m);
    expect(kaudit([...EXAMPLE, '-q', '--severity', 'note']).stdout).toBe(quiet.stdout); // the stricter wins
    for (const format of ['json', 'sarif']) {
      const whole = kaudit([...EXAMPLE, '-f', format]).stdout;
      expect(kaudit([...EXAMPLE, '-f', format, '--quiet']).stdout).toBe(whole);
      expect(kaudit([...EXAMPLE, '-f', format, '--severity', 'error']).stdout).toBe(whole);
    }
    const warningsOnly = ['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--rule', 'auth/anonymous-auth', '--fail-on', 'warning'];
    expect(kaudit(warningsOnly).status).toBe(1);
    expect(kaudit([...warningsOnly, '--quiet']).status).toBe(1);
    expect(kaudit([...warningsOnly, '--quiet']).stdout).toContain('3 warnings not shown');
    expect([all, quiet, severity].map((r) => r.status)).toEqual([1, 1, 1]);
    expect(kaudit([...EXAMPLE, '--severity', 'fatal']).status).toBe(2);
  });

  describe('writes reports to folders that do not exist yet', () => {
    let dir: string;
    beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-out-'))));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('creates the folder of -o', () => {
      const sarif = path.join(dir, 'reports', 'ci', 'kaudit.sarif');
      const text = path.join(dir, 'other', 'kaudit.txt');
      const run = kaudit([...EXAMPLE, '-f', 'sarif', '-o', sarif, '-f', 'text', '-o', text]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('');
      expect(JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results).toHaveLength(28);
      expect(fs.readFileSync(text, 'utf8')).toContain('✖ 28 problems');
      expect(fs.readFileSync(text, 'utf8')).not.toMatch(ANSI);
    });
  });
});

describe('what comes from the scanned tree reaches the terminal escaped', () => {
  it('in the warnings on stderr, as in the report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-escapes-'));
    try {
      const pki = path.join(dir, 'node', 'etc', 'kubernetes', 'pki');
      fs.mkdirSync(pki, { recursive: true });
      fs.writeFileSync(path.join(pki, '\u001b]0;pwned\u0007\u001b[2Jbad.crt'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n');
      for (const command of [['scan', dir], ['fix', dir]]) {
        const run = kaudit(command);
        expect(run.stderr).toContain('\\x1b]0;pwned\\x07\\x1b[2Jbad.crt');
        expect(run.stderr + run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kaudit scan of a single file', () => {
  const json = (file: string) => JSON.parse(kaudit(['scan', file, '--now', '2026-12-01', '-f', 'json']).stdout) as { summary: { certificates: number; components: number }; findings: Array<{ ruleId: string; file: string }>; unknowns: Array<{ what: string; affects: string[] }> };

  it('reads one certificate', () => {
    const report = json('fixtures/example-cluster/worker-2/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
    expect(report.summary.certificates).toBe(1);
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}`)).toContain('pki/cert-expired kubelet-client-2026-01-01-00-00-00.pem');
  });

  it('reads one kubeconfig and its embedded certificates', () => {
    const report = json('fixtures/example-cluster/cp-1/etc/kubernetes/admin.conf');
    expect(report.summary.certificates).toBe(2);
    // Out of its host root no snapshot records its mode: the file system's (a checkout's 0644) is judged.
    expect(report.findings.map((f) => f.ruleId)).toEqual(['pki/key-permissions']);
  });

  it('reads one manifest: what it names but does not hold is unknown, not missing', () => {
    const report = json('fixtures/example-cluster/cp-2/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(report.summary.components).toBe(1);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['apiserver/no-encryption-at-rest', 'auth/anonymous-auth']);
    expect(report.unknowns).toHaveLength(1);
    expect(report.unknowns[0].affects).toContain('pki/missing-file');
    const encrypted = json('fixtures/example-cluster/cp-1/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(encrypted.findings.map((f) => f.ruleId)).toEqual(['auth/anonymous-auth']);
  });
});

describe('kaudit rules, explain, version and help', () => {
  it('prints the version with -v, -V and --version', () => {
    const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version as string;
    for (const flag of ['-v', '-V', '--version']) expect(kaudit([flag]).stdout).toBe(`${version}\n`);
  });

  it('lists the rules as JSON for scripts', () => {
    const run = kaudit(['rules', '--format', 'json']);
    expect(run.status).toBe(0);
    const rules = JSON.parse(run.stdout) as Array<{ id: string; level: string; title: string; docs: string; helpUri: string; cis: string[] }>;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of rules) {
      expect(fs.existsSync(rule.docs), rule.docs).toBe(true);
      expect(rule.helpUri.endsWith(rule.docs)).toBe(true);
    }
    expect(JSON.parse(kaudit(['rules', 'pki/shared-ca', '--format', 'json']).stdout)).toMatchObject({ id: 'pki/shared-ca', level: 'warning' });
  });

  it("explains a rule for the terminal: its page's sections, wrapped, without markdown", () => {
    const run = kaudit(['explain', 'pki/shared-ca'], { env: cliEnv({ COLUMNS: '60' }) });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pki\/shared-ca\n/);
    for (const heading of ['WHAT IT CHECKS', 'WHY IT MATTERS', 'HOW TO FIX', 'REFERENCES']) expect(run.stdout).toMatch(new RegExp(`^${heading}$`, 'm'));
    expect(run.stdout).toContain('Transport security model\n    <https://etcd.io/docs/v3.5/op-guide/security/>');
    expect(run.stdout).not.toMatch(/\*\*|`|^#/m);
    // Every line fits, but for one that is a single word (a URL is never cut).
    expect(Math.max(...run.stdout.split('\n').filter((l) => !/^\s*\S+$/.test(l) && !l.startsWith('Online:')).map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(run.stdout).toContain('Online: https://github.com/kaudit/kaudit/blob/main/rules-docs/pki/shared-ca.md');
    const unknown = kaudit(['explain', 'pki/nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe('kaudit: unknown rule "pki/nope" (see kaudit rules)');
  });

  it('has help texts without noise: no "(default: [])" or "(default: false)"', () => {
    for (const command of [[], ['scan'], ['fix'], ['collect'], ['rules'], ['explain']]) {
      const help = kaudit([...command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).not.toMatch(/\(default: (\[\]|false)\)/);
    }
    expect(kaudit(['--help']).stdout).toContain('-v, --version');
  });
});
