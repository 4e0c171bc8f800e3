/**
 * A corpus of hostile input: FIFOs, sockets and devices, links out of the tree through
 * every place kaudit follows a path, huge and deeply nested files, alias bombs, odd shapes
 * in every config kind, hostile host and file names. Every scan, fix and collect finishes
 * (a hang is killed by the timeout and fails), nothing outside the tree is read or written
 * (bait files outside, and strace's view of every file kaudit opens), and every file that
 * is skipped is named in one warning line.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, kaudit, type CliRun } from './support/cli.js';
import { hashTree } from './support/files.js';
import { kubeconfigText, staticPod, staticPodText } from './support/hosts.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';

const BAIT = 'bait-outside-the-tree';
const TIMEOUT = 60_000;
const straceAvailable = spawnSync('strace', ['-V']).status === 0;

function mknod(file: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return spawnSync('mknod', [file, 'c', '1', '5']).status === 0; // /dev/zero's numbers
}

describe('hostile input', () => {
  let work: string;
  let outside: string;
  let tree: TreeWriter;
  let live: string;
  let outsideBefore: Map<string, string>;
  let server: net.Server;
  let hasDevice = false;
  /** Files each scan must name in a warning, with what it must say. */
  const skipped: Array<[string, RegExp]> = [];

  /** A relative link from `hostPath` of a host that climbs out of the tree to `target` outside. */
  function linkOut(host: string, hostPath: string, target: string): void {
    const real = tree.real(host, hostPath);
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(real), path.join(outside, target)), real);
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-hostile-'));
    fs.chmodSync(work, 0o755);
    outside = path.join(work, 'outside');
    tree = new TreeWriter(path.join(work, 'cluster'));
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    const bait = await pki.ca(BAIT);

    // What lies outside: bait of every kind kaudit reads.
    fs.mkdirSync(path.join(outside, 'proc/1'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'bait.crt'), bait.certPem);
    fs.writeFileSync(path.join(outside, 'bait.yaml'), `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: ${BAIT}\n`);
    fs.writeFileSync(path.join(outside, 'bait.env'), `KUBELET_EXTRA_ARGS=--node-labels=${BAIT}\n`);
    fs.writeFileSync(path.join(outside, 'bait.json'), JSON.stringify({ modes: { [`/${BAIT}`]: '0777' } }));
    fs.writeFileSync(path.join(outside, 'proc/1/cmdline'), `kube-apiserver\0--cluster-name=${BAIT}\0`);
    fs.mkdirSync(path.join(outside, 'units/kubelet.service.d'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'units/kubelet.service.d/10-bait.conf'), `[Service]\nEnvironment=BAIT=${BAIT}\n`);
    fs.mkdirSync(path.join(outside, 'cni'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'cni/10-bait.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: BAIT, plugins: [{ type: BAIT }] }));
    fs.writeFileSync(path.join(outside, 'route'), `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nbait0\t0000FEA9\t00000000\t0001\t0\t0\t0\t0000FFFF\n`);

    const h = 'node';
    tree.write(h, '/etc/kubernetes/pki/ca.crt', ca.certPem);
    // FIFOs, a socket, a device: judged by the open file's type, never blocked on.
    for (const fifo of ['/etc/kubernetes/manifests/fifo.yaml', '/etc/kubernetes/pki/fifo.crt', '/etc/kubernetes/pki/named-by-flag.crt', '/etc/kubernetes/fifo.conf']) {
      fs.mkdirSync(path.dirname(tree.real(h, fifo)), { recursive: true });
      spawnSync('mkfifo', [tree.real(h, fifo)]);
      skipped.push([`${h}${fifo}`, /a FIFO \(named pipe\), not a regular file; skipped/]);
    }
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(tree.real(h, '/etc/kubernetes/pki/socket.pem'), resolve));
    skipped.push([`${h}/etc/kubernetes/pki/socket.pem`, /a socket, not a regular file; skipped/]);
    hasDevice = mknod(tree.real(h, '/etc/kubernetes/pki/zero.crt'));
    if (hasDevice) skipped.push([`${h}/etc/kubernetes/pki/zero.crt`, /a character device, not a regular file; skipped/]);
    tree.write(h, '/etc/kubernetes/pki/evil\u001b[2Jname.crt', 'not a certificate');
    skipped.push([`${h}/etc/kubernetes/pki/evil\\x1b[2Jname.crt`, /no PEM block found/]);

    // Links out of the tree wherever kaudit follows a path.
    const out: Array<[string, string]> = [
      ['/etc/kubernetes/pki/walked-out.crt', 'bait.crt'], // found by the walk
      ['/etc/kubernetes/pki/flag-out.crt', 'bait.crt'], // named by --tls-cert-file
      ['/etc/kubernetes/pki/kubeconfig-out.crt', 'bait.crt'], // named by a kubeconfig
      ['/etc/default/kubelet', 'bait.env'], // EnvironmentFile=
      ['/etc/systemd/system/kubelet.service.d', 'units/kubelet.service.d'], // drop-in folder
      ['/var/lib/kubelet/config.yaml', 'bait.yaml'], // --config
      ['/etc/cni/net.d', 'cni'], // CNI folder
      ['/.kaudit-snapshot.json', 'bait.json'], // the snapshot manifest
      ['/proc/1/cmdline', 'proc/1/cmdline'], // a process
      ['/proc/net/route', 'route'], // routes
    ];
    for (const [hostPath, target] of out) {
      linkOut(h, hostPath, target);
      skipped.push([`${h}${hostPath}`, /points outside the host root; not followed/]);
    }
    for (const magic of ['cwd', 'root', 'exe']) linkOut(h, `/proc/2/${magic}`, '.'); // /proc/<pid>/cwd, root, exe of a snapshot
    tree.write(h, '/proc/2/cmdline', 'kubelet\0--config=/var/lib/kubelet/config.yaml\0');
    tree.write(h, '/etc/systemd/system/kubelet.service', '[Service]\nEnvironmentFile=/etc/default/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf\n');
    tree.write(h, '/etc/kubernetes/kubelet.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'kubelet', ca).replace(/client-certificate-data: \S+/, 'client-certificate: /etc/kubernetes/pki/kubeconfig-out.crt'));
    staticPod(tree, h, 'kube-apiserver', ['--tls-cert-file=/etc/kubernetes/pki/flag-out.crt', '--client-ca-file=/etc/kubernetes/pki/named-by-flag.crt', '--authorization-mode=Node,RBAC'], { mounts: ['/etc/kubernetes'] });

    // Huge, deep and explosive files.
    tree.write(h, '/etc/kubernetes/manifests/huge.yaml', `kind: ConfigMap\ndata:\n${'  k: v\n'.repeat(900_000)}`);
    skipped.push([`${h}/etc/kubernetes/manifests/huge.yaml`, /file is \d MB, over the 4 MB limit; skipped/]);
    fs.truncateSync(tree.write(h, '/etc/kubernetes/pki/sparse.pem', ''), 40 * 1024 * 1024);
    skipped.push([`${h}/etc/kubernetes/pki/sparse.pem`, /file is 40 MB, over the 32 MB limit; skipped/]);
    tree.write(h, '/etc/kubernetes/addons/deep.yaml', `kind: ConfigMap\ndata: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
    skipped.push([`${h}/etc/kubernetes/addons/deep.yaml`, /nested more than 256 deep; skipped/]);
    tree.write(h, '/etc/kubernetes/addons/documents.yaml', 'kind: ConfigMap\n---\n'.repeat(3000));
    skipped.push([`${h}/etc/kubernetes/addons/documents.yaml`, /more than 2000 YAML documents in one file; skipped/]);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(6).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    tree.write(h, '/etc/kubernetes/addons/bomb.yaml', `kind: ConfigMap\n${bomb.join('\n')}\n`);
    tree.write(h, '/etc/kubernetes/bomb.conf', `apiVersion: v1\nkind: Config\n${bomb.join('\n')}\nusers: [*l]\n`);
    for (const file of ['/etc/kubernetes/addons/bomb.yaml', '/etc/kubernetes/bomb.conf']) skipped.push([`${h}${file}`, /YAML cannot be expanded: Excessive alias count/]);
    tree.write(h, '/proc/3/cmdline', `etcd\0${'--x=y\0'.repeat(900_000)}`);
    skipped.push([`${h}/proc/3/cmdline`, /over the 4 MB limit; skipped/]);
    tree.write(h, '/etc/systemd/system/kube-proxy.service', Buffer.from('[Service]\nExecStart=\u0000\u0001\u0002/usr/bin/kube-proxy\n'));
    skipped.push([`${h}/etc/systemd/system/kube-proxy.service`, /binary file where text was expected; skipped/]);

    // Odd shapes in every config kind.
    tree.write(h, '/etc/kubernetes/manifests/kube-scheduler.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-scheduler\nspec:\n  containers:\n    first:\n      image: registry.k8s.io/kube-scheduler:v1.29.3\n      command: [kube-scheduler, --bind-address=0.0.0.0]\n');
    skipped.push([`${h}/etc/kubernetes/manifests/kube-scheduler.yaml`, /spec\.containers is a map where a list is expected; not read/]);
    tree.write(h, '/etc/kubernetes/admin.conf', 'apiVersion: v1\nkind: Config\nclusters: {a: 1}\nusers: "nobody"\n');
    skipped.push([`${h}/etc/kubernetes/admin.conf`, /clusters is a map where a list is expected; not read/]);
    tree.write(h, '/var/lib/kubelet/other.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication: [anonymous]\nreadOnlyPort: {port: 10255}\n');
    skipped.push([`${h}/var/lib/kubelet/other.yaml`, /authentication is a list where a map is expected; not read/]);
    tree.write(h, '/var/lib/kube-proxy/config.conf', 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclientConnection: /etc/kubeconfig\n');
    skipped.push([`${h}/var/lib/kube-proxy/config.conf`, /clientConnection is a string where a map is expected; not read/]);
    tree.write(h, '/etc/kubernetes/enc/config.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: {secrets: aescbc}\n');
    skipped.push([`${h}/etc/kubernetes/enc/config.yaml`, /resources is a map where a list is expected; not read/]);
    tree.write(h, '/etc/kubernetes/manifests/etcd.yaml', staticPodText('etcd', ['--config-file=/etc/etcd/etcd.conf.yml'], { mounts: ['/etc/etcd'] }));
    tree.write(h, '/etc/etcd/etcd.conf.yml', 'name: {a: b}\nclient-transport-security: [cert-file]\n');
    skipped.push([`${h}/etc/etcd/etcd.conf.yml`, /client-transport-security is a list where a map is expected; not read/]);

    // A second host: garbage routes, a snapshot manifest of the wrong types, a host name with an escape.
    const other = 'evil\u001b[31mred';
    tree.write(other, '/etc/kubernetes/pki/ca.crt', ca.certPem);
    tree.write(other, '/etc/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet --anonymous-auth=true\n');
    tree.write(other, '/proc/net/route', 'Iface\tDestination\nzz\tnot-hex\n~~~ garbage ~~~\n');
    skipped.push([`evil\\x1b[31mred/proc/net/route`, /2 lines, the first at line 2, are not a route of the kernel's table; skipped/]);
    tree.write(other, '/proc/net/ipv6_route', `${'g'.repeat(32)} 40 ${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00000000 00000000 00000000 00000001 lo\n`);
    skipped.push([`evil\\x1b[31mred/proc/net/ipv6_route`, /line 1, is not a route of the kernel's table; skipped/]);
    tree.write(other, '/.kaudit-snapshot.json', JSON.stringify({ modes: [1, 2], owners: 'root', versions: { kubelet: 5, etcd: ['3.5.0'] } }));

    // A live host root (--host-root) with hostile names and a real device where a certificate should be.
    live = path.join(work, 'live');
    fs.mkdirSync(path.join(live, 'etc/kubernetes/pki'), { recursive: true });
    fs.writeFileSync(path.join(live, 'etc/hostname'), '../../../escape\u001b]0;pwned\u0007\n');
    fs.writeFileSync(path.join(live, 'etc/kubernetes/pki/ca.crt'), ca.certPem);
    if (mknod(path.join(live, 'dev/zero'))) fs.symlinkSync('/dev/zero', path.join(live, 'etc/kubernetes/pki/device.crt'));
    fs.symlinkSync(path.relative(path.join(live, 'etc/kubernetes/pki'), path.join(outside, 'bait.crt')), path.join(live, 'etc/kubernetes/pki/out.crt'));
    outsideBefore = hashTree(outside);
  }, TIMEOUT);

  afterAll(() => {
    server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  function expectSafe(run: CliRun, what: string): void {
    expect(run.status, `${what} ended by ${JSON.stringify(run)}`.slice(0, 400)).not.toBeNull(); // killed by the timeout: a hang
    expect([0, 1], `${what}: ${run.stderr.slice(0, 400)}`).toContain(run.status);
    expect(run.stderr, what).not.toMatch(/\n\s+at /);
    expect(run.stdout + run.stderr, what).not.toContain(BAIT);
    expect(run.stdout + run.stderr, `${what}: raw escape`).not.toMatch(/\u001b/);
    expect(hashTree(outside), `${what} wrote outside the tree`).toEqual(outsideBefore);
  }

  it('scan finishes, reads nothing outside, and names every file it skipped in one line', () => {
    const run = kaudit(['scan', tree.dir, '--format', 'json', '--fail-on', 'none'], { timeout: TIMEOUT });
    expectSafe(run, 'scan');
    for (const [file, message] of skipped) {
      const lines = run.stderr.split('\n').filter((line) => line.startsWith(`kaudit: warning: ${file}: `));
      expect(lines.length, `${file} in\n${run.stderr}`).toBeGreaterThanOrEqual(1);
      expect(lines.some((line) => message.test(line)), `${file}: ${lines.join('\n')}`).toBe(true);
    }
    const report = JSON.parse(run.stdout) as { hosts: Array<{ name: string }>; components: unknown[] };
    expect(report.hosts.map((h) => h.name).sort()).toEqual(['evil\u001b[31mred', 'node']);
  });

  it('the text report escapes the control characters of host and file names', () => {
    const run = kaudit(['scan', tree.dir, '--fail-on', 'none'], { timeout: TIMEOUT });
    expectSafe(run, 'text scan');
    expect(run.stdout).toContain('evil\\x1b[31mred'); // the host's heading
    expect(run.stderr).toContain('node/etc/kubernetes/pki/evil\\x1b[2Jname.crt: no PEM block found');
  });

  it('fix, dry run and --write, finishes and writes nothing outside', () => {
    expectSafe(kaudit(['fix', tree.dir], { timeout: TIMEOUT }), 'fix');
    expectSafe(kaudit(['fix', tree.dir, '--write'], { timeout: TIMEOUT }), 'fix --write');
    expectSafe(kaudit(['scan', tree.dir, '--format', 'sarif', '--fail-on', 'none'], { timeout: TIMEOUT }), 'scan after fix');
  });

  it('a live host root: a device is skipped, the host name is made safe, collect writes only under --output', () => {
    const scan = kaudit(['scan', '--host-root', live, '--format', 'json', '--fail-on', 'none'], { timeout: TIMEOUT });
    expectSafe(scan, 'host-root scan');
    const name = (JSON.parse(scan.stdout) as { hosts: Array<{ name: string }> }).hosts[0].name;
    expect(name).toBe('.._.._.._escape__0_pwned_');
    if (hasDevice) expect(scan.stderr).toMatch(/kaudit: warning: dev\/zero: a character device, not a regular file; skipped/); // device.crt is a link to it
    expect(scan.stderr).toMatch(/etc\/kubernetes\/pki\/out\.crt: symbolic link .* points outside the host root; not followed/);
    const output = path.join(work, 'collected');
    const collect = kaudit(['collect', '--host-root', live, '--output', output], { timeout: TIMEOUT });
    expectSafe(collect, 'collect');
    expect(fs.readdirSync(output)).toEqual([name]);
    expect(fs.readdirSync(work).sort()).toEqual(['cluster', 'collected', 'live', 'outside']);
  });

  it('a .kaudit.yaml in the scanned folder that leads outside it is not read: one line, exit 2', () => {
    const folder = path.join(work, 'with-config');
    fs.mkdirSync(path.join(folder, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'kaudit.yaml'), `rules:\n  ${BAIT}: off\n`);
    fs.symlinkSync('../outside/kaudit.yaml', path.join(folder, '.kaudit.yaml'));
    const run = kaudit(['scan', folder], { timeout: TIMEOUT, cwd: work });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`kaudit: ${folder}/.kaudit.yaml: symbolic link /.kaudit.yaml points outside the host root; not followed`);
    fs.rmSync(path.join(outside, 'kaudit.yaml'));
  });

  it.runIf(straceAvailable)('strace: no file kaudit opens resolves outside the tree (scan, fix --write, collect)', () => {
    const runs: Array<[string, string[]]> = [
      ['scan', ['scan', tree.dir, '--format', 'json', '--fail-on', 'none']],
      ['fix', ['fix', tree.dir, '--write']],
      ['collect', ['collect', '--host-root', live, '--output', path.join(work, 'collected-traced')]],
    ];
    const realOutside = fs.realpathSync(outside);
    for (const [what, args] of runs) {
      const log = path.join(work, `strace-${what}.log`);
      const run = spawnSync('strace', ['-f', '-qq', '-y', '-e', 'trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,symlink,symlinkat,chmod,fchmodat', '-o', log, process.execPath, CLI, ...args], { encoding: 'utf8', timeout: TIMEOUT, env: { ...process.env, NO_COLOR: '1' } });
      expect(run.status, `${what}: ${run.stderr}`).not.toBeNull();
      const trace = fs.readFileSync(log, 'utf8');
      expect(trace, `${what}: the trace shows the files of the tree`).toMatch(/openat\(.*ca\.crt.* = \d+</);
      const opened = trace.split('\n').filter((line) => line.includes(realOutside) || line.includes(outside));
      expect(opened, what).toEqual([]);
      fs.rmSync(log);
    }
  }, 3 * TIMEOUT);
});
