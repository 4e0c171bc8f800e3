import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { setting, type Cluster } from '../../src/model/cluster.js';
import type { Component } from '../../src/model/types.js';
import { DEFAULT_SPEC, makeCAs, writeControlPlane } from '../support/kubeadm.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

/** "value @ file:line" of a component's effective setting. */
function flag(component: Component | undefined, name: string): string | undefined {
  const s = component && setting(component, name);
  return s ? `${s.value} @ ${s.at.file}:${s.at.line}` : undefined;
}

function only(cluster: Cluster, host: string, kind: Component['kind']): Component {
  const found = cluster.components.filter((c) => c.host === host && c.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('a kubeadm control plane', () => {
  let tree: TreeWriter;
  let cluster: Cluster;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    await writeControlPlane(tree, pki, DEFAULT_SPEC, await makeCAs(pki), DEFAULT_SPEC.controlPlanes[0], 0);
    cluster = collect([tree.real('cp-1', '/')]);
  });
  afterAll(() => tree.cleanup());

  it('reads the static pods with flags at their lines, and versions from image tags', () => {
    const etcd = only(cluster, 'cp-1', 'etcd');
    expect(etcd.source).toBe('static-pod');
    expect(etcd.version).toBe('3.5.12');
    expect(flag(etcd, 'initial-cluster')).toBe('cp-1=https://10.0.0.11:2380 @ etc/kubernetes/manifests/etcd.yaml:20');
    const apiserver = only(cluster, 'cp-1', 'kube-apiserver');
    expect(apiserver.version).toBe('1.29.3');
    expect(flag(apiserver, 'advertise-address')).toBe('10.0.0.11 @ etc/kubernetes/manifests/kube-apiserver.yaml:14');
    expect(flag(apiserver, 'tls-cert-file')).toBe('/etc/kubernetes/pki/apiserver.crt @ etc/kubernetes/manifests/kube-apiserver.yaml:39');
    expect(apiserver.mounts).toContainEqual({ containerPath: '/etc/kubernetes/pki', hostPath: '/etc/kubernetes/pki' });
  });

  it("reads the kubelet from kubeadm's drop-in, its EnvironmentFile and its config file", () => {
    const kubelet = only(cluster, 'cp-1', 'kubelet');
    expect(kubelet.source).toBe('systemd');
    const dropIn = 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf';
    expect(flag(kubelet, 'kubeconfig')).toBe(`/etc/kubernetes/kubelet.conf @ ${dropIn}:3`);
    expect(flag(kubelet, 'config')).toBe(`/var/lib/kubelet/config.yaml @ ${dropIn}:4`);
    expect(flag(kubelet, 'container-runtime-endpoint')).toBe('unix:///var/run/containerd/containerd.sock @ var/lib/kubelet/kubeadm-flags.env:1');
    expect(flag(kubelet, 'anonymous-auth')).toBe('false @ var/lib/kubelet/config.yaml:4');
    expect(flag(kubelet, 'client-ca-file')).toBe('/etc/kubernetes/pki/ca.crt @ var/lib/kubelet/config.yaml:9');
    expect(setting(kubelet, 'anonymous-auth')?.origin).toBe('config-file');
  });

  it('reads certificates and keys with their details, and follows kubelet-client-current.pem inside the host', () => {
    const apiserverCert = cluster.certificatesAt('cp-1', '/etc/kubernetes/pki/apiserver.crt')[0];
    expect(apiserverCert.commonName).toBe('kube-apiserver');
    expect(apiserverCert.dnsNames).toContain('kubernetes.default.svc.cluster.local');
    expect(apiserverCert.ipAddresses).toEqual(['10.96.0.1', '10.0.0.11']);
    expect(apiserverCert.extendedKeyUsage).toEqual(['serverAuth']);
    expect(apiserverCert.keyUsage).toEqual(['digitalSignature']);
    expect(apiserverCert.publicKey).toMatchObject({ algorithm: 'ec', curve: 'prime256v1', bits: 256 });
    expect(apiserverCert.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(apiserverCert.mode).toBe(0o644);
    const ca = cluster.certificatesAt('cp-1', '/etc/kubernetes/pki/ca.crt')[0];
    expect(ca.isCA).toBe(true);
    expect(ca.keyUsage).toEqual(expect.arrayContaining(['keyCertSign', 'cRLSign']));
    expect(apiserverCert.authorityKeyId).toBe(ca.subjectKeyId);
    const saKey = cluster.keysAt('cp-1', '/etc/kubernetes/pki/sa.key')[0];
    expect(saKey).toMatchObject({ format: 'pkcs1', isPrivate: true, mode: 0o600, publicKey: { algorithm: 'rsa', bits: 2048 } });

    const kubeletConf = cluster.kubeconfigs.find((k) => k.hostPath === '/etc/kubernetes/kubelet.conf')!;
    expect(kubeletConf.usedBy).toBe('kubelet');
    const clientRef = kubeletConf.refs.find((r) => r.setting === 'client-certificate')!;
    expect(clientRef.hostPath).toBe('/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
    expect(clientRef.written).toBe('/var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(cluster.certificatesAt('cp-1', clientRef.hostPath)[0].commonName).toBe('system:node:cp-1');
    expect(cluster.keysAt('cp-1', clientRef.hostPath)[0].format).toBe('sec1');
    const admin = cluster.kubeconfigs.find((k) => k.hostPath === '/etc/kubernetes/admin.conf')!;
    expect(cluster.certificatesAt('cp-1', admin.users[0].certHostPath!)[0]).toMatchObject({
      commonName: 'kubernetes-admin',
      embeddedIn: 'kubeconfig',
      at: { file: 'etc/kubernetes/admin.conf', line: 18 },
    });
  });
});

describe('a kubernetes-the-hard-way controller (systemd units)', () => {
  let tree: TreeWriter;
  let cluster: Cluster;
  beforeAll(() => {
    tree = TreeWriter.temp();
    tree.write('controller-0', '/etc/systemd/system/etcd.service', [
      '[Unit]', //                                                          1
      'Description=etcd', //                                                2
      '', //                                                                3
      '[Service]', //                                                       4
      'Type=notify', //                                                     5
      'Environment="INTERNAL_IP=10.240.0.10" ETCD_NAME=controller-0', //    6
      'ExecStart=/usr/local/bin/etcd \\', //                                7
      '  --name ${ETCD_NAME} \\', //                                        8
      '  --cert-file=/etc/etcd/kubernetes.pem \\', //                      9
      '  # a comment inside the continuation is skipped \\', //            10
      '  --client-cert-auth \\', //                                        11
      '  --peer-client-cert-auth=false \\', //                             12
      '  --initial-advertise-peer-urls https://${INTERNAL_IP}:2380 \\', // 13
      '  --initial-cluster-token "etcd cluster 0" \\', //                  14
      '  --listen-client-urls https://10.240.0.10:2379,https://127.0.0.1:2379 \\', // 15
      '  --data-dir=/var/lib/etcd', //                                     16
      'Restart=on-failure', '',
    ].join('\n'));
    tree.write('controller-0', '/etc/systemd/system/kube-apiserver.service', [
      '[Service]', //                                                       1
      'ExecStart=/usr/local/bin/kube-apiserver --v=2 \\', //                2
      '  --enable-admission-plugins=NamespaceLifecycle \\', //              3
      '  --enable-admission-plugins=NodeRestriction,ServiceAccount \\', //  4
      '  --etcd-servers=https://10.240.0.10:2379', //                       5
      '',
    ].join('\n'));
    // A drop-in resets ExecStart and replaces it, as `systemctl edit` does.
    tree.write('controller-0', '/etc/systemd/system/kube-scheduler.service', '[Service]\nExecStart=/usr/local/bin/kube-scheduler --config=/etc/kubernetes/config/old.yaml\n');
    tree.write('controller-0', '/etc/systemd/system/kube-scheduler.service.d/override.conf', '[Service]\nExecStart=\nExecStart=/usr/local/bin/kube-scheduler \\\n  --config=/etc/kubernetes/config/kube-scheduler.yaml \\\n  --v=2\n');
    cluster = collect([tree.dir]);
  });
  afterAll(() => tree.cleanup());

  it('reads `--a b`, bare booleans, =false, quoted values, ${VAR} and comment lines in continuations', () => {
    const etcd = only(cluster, 'controller-0', 'etcd');
    const file = 'controller-0/etc/systemd/system/etcd.service';
    expect(etcd.source).toBe('systemd');
    expect(flag(etcd, 'name')).toBe(`controller-0 @ ${file}:8`); // located where the flag is written
    expect(flag(etcd, 'cert-file')).toBe(`/etc/etcd/kubernetes.pem @ ${file}:9`);
    expect(flag(etcd, 'client-cert-auth')).toBe(`true @ ${file}:11`);
    expect(flag(etcd, 'peer-client-cert-auth')).toBe(`false @ ${file}:12`);
    expect(flag(etcd, 'initial-advertise-peer-urls')).toBe(`https://10.240.0.10:2380 @ ${file}:13`);
    expect(flag(etcd, 'initial-cluster-token')).toBe(`etcd cluster 0 @ ${file}:14`);
    expect(flag(etcd, 'data-dir')).toBe(`/var/lib/etcd @ ${file}:16`);
  });

  it('keeps every occurrence of a repeated flag; the last one is effective', () => {
    const apiserver = only(cluster, 'controller-0', 'kube-apiserver');
    expect(apiserver.settings.filter((s) => s.name === 'enable-admission-plugins').map((s) => s.at.line)).toEqual([3, 4]);
    expect(flag(apiserver, 'enable-admission-plugins')).toBe('NodeRestriction,ServiceAccount @ controller-0/etc/systemd/system/kube-apiserver.service:4');
    expect(flag(apiserver, 'v')).toBe('2 @ controller-0/etc/systemd/system/kube-apiserver.service:2');
  });

  it('applies a drop-in that resets ExecStart', () => {
    const scheduler = only(cluster, 'controller-0', 'kube-scheduler');
    expect(flag(scheduler, 'config')).toBe('/etc/kubernetes/config/kube-scheduler.yaml @ controller-0/etc/systemd/system/kube-scheduler.service.d/override.conf:4');
    expect(scheduler.settings.map((s) => s.name)).toEqual(['config', 'v']);
  });
});

describe('a kubespray etcd host (etcd.env) and node facts', () => {
  let tree: TreeWriter;
  let cluster: Cluster;
  beforeAll(async () => {
    tree = TreeWriter.temp();
    const pki = new PkiFactory();
    const ca = await pki.ca('etcd-ca');
    const member = await pki.leaf(ca, 'etcd-node1');
    tree.write('node1', '/etc/ssl/etcd/ssl/ca.pem', ca.certPem);
    tree.write('node1', '/etc/ssl/etcd/ssl/member-node1.pem', member.certPem);
    tree.write('node1', '/etc/ssl/etcd/ssl/member-node1-key.pem', member.keyPem, 0o600);
    tree.write('node1', '/etc/etcd.env', [
      '# Environment file for etcd v3.5.12', //                               1
      'ETCD_DATA_DIR=/var/lib/etcd', //                                       2
      'ETCD_ADVERTISE_CLIENT_URLS=https://10.0.0.31:2379', //                 3
      'ETCD_INITIAL_CLUSTER_STATE=existing', //                               4
      'ETCD_NAME=etcd1', //                                                   5
      'ETCD_INITIAL_CLUSTER=etcd1=https://10.0.0.31:2380,etcd2=https://10.0.0.32:2380,etcd3=https://10.0.0.33:2380', // 6
      '', //                                                                  7
      '# TLS settings', //                                                    8
      'ETCD_TRUSTED_CA_FILE=/etc/ssl/etcd/ssl/ca.pem', //                     9
      'ETCD_CERT_FILE=/etc/ssl/etcd/ssl/member-node1.pem', //                 10
      'ETCD_KEY_FILE=/etc/ssl/etcd/ssl/member-node1-key.pem', //             11
      'ETCD_CLIENT_CERT_AUTH=true', //                                        12
      'ETCDCTL_ENDPOINTS=https://127.0.0.1:2379', //                          13
      '',
    ].join('\n'));
    tree.write('node1', '/etc/systemd/system/etcd.service', '[Service]\nType=notify\nEnvironmentFile=/etc/etcd.env\nExecStart=/usr/local/bin/etcd\nRestart=always\n');
    // A running process and the kernel's route table, as in a snapshot of /proc.
    tree.write('node1', '/proc/4242/cmdline', ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=node1', ''].join('\0'));
    tree.write('node1', '/proc/net/route', [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
      'cni0\t0000F40A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      '',
    ].join('\n'));
    tree.write('node1', '/proc/net/ipv6_route', 'fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n');
    tree.write('node1', '/etc/cni/net.d/10-calico.conflist', '{"cniVersion":"0.3.1","name":"k8s-pod-network","plugins":[{"type":"calico"},{"type":"portmap","capabilities":{"portMappings":true}}]}');
    tree.write('node1', '/etc/cni/net.d/99-broken.conf', '{"cniVersion": ');
    tree.write('node1', '/etc/kubernetes/addons/dns/coredns.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: coredns\n  namespace: kube-system\n');
    cluster = collect([tree.dir]);
  });
  afterAll(() => tree.cleanup());

  it('reads etcd from the env file its unit names, at the lines of the variables', () => {
    const etcd = only(cluster, 'node1', 'etcd');
    expect(flag(etcd, 'name')).toBe('etcd1 @ node1/etc/etcd.env:5');
    expect(flag(etcd, 'initial-cluster-state')).toBe('existing @ node1/etc/etcd.env:4');
    expect(flag(etcd, 'cert-file')).toBe('/etc/ssl/etcd/ssl/member-node1.pem @ node1/etc/etcd.env:10');
    expect(setting(etcd, 'name')).toMatchObject({ origin: 'env', sourceKey: 'ETCD_NAME' });
    expect(etcd.settings.some((s) => s.name.startsWith('ctl'))).toBe(false); // ETCDCTL_* is etcdctl's, not etcd's
    expect(cluster.certificatesOf(etcd, 'cert-file')[0].commonName).toBe('etcd-node1');
  });

  it('reads processes, routes (IPv4 and IPv6), CNI configs and addon manifests', () => {
    const proxy = only(cluster, 'node1', 'kube-proxy');
    expect(proxy.source).toBe('process');
    expect(flag(proxy, 'hostname-override')).toBe('node1 @ node1/proc/4242/cmdline:1');
    expect(cluster.routes.map((r) => `${r.iface} ${r.destination}${r.gateway ? ` via ${r.gateway}` : ''}`)).toEqual([
      'eth0 0.0.0.0/0 via 10.0.0.1',
      'eth0 10.0.0.0/24',
      'cni0 10.244.0.0/16',
      'eth0 fd00::/64',
    ]);
    expect(cluster.cniConfigs.map((c) => [c.fileName, c.error === undefined])).toEqual([
      ['10-calico.conflist', true],
      ['99-broken.conf', false],
    ]);
    expect(cluster.manifests.find((m) => m.hostPath === '/etc/kubernetes/addons/dns/coredns.yaml')).toMatchObject({ kind: 'ServiceAccount', name: 'coredns' });
  });
});

describe('rules-docs/distribution-defaults.md', () => {
  it('is what the layout tables say (npx tsx scripts/write-distribution-defaults.ts writes it)', async () => {
    const fs = await import('node:fs');
    const { distributionDefaultsMarkdown } = await import('../../src/collectors/layouts/docs.js');
    expect(fs.readFileSync('rules-docs/distribution-defaults.md', 'utf8')).toBe(distributionDefaultsMarkdown());
  });
});

describe('layout detection', () => {
  it("names kubeadm and the hard way by their installers' files, with the host's version and role", async () => {
    const { writeHardWayCluster } = await import('../support/hardway.js');
    const kubeadmTree = TreeWriter.temp();
    const hardWayTree = TreeWriter.temp();
    try {
      const pki = new PkiFactory();
      await writeControlPlane(kubeadmTree, pki, DEFAULT_SPEC, await makeCAs(pki), DEFAULT_SPEC.controlPlanes[0], 0);
      await writeHardWayCluster(hardWayTree, pki);
      const kubeadm = collect([kubeadmTree.real('cp-1', '/')]).hosts[0].distribution;
      expect(kubeadm).toMatchObject({ name: 'kubeadm', version: 'v1.29.3', role: 'control-plane', evidence: { file: 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf' } });
      const hardWay = collect([hardWayTree.dir]).hosts.map((h) => `${h.name}: ${h.distribution?.name} ${h.distribution?.role}`);
      expect(hardWay.every((line) => line.includes('kubernetes-the-hard-way'))).toBe(true);
      expect(hardWay.some((line) => line.endsWith('control-plane'))).toBe(true);
    } finally {
      kubeadmTree.cleanup();
      hardWayTree.cleanup();
    }
  });
});
