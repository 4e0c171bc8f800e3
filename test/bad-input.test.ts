import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit, removePortableCli } from './support/cli.js';
import { staticPod, writePair } from './support/hosts.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';

const NOBODY = 65534;
const canDropPrivileges = process.getuid?.() === 0;

describe('bad input', () => {
  let tree: TreeWriter;
  let pemBody: string;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    fs.chmodSync(tree.dir, 0o755); // readable by the unprivileged user of the permission test
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    writePair(tree, 'node', '/etc/kubernetes/pki/expired', await pki.leaf(ca, 'still-reported', { validFromDays: -30, validForDays: -1 }));
    pemBody = ca.certPem.split('\n').slice(0, 6).join('\n');
    tree.write('node', '/etc/kubernetes/pki/truncated.crt', `${pemBody}\n`);
    tree.write('node', '/etc/kubernetes/manifests/broken.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n    - name: x\n');
    tree.write('node', '/etc/kubernetes/pki/binary.crt', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    tree.symlink('node', '/etc/kubernetes/pki/loop-a.crt', 'loop-b.crt');
    tree.symlink('node', '/etc/kubernetes/pki/loop-b.crt', 'loop-a.crt');
    const huge = tree.write('node', '/etc/kubernetes/pki/huge.pem', '');
    fs.truncateSync(huge, 50 * 1024 * 1024);
    const aliases = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) aliases.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
    tree.write('node', '/etc/kubernetes/addons/bomb.yaml', `kind: ConfigMap\n${aliases.join('\n')}\n`);
    const secret = tree.write('node', '/etc/kubernetes/pki/unreadable.key', 'x');
    fs.chmodSync(secret, 0o600);
    fs.mkdirSync(tree.real('node', '/etc/kubernetes/pki/dir.crt'), { recursive: true });
    staticPod(tree, 'node', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/dir.crt']);
  });
  afterAll(() => {
    tree.cleanup();
    removePortableCli();
  });

  function warningsFor(stderr: string, file: string): string[] {
    return stderr.split('\n').filter((line) => line.includes(`node/etc/kubernetes/${file}:`));
  }

  it('gives one clear warning per bad file, no stack trace, and still reports the rest', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json']);
    expect(run.status).toBe(1); // the expired certificate is an error
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const expected: Array<[string, RegExp]> = [
      ['pki/truncated.crt', /PEM block "CERTIFICATE" at line 1 is truncated \(no END line\)/],
      ['manifests/broken.yaml', /YAML syntax error at line \d+/],
      ['pki/binary.crt', /binary file that is neither a PEM nor a DER certificate; skipped/],
      ['pki/loop-a.crt', /symbolic link loop/],
      ['pki/loop-b.crt', /symbolic link loop/],
      ['pki/huge.pem', /file is 50 MB, over the 32 MB limit; skipped/],
      ['addons/bomb.yaml', /YAML cannot be expanded: Excessive alias count/],
      ['pki/dir.crt', /not a regular file/],
      ['pki/unreadable.key', /no PEM block found/], // root reads it: it is just not a key
    ];
    for (const [file, message] of expected) {
      const lines = warningsFor(run.stderr, file);
      expect(lines, file).toHaveLength(1);
      expect(lines[0]).toMatch(/^kaudit: warning: /);
      expect(lines[0]).toMatch(message);
    }
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; file: string }>; warnings: unknown[] };
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}`)).toContain('pki/cert-expired node/etc/kubernetes/pki/expired.crt');
    expect(report.warnings, run.stderr).toHaveLength(expected.length);
    expect(run.stdout + run.stderr).not.toContain(pemBody.split('\n')[2]);
  });

  it.runIf(canDropPrivileges)('warns about a file the user may not read, and goes on', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json'], { asUser: NOBODY });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const lines = warningsFor(run.stderr, 'pki/unreadable.key');
    expect(lines).toEqual([`kaudit: warning: node/etc/kubernetes/pki/unreadable.key: cannot be read (EACCES)`]);
    expect(JSON.parse(run.stdout).findings.length).toBeGreaterThan(0);
  });

  it('exits 2 with one line for a PATH that does not exist', () => {
    const run = kaudit(['scan', `${tree.dir}/no-such-folder`]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`kaudit: ${tree.dir}/no-such-folder: no such file or folder`);
  });
});
