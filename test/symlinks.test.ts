import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from './support/scan.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';

describe('symbolic links in a host root', () => {
  let tree: TreeWriter;
  let outside: string;
  beforeAll(async () => {
    const pki = new PkiFactory();
    const ca = await pki.ca('outside-ca', { validFromDays: -30, validForDays: -1 });
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-outside-'));
    fs.writeFileSync(path.join(outside, 'secret-ca.crt'), ca.certPem);
    tree = TreeWriter.temp();
    tree.write('node', '/etc/kubernetes/pki/ca.crt', (await pki.ca('inside-ca')).certPem);
    tree.symlink('node', '/etc/kubernetes/pki/abs-link', outside); // absolute: taken inside the host root, as under chroot
    const relative = path.relative(tree.real('node', '/etc/kubernetes/pki'), outside);
    tree.symlink('node', '/etc/kubernetes/pki/rel-link', relative); // climbs out of the host root
    tree.symlink('node', '/etc/kubernetes/pki/self', '.'); // a folder loop
    tree.symlink('node', '/etc/kubernetes/pki/ca-link.crt', '/etc/kubernetes/pki/ca.crt'); // absolute, inside
  });
  afterAll(() => {
    tree.cleanup();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('never reads a folder outside the scanned folder through a link', () => {
    const { cluster, findings } = scanPaths([tree.dir]);
    expect(cluster.certificates.map((c) => c.commonName)).toEqual(['inside-ca']);
    expect(findings.filter((f) => f.ruleId === 'pki/cert-expired')).toEqual([]);
    expect(cluster.diagnostics.map((d) => `${d.at?.file}: ${d.message}`)).toEqual([
      'node/etc/kubernetes/pki/rel-link: symbolic link /etc/kubernetes/pki/rel-link points outside the host root; not followed',
    ]);
  });

  it('resolves an absolute link inside the host root, and reads a linked file once', () => {
    const { cluster } = scanPaths([tree.dir]);
    expect(cluster.certificates).toHaveLength(1);
    expect(cluster.certificates[0].hostPath).toBe('/etc/kubernetes/pki/ca.crt');
  });
});
