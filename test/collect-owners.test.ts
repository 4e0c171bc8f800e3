/**
 * `kaudit collect` names owners through the host root's own etc/passwd and etc/group,
 * never the accounts of the machine it runs on, and the collected snapshot gives the
 * ownership controls their verdicts. Changing owners needs root (CI runs as root).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';
import { staticPodText } from './support/hosts.js';

const isRoot = process.getuid?.() === 0;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-owners-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Whether this machine itself calls uid 998 etcd (then the test would prove nothing). */
function machineNames998Etcd(): boolean {
  return fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.startsWith('etcd:') && line.split(':')[2] === '998');
}

describe('kaudit collect records owners by the host root’s names', () => {
  it.skipIf(!isRoot)('records a folder of uid 998 as etcd:etcd where the host root says so, and the scan of the snapshot judges 1.1.12 by it (needs root to chown; skipped otherwise)', () => {
    expect(machineNames998Etcd()).toBe(false);
    const root = path.join(work, 'host');
    const write = (hostPath: string, text: string, mode = 0o600) => {
      const real = path.join(root, hostPath);
      fs.mkdirSync(path.dirname(real), { recursive: true });
      fs.writeFileSync(real, text, { mode });
      fs.chmodSync(real, mode);
    };
    write('/etc/hostname', 'cp-1\n', 0o644);
    write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\netcd:x:998:998:etcd user:/var/lib/etcd:/usr/sbin/nologin\n', 0o644);
    write('/etc/group', 'root:x:0:\netcd:x:998:\n', 0o644);
    write('/etc/kubernetes/manifests/etcd.yaml', staticPodText('etcd', ['--data-dir=/var/lib/etcd', '--client-cert-auth=true'], { image: 'registry.k8s.io/etcd:3.5.16-0', mounts: ['/var/lib/etcd'] }));
    fs.mkdirSync(path.join(root, 'var/lib/etcd/member'), { recursive: true });
    fs.chmodSync(path.join(root, 'var/lib/etcd'), 0o700);
    fs.chownSync(path.join(root, 'var/lib/etcd'), 998, 998);
    fs.chownSync(path.join(root, 'etc/kubernetes/manifests/etcd.yaml'), 0, 0);

    const out = path.join(work, 'snapshots');
    const run = kaudit(['collect', '--host-root', root, '--output', out]);
    expect(run.status, run.stderr).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'cp-1', '.kaudit-snapshot.json'), 'utf8'));
    expect(manifest.owners['/var/lib/etcd']).toBe('etcd:etcd');
    expect(manifest.modes['/var/lib/etcd']).toBe('0700');
    expect(manifest.owners['/etc/kubernetes/manifests/etcd.yaml']).toBe('root:root');

    const scan = kaudit(['scan', path.join(out, 'cp-1'), '--benchmark', 'cis-1.12', '--format', 'json', '--fail-on', 'none']);
    const results = JSON.parse(scan.stdout).compliance.results as Array<{ id: string; status: string; reason: string }>;
    const byId = (id: string) => results.find((r) => r.id === id)!;
    expect(byId('1.1.12')).toMatchObject({ status: 'PASS', reason: '/var/lib/etcd has owner etcd:etcd' });
    expect(byId('1.1.11')).toMatchObject({ status: 'PASS', reason: '/var/lib/etcd has mode 0700' });
    expect(byId('1.1.8')).toMatchObject({ status: 'PASS' });
  });
});
