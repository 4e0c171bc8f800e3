/**
 * A k3s cluster (three servers with embedded etcd, one agent) as install.sh, the hardening
 * guide's config.yaml and k3s's first start leave it (test/support/rancher.ts names the
 * upstream files each part follows): read completely, silent when hardened, every planted
 * defect at its file and line, and fixes written where k3s reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProbe } from '../../src/collectors/hostfs.js';
import { formatJson } from '../../src/reporters/json.js';
import { RULES } from '../../src/rules/index.js';
import { setting } from '../../src/model/cluster.js';
import { fixAndRescan, lines, serious } from '../support/distribution-check.js';
import { PkiFactory } from '../support/pki.js';
import { K3S_SPEC, writeRancherCluster, type RancherCAs } from '../support/rancher.js';
import { scanPaths } from '../support/scan.js';
import { TreeWriter } from '../support/tree.js';

describe('a hardened k3s cluster', () => {
  let tree: TreeWriter;
  let cas: RancherCAs;
  const opened: string[] = [];
  beforeAll(async () => {
    tree = TreeWriter.temp();
    cas = await writeRancherCluster(tree, new PkiFactory(), K3S_SPEC);
  });
  afterAll(() => tree.cleanup());

  it('is read whole: each host its distribution, version and role; each component once, with k3s defaults and config args', () => {
    readProbe.onOpen = (real) => opened.push(real);
    const { cluster } = scanPaths([tree.dir]);
    readProbe.onOpen = undefined;
    expect(cluster.diagnostics).toEqual([]);
    expect(cluster.hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.version} ${h.distribution?.role}`)).toEqual([
      'k3s-agent-1: k3s v1.31.4+k3s1 agent',
      'k3s-server-1: k3s v1.31.4+k3s1 server',
      'k3s-server-2: k3s v1.31.4+k3s1 server',
      'k3s-server-3: k3s v1.31.4+k3s1 server',
    ]);
    const kinds = (host: string) => cluster.components.filter((c) => c.host === host).map((c) => c.kind);
    expect(kinds('k3s-server-1')).toEqual(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy']);
    expect(kinds('k3s-agent-1')).toEqual(['kubelet', 'kube-proxy']);
    const apiserver = cluster.components.find((c) => c.host === 'k3s-server-1' && c.kind === 'kube-apiserver')!;
    // A k3s default, cited, located where k3s is configured.
    expect(setting(apiserver, 'anonymous-auth')).toMatchObject({ value: 'false', origin: 'distribution-default', sourceKey: 'https://docs.k3s.io/security/self-assessment-1.12', at: { file: 'k3s-server-1/etc/rancher/k3s/config.yaml', line: 1 } });
    // An operator's kube-apiserver-arg, at its list item.
    expect(setting(apiserver, 'audit-log-maxbackup')).toMatchObject({ value: '10', origin: 'flag', sourceKey: 'kube-apiserver-arg', at: { line: 14 } });
    // secrets-encryption: true gives the apiserver k3s's encryption config, which is read and judged.
    expect(setting(apiserver, 'encryption-provider-config')?.value).toBe('/var/lib/rancher/k3s/server/cred/encryption-config.json');
    expect(cluster.manifests.some((m) => m.host === 'k3s-server-1' && m.kind === 'EncryptionConfiguration')).toBe(true);
    // Embedded etcd from the config file k3s wrote at its last start.
    const etcd = cluster.components.find((c) => c.host === 'k3s-server-2' && c.kind === 'etcd')!;
    expect(setting(etcd, 'peer-client-cert-auth')).toMatchObject({ value: 'true', at: { file: 'k3s-server-2/var/lib/rancher/k3s/server/db/etcd/config', line: 24 } });
    expect(setting(etcd, 'initial-cluster')?.value).toMatch(/^k3s-server-1-\w+=https:\/\/10\.0\.1\.11:2380,k3s-server-2-\w+=https:\/\/10\.0\.1\.12:2380$/);
    // The token is a secret, marked where it is parsed, and never printed.
    const token = cluster.hosts[1].distribution!.settings.find((s) => s.name === 'token')!;
    expect(token).toMatchObject({ origin: 'env', secret: true, at: { file: 'k3s-server-1/etc/systemd/system/k3s.service.env', line: 1 } });
    expect(formatJson({ cluster, findings: [], rules: RULES, now: new Date(), toolVersion: 'test' })).not.toContain(cas.token);
    // containerd's image layers are never opened: not their certificates, not their manifests.
    expect(opened.filter((p) => p.includes('/agent/containerd'))).toEqual([]);
    expect(cluster.certificates.some((c) => c.hostPath.includes('/agent/containerd/'))).toBe(false);
  });

  it('gives no finding at warning or above', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([]);
    // k3s names its etcd members with a random suffix and joins them itself; no token is set.
    expect(lines(findings)).toEqual(['etcd/weak-cluster-token k3s-server-1 k3s-server-1/etc/rancher/k3s/config.yaml:1']);
  });
});

describe('a k3s cluster with planted defects', () => {
  let tree: TreeWriter;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const cas = await writeRancherCluster(tree, pki, K3S_SPEC);
    // A drop-in left from a debugging session appends to the apiserver's flags (config.yaml.d, `key+:`).
    tree.write('k3s-server-1', '/etc/rancher/k3s/config.yaml.d/90-debug.yaml', '# webhook debugging, 2025-03\nkube-apiserver-arg+:\n  - "anonymous-auth=true"\n', 0o600);
    // The docs' first example makes the operator's kubeconfig world-readable, with its client key inside.
    tree.write('k3s-server-1', '/etc/rancher/k3s/k3s.yaml', tree.read('k3s-server-1', '/etc/rancher/k3s/k3s.yaml'), 0o644);
    // The client CA's key copied with the wrong mode.
    tree.write('k3s-server-1', '/var/lib/rancher/k3s/server/tls/client-ca.key', cas.clientCa.keyPem, 0o644);
    // server-2 was installed without the hardening guide's secrets-encryption.
    tree.write('k3s-server-2', '/etc/rancher/k3s/config.yaml', tree.read('k3s-server-2', '/etc/rancher/k3s/config.yaml').replace('secrets-encryption: true\n', ''), 0o600);
    // The agent's kubelet opened to anonymous requests on its command line; its client certificate near its end.
    tree.write('k3s-agent-1', '/etc/rancher/k3s/config.yaml', `${tree.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml')}  - 'anonymous-auth=true'\n`, 0o600);
    const kubelet = await pki.leaf(cas.clientCa, 'system:node:k3s-agent-1', { organizations: ['system:nodes'], usages: ['clientAuth'], validForDays: 10 });
    tree.write('k3s-agent-1', '/var/lib/rancher/k3s/agent/client-kubelet.crt', kubelet.certPem + cas.clientCa.certPem, 0o644);
    tree.write('k3s-agent-1', '/var/lib/rancher/k3s/agent/client-kubelet.key', kubelet.keyPem, 0o600);
    tree.writeSnapshotManifests();
  });
  afterAll(() => tree.cleanup());

  it('reports each defect at its file and line', () => {
    const { findings } = scanPaths([tree.dir]);
    expect(lines(serious(findings))).toEqual([
      // the agent's config.yaml: kubelet-arg's new last item
      'auth/anonymous-auth k3s-agent-1 k3s-agent-1/etc/rancher/k3s/config.yaml:9',
      'pki/cert-expiring k3s-agent-1 k3s-agent-1/var/lib/rancher/k3s/agent/client-kubelet.crt:1',
      // the drop-in's list item, which wins over k3s's default
      'auth/anonymous-auth k3s-server-1 k3s-server-1/etc/rancher/k3s/config.yaml.d/90-debug.yaml:3',
      // the client-key-data line of the kubeconfig
      'pki/key-permissions k3s-server-1 k3s-server-1/etc/rancher/k3s/k3s.yaml:19',
      'pki/key-permissions k3s-server-1 k3s-server-1/var/lib/rancher/k3s/server/tls/client-ca.key:1',
      // where the apiserver's flags are written (its kube-apiserver-arg list)
      'apiserver/no-encryption-at-rest k3s-server-2 k3s-server-2/etc/rancher/k3s/config.yaml:7',
    ]);
    const messages = serious(findings).map((f) => f.message).join('\n');
    expect(messages).toContain('kubeconfig /etc/rancher/k3s/k3s.yaml holds a private key (client-key-data) and has mode 0644');
  });

  it('writes the fixes where k3s reads them (config.yaml, its drop-in), and a new scan shows none of the fixed findings', async () => {
    const scan = scanPaths([tree.dir]);
    const fixed = ['auth/anonymous-auth', 'pki/key-permissions', 'apiserver/no-encryption-at-rest'];
    const after = await fixAndRescan(tree.dir, scan, fixed);
    expect(lines(serious(after)).filter((l) => fixed.some((r) => l.startsWith(r)))).toEqual([]);
    expect(tree.read('k3s-server-1', '/etc/rancher/k3s/config.yaml.d/90-debug.yaml')).toContain('"anonymous-auth=false"');
    expect(tree.read('k3s-agent-1', '/etc/rancher/k3s/config.yaml')).toContain("'anonymous-auth=false'");
    expect(tree.read('k3s-server-2', '/etc/rancher/k3s/config.yaml')).toMatch(/\nsecrets-encryption: true\n$/);
    // Nothing was written into files k3s regenerates.
    expect(tree.read('k3s-server-2', '/var/lib/rancher/k3s/server/db/etcd/config')).not.toContain('kaudit');
  });
});
