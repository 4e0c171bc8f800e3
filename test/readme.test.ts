/**
 * What the README tells people to run and shows them is true: the text report of the
 * example at 80 and 120 columns, the CI workflows, and the recipes for scanning one's own
 * cluster (run here with their host paths under a temporary folder laid out as the
 * distribution lays it out, against the Kubernetes API stand-in and a closed etcd port).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, kaudit, kauditAsync } from './support/cli.js';
import { staticPodText, writePair } from './support/hosts.js';
import { writeControlPlane, makeCAs, DEFAULT_SPEC } from './support/kubeadm.js';
import { startStandIn, type StandIn } from './support/kube-standin.js';
import { PkiFactory } from './support/pki.js';
import { TreeWriter } from './support/tree.js';

const README = fs.readFileSync('README.md', 'utf8');

/** The code blocks of the README, with their language. */
function codeBlocks(): Array<{ lang: string; body: string }> {
  return [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], body: m[2] }));
}

/** The README's commands that start with `prefix`, continuation lines joined. */
function commands(prefix: string): string[] {
  return codeBlocks()
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.body.replace(/\\\n\s*/g, '').split('\n'))
    .filter((line) => line.startsWith(prefix));
}

/** Shell words (the README's commands quote nothing). */
function words(command: string): string[] {
  return command.replace(/\s+#.*$/, '').trim().split(/\s+/);
}

describe('the README', () => {
  it('shows the text report of the example cluster as kaudit prints it at 80 and 120 columns', () => {
    for (const columns of ['80', '120']) {
      const run = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01'], { env: cliEnv({ COLUMNS: columns }) });
      const shown = codeBlocks().some((b) => b.lang === 'text' && b.body === run.stdout);
      expect(shown, `the README has the report at ${columns} columns`).toBe(true);
      expect(Math.max(...run.stdout.split('\n').filter((l) => !/^\S+$/.test(l)).map((l) => l.length))).toBeLessThanOrEqual(Number(columns));
    }
  });

  it('has a GitHub workflow on the current major versions, with the permissions and a category per scan', () => {
    const workflow = parse(codeBlocks().find((b) => b.lang === 'yaml' && b.body.includes('upload-sarif'))!.body) as {
      permissions: Record<string, string>;
      jobs: Record<string, { strategy?: { matrix: Record<string, string[]> }; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
    };
    // The current majors on 2026-12-03: actions/checkout v7 (June 2026), actions/setup-node v7
    // (July 2026), github/codeql-action v4 (v3 is deprecated in December 2026).
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const job = Object.values(workflow.jobs)[0];
    const uses = job.steps.map((s) => s.uses).filter(Boolean);
    expect(uses).toEqual(['actions/checkout@v7', 'actions/setup-node@v7', 'github/codeql-action/upload-sarif@v4']);
    expect([22, 24]).toContain(job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))!.with!['node-version']);
    const upload = job.steps.find((s) => s.uses?.includes('upload-sarif'))!;
    expect(upload.with!.category).toBe('kaudit/${{ matrix.cluster }}');
    expect(job.strategy!.matrix.cluster.length).toBeGreaterThan(1);
    const scan = job.steps.find((s) => s.run?.startsWith('kaudit scan'))!.run!;
    expect(scan).toContain('${{ matrix.cluster }}');
    expect(scan).toContain('-f sarif -o kaudit.sarif');
  });

  it('installs only in ways that work today: never from the npm registry by name', () => {
    const installs = codeBlocks().flatMap((b) => b.body.split('\n')).filter((l) => /npm (install|i) -g/.test(l));
    expect(installs.length).toBeGreaterThanOrEqual(3);
    for (const line of installs) expect(line, line).toMatch(/npm install -g (git\+https:\/\/github\.com\/kaudit\/kaudit\.git|\.\/kaudit-[\d.]+\.tgz)/);
    // The git install and the tarball are what test/install.test.ts runs.
    expect(fs.readFileSync('test/install.test.ts', 'utf8')).toContain("'install', '-g', '--prefix', prefix, `git+file://${repo}`");
  });
});

describe("the README's recipes for scanning one's own cluster", () => {
  let root: string;
  let api: StandIn;
  let closedPort: number;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-recipes-'));
    api = await startStandIn({ nodes: 3, pods: 10 });
    // A port nothing listens on: etcd is a source that cannot be reached, and the scan goes on.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await api.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A recipe's arguments with the node's paths under `node`, the API the stand-in, etcd the closed port. */
  function rebased(command: string, node: string): string[] {
    const args = words(command).slice(2); // sudo kaudit
    return args.map((arg, i) => {
      if (args[i - 1] === '--kubeconfig') return api.kubeconfig;
      if (args[i - 1] === '--etcd-endpoints') return `https://127.0.0.1:${closedPort}`;
      return arg.startsWith('/') && arg !== '/' ? path.join(node, arg) : arg;
    });
  }

  function recipe(pattern: RegExp): string {
    const found = commands('sudo kaudit scan').filter((c) => pattern.test(c));
    expect(found, String(pattern)).toHaveLength(1);
    return found[0];
  }

  interface Report {
    hosts: Array<{ name: string }>;
    components: Array<{ host: string; kind: string }>;
    summary: { components: number; certificates: number };
    findings: Array<{ ruleId: string; host: string; file: string }>;
    unknowns: Array<{ what: string }>;
  }

  async function run(args: string[]): Promise<Report> {
    const result = await kauditAsync([...args, '-f', 'json', '--fail-on', 'none', '--request-timeout', '3s']);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Report;
  }

  it('a kubeadm control-plane node: scan / with its admin.conf and etcd healthcheck credentials', async () => {
    const command = recipe(/ \/ --kubeconfig \/etc\/kubernetes\/admin\.conf/);
    const tree = new TreeWriter(path.join(root, 'kubeadm'));
    const pki = new PkiFactory();
    await writeControlPlane(tree, pki, DEFAULT_SPEC, await makeCAs(pki), DEFAULT_SPEC.controlPlanes[0], 0);
    const node = tree.real('cp-1', '/');
    // Every file the recipe names is where kubeadm puts it.
    for (const file of words(command).filter((w) => w.startsWith('/etc/'))) expect(fs.existsSync(path.join(node, file)), file).toBe(true);
    // `scan /` on the node is what --host-root does with a node's root mounted elsewhere.
    const args = rebased(command, node).map((a) => (a === '/' ? '--host-root' : a));
    args.splice(args.indexOf('--host-root') + 1, 0, node);
    const report = await run(args);
    expect(report.summary.components).toBeGreaterThanOrEqual(5); // etcd, apiserver, controller-manager, scheduler, kubelet
    expect(report.summary.certificates).toBeGreaterThan(10);
    // etcd was asked with the recipe's credentials, and its silence is a finding.
    expect(report.findings.filter((f) => f.ruleId === 'etcd/unhealthy-member').map((f) => f.file)).toEqual([`https://127.0.0.1:${closedPort}`]);
    expect(report.hosts.map((h) => h.name)).toContain('cp-1');
  }, 60_000);

  it('a k3s server: its server/tls folder, its API and its embedded etcd', async () => {
    const command = recipe(/\/var\/lib\/rancher\/k3s\/server\/tls /);
    const node = path.join(root, 'k3s');
    await rancherTls(node, 'k3s');
    for (const file of words(command).filter((w) => w.startsWith('/var/'))) expect(fs.existsSync(path.join(node, file)), file).toBe(true);
    const report = await run(rebased(command, node));
    expect(report.summary.certificates).toBeGreaterThanOrEqual(8);
    expect(report.findings.filter((f) => f.ruleId.startsWith('pki/')).map((f) => `${f.ruleId} ${path.basename(f.file)}`)).toEqual(['pki/cert-expiring client-admin.crt']);
  }, 60_000);

  it('an RKE2 server: also its control plane static pods, whose flags are judged', async () => {
    const command = recipe(/\/var\/lib\/rancher\/rke2\/agent\/pod-manifests/);
    const node = path.join(root, 'rke2');
    await rancherTls(node, 'rke2');
    const tls = '/var/lib/rancher/rke2/server/tls';
    const manifests = path.join(node, 'var/lib/rancher/rke2/agent/pod-manifests');
    fs.mkdirSync(manifests, { recursive: true });
    fs.writeFileSync(path.join(manifests, 'kube-apiserver.yaml'), staticPodText('kube-apiserver', [`--client-ca-file=${tls}/client-ca.crt`, `--tls-cert-file=${tls}/serving-kube-apiserver.crt`, `--tls-private-key-file=${tls}/serving-kube-apiserver.key`, '--authorization-mode=Node,RBAC', '--anonymous-auth=false', '--profiling=false'], { mounts: ['/var/lib/rancher/rke2/server/tls'], image: 'index.docker.io/rancher/hardened-kubernetes:v1.31.4-rke2r1-build20250115' }));
    const report = await run(rebased(command, node));
    expect(report.components.filter((c) => c.host === 'pod-manifests').map((c) => c.kind)).toEqual(['kube-apiserver']);
    expect(report.findings.map((f) => f.ruleId)).toContain('apiserver/no-encryption-at-rest');
    expect(report.findings.map((f) => f.ruleId)).not.toContain('pki/missing-file'); // the tls folder is another PATH: unknown, not missing
    expect(report.findings.map((f) => f.ruleId)).toContain('pki/cert-expiring');
  }, 60_000);

  it('a managed cluster through its API only', async () => {
    const command = commands('kaudit scan --kubeconfig').find((c) => c.includes('--context prod'));
    expect(command).toBeDefined();
    const args = words(command!).slice(1).map((a, i, all) => (all[i - 1] === '--kubeconfig' ? api.kubeconfig : all[i - 1] === '--context' ? 'standin' : a));
    const report = await run(args.filter((a, i) => a !== '--context' && args[i - 1] !== '--context'));
    expect(report.summary.components).toBeGreaterThan(0);
  }, 60_000);

  it('a whole cluster through deploy/: gather.sh with an image, then scan the folder it wrote', () => {
    const [gather] = commands('deploy/gather.sh');
    expect(words(gather)).toEqual(['deploy/gather.sh', '--image', 'registry.example.internal/kaudit:0.1.0', '--output', './cluster']);
    expect(commands('kaudit scan ./cluster').length).toBeGreaterThan(0);
    expect(commands('docker build -t registry.example.internal/kaudit:0.1.0 .')).toHaveLength(1);
    // gather.sh itself is run against a stub kubectl in test/deploy.test.ts.
    expect(fs.readFileSync('test/deploy.test.ts', 'utf8')).toContain("gather('--image', 'registry.local/kaudit:test', '--output', cluster)");
  });
});

/** server/tls as k3s and RKE2 write it (names from k3s's CreateRuntimeCertFiles), with one certificate about to expire. */
async function rancherTls(node: string, program: 'k3s' | 'rke2'): Promise<void> {
  const tree = new TreeWriter(node);
  const pki = new PkiFactory();
  const tls = `/var/lib/rancher/${program}/server/tls`;
  const [serverCa, clientCa, requestHeaderCa, etcdServerCa, etcdPeerCa] = await Promise.all(['server-ca', 'client-ca', 'request-header-ca', 'etcd-server-ca', 'etcd-peer-ca'].map((cn) => pki.ca(`${program}-${cn}@1700000000`)));
  writePair(tree, '', `${tls}/server-ca`, serverCa);
  writePair(tree, '', `${tls}/client-ca`, clientCa);
  writePair(tree, '', `${tls}/request-header-ca`, requestHeaderCa);
  writePair(tree, '', `${tls}/etcd/server-ca`, etcdServerCa);
  writePair(tree, '', `${tls}/etcd/peer-ca`, etcdPeerCa);
  writePair(tree, '', `${tls}/serving-kube-apiserver`, await pki.leaf(serverCa, 'kube-apiserver', { dnsNames: ['kubernetes', 'kubernetes.default', 'localhost'], ipAddresses: ['127.0.0.1', '10.43.0.1'], usages: ['serverAuth'] }));
  writePair(tree, '', `${tls}/client-admin`, await pki.leaf(clientCa, 'system:admin', { organizations: ['system:masters'], usages: ['clientAuth'], validForDays: 10 }));
  writePair(tree, '', `${tls}/client-kube-apiserver`, await pki.leaf(clientCa, 'system:kube-apiserver', { usages: ['clientAuth'] }));
  writePair(tree, '', `${tls}/client-auth-proxy`, await pki.leaf(requestHeaderCa, 'system:auth-proxy', { usages: ['clientAuth'] }));
  writePair(tree, '', `${tls}/etcd/server-client`, await pki.leaf(etcdServerCa, 'etcd-client', { usages: ['clientAuth'] }));
  writePair(tree, '', `${tls}/etcd/peer-server-client`, await pki.leaf(etcdPeerCa, 'etcd-peer', { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['serverAuth', 'clientAuth'] }));
}
