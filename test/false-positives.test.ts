/**
 * Classes of false alarms real clusters raised, each kept quiet: image layers, chain
 * bundles, rotated kubelet certificates, serving-certificate bootstrap, systemd aliases
 * and specifiers.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProbe } from '../src/collectors/hostfs.js';
import { setting } from '../src/model/cluster.js';
import { kubeconfigText, unit } from './support/hosts.js';
import { kubeletConfig } from './support/kubeadm.js';
import { PkiFactory, type Issued } from './support/pki.js';
import { scanPaths, summarize } from './support/scan.js';
import { TreeWriter } from './support/tree.js';

const trees: TreeWriter[] = [];
function tree(): TreeWriter {
  const t = TreeWriter.temp();
  trees.push(t);
  return t;
}
afterEach(() => {
  while (trees.length > 0) trees.pop()!.cleanup();
});

/** Image layers as containerd, Docker and k3s keep them: each layer a whole root file system. */
async function writeImageLayers(t: TreeWriter, host: string, count: number, ca: Issued, leaf: Issued): Promise<string[]> {
  const layerRoots = [
    (i: number) => `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${i}/fs`,
    (i: number) => `/var/lib/docker/overlay2/${(i * 2654435761).toString(16)}/diff`,
    (i: number) => `/var/lib/rancher/k3s/agent/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${i}/fs`,
    (i: number) => `/var/lib/rancher/rke2/agent/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${i}/fs`,
  ];
  const roots: string[] = [];
  for (let i = 1; i <= count; i++) {
    const root = layerRoots[i % layerRoots.length](i);
    roots.push(root);
    // What an image carries: CA bundles, a key of a test suite, manifests, a kubeconfig, a unit, a cmdline-looking file.
    t.write(host, `${root}/etc/ssl/certs/ca-certificates.crt`, ca.certPem);
    t.write(host, `${root}/usr/share/app/testdata/server.key`, leaf.keyPem, 0o644);
    t.write(host, `${root}/usr/share/app/testdata/expired.crt`, leaf.certPem);
    t.write(host, `${root}/etc/kubernetes/manifests/kube-apiserver.yaml`, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: a\n    image: registry.k8s.io/kube-apiserver:v1.20.0\n    command: [kube-apiserver, --anonymous-auth=true, --insecure-port=8080]\n');
    t.write(host, `${root}/etc/kubernetes/addons/x.yaml`, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n');
    t.write(host, `${root}/etc/systemd/system/etcd.service`, '[Service]\nExecStart=/usr/bin/etcd --client-cert-auth=false\n');
  }
  return roots;
}

describe('false alarms that stay quiet', () => {
  it('never opens a file under image layers or snapshotter folders (40 layers): no certificate, manifest, unit or finding from them', async () => {
    const t = tree();
    const pki = new PkiFactory();
    const ca = await pki.ca('image-ca');
    const expired = await pki.leaf(ca, 'test', { validFromDays: -10, validForDays: -5 });
    const roots = await writeImageLayers(t, 'node', 40, ca, expired);
    t.write('node', '/etc/hostname', 'node\n');
    t.writeSnapshotManifests();
    const opened: Array<{ real: string; kind: string }> = [];
    readProbe.onOpen = (real, kind) => opened.push({ real, kind });
    const { cluster, findings } = scanPaths([t.dir]);
    readProbe.onOpen = undefined;
    const layerFolders = roots.map((r) => t.real('node', r));
    const inLayers = opened.filter((o) => layerFolders.some((root) => o.real.startsWith(root)) || /\/(containerd|docker)(\/|$)/.test(o.real));
    expect(inLayers).toEqual([]);
    expect(opened.length).toBeGreaterThan(0); // the probe does count what the scan reads
    expect(cluster.certificates).toEqual([]);
    expect(cluster.components).toEqual([]);
    expect(summarize(findings)).toEqual([]);
  });

  it('a CA certificate inside leaf bundles (k3s writes each leaf with its CA) is not a key pair shared by the leaves', async () => {
    const t = tree();
    const pki = new PkiFactory();
    const ca = await pki.ca('k3s-client-ca');
    const controller = await pki.leaf(ca, 'system:kube-controller-manager', { usages: ['clientAuth'] });
    const scheduler = await pki.leaf(ca, 'system:kube-scheduler', { usages: ['clientAuth'] });
    for (const [name, leaf] of [['controller', controller], ['scheduler', scheduler]] as const) {
      t.write('s1', `/etc/kubernetes/${name}.crt`, leaf.certPem + ca.certPem);
      t.write('s1', `/etc/kubernetes/${name}.key`, leaf.keyPem, 0o600);
      t.write('s1', `/etc/kubernetes/${name}.kubeconfig`, ['apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: u', '  user:', `    client-certificate: /etc/kubernetes/${name}.crt`, `    client-key: /etc/kubernetes/${name}.key`, ''].join('\n'));
    }
    unit(t, 's1', 'kube-controller-manager', ['--kubeconfig=/etc/kubernetes/controller.kubeconfig']);
    unit(t, 's1', 'kube-scheduler', ['--kubeconfig=/etc/kubernetes/scheduler.kubeconfig']);
    t.writeSnapshotManifests();
    const { cluster, findings } = scanPaths([t.dir], { rules: ['pki/shared-keypair'] });
    expect(cluster.certificates.filter((c) => c.isCA)).toHaveLength(2); // one CA, two copies
    expect(summarize(findings)).toEqual([]);
  });

  it("the kubelet's rotated-out client certificates (older than -current) are history, not expiring credentials", async () => {
    const t = tree();
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    const old = await pki.leaf(ca, 'system:node:w1', { usages: ['clientAuth'], validFromDays: -400, validForDays: -35 });
    const older = await pki.leaf(ca, 'system:node:w1', { usages: ['clientAuth'], validFromDays: -500, validForDays: 5 });
    const current = await pki.leaf(ca, 'system:node:w1', { usages: ['clientAuth'], key: old.key });
    t.write('w1', '/var/lib/kubelet/pki/kubelet-client-2024-03-01-10-00-00.pem', older.certPem + older.keyPem, 0o600);
    t.write('w1', '/var/lib/kubelet/pki/kubelet-client-2025-02-01-10-00-00.pem', old.certPem + old.keyPem, 0o600);
    t.write('w1', '/var/lib/kubelet/pki/kubelet-client-2026-01-01-10-00-00.pem', current.certPem + current.keyPem, 0o600);
    t.symlink('w1', '/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet-client-2026-01-01-10-00-00.pem');
    t.write('w1', '/etc/kubernetes/kubelet.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'default-auth', current).replace(/client-certificate-data: .*\n.*client-key-data: .*\n/, 'client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n'), 0o600);
    t.writeSnapshotManifests();
    const { cluster, findings } = scanPaths([t.dir]);
    expect(cluster.certificates.filter((c) => c.supersededBy).map((c) => path.basename(c.hostPath))).toEqual(['kubelet-client-2024-03-01-10-00-00.pem', 'kubelet-client-2025-02-01-10-00-00.pem']);
    // Not expired, not expiring, not a key shared with the current certificate (a renewal may keep its key).
    expect(summarize(findings)).toEqual([]);
  });

  it('serverTLSBootstrap: true without a serving certificate file is a correct setup', async () => {
    const t = tree();
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    const client = await pki.leaf(ca, 'system:node:w1', { organizations: ['system:nodes'], usages: ['clientAuth'] });
    t.write('w1', '/etc/kubernetes/pki/ca.crt', ca.certPem);
    t.write('w1', '/var/lib/kubelet/config.yaml', kubeletConfig('serverTLSBootstrap: true\n'), 0o600);
    t.write('w1', '/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem', client.certPem + client.keyPem, 0o600);
    t.symlink('w1', '/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
    t.write('w1', '/etc/kubernetes/kubelet.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'default-auth', client).replace(/client-certificate-data: .*\n.*client-key-data: .*\n/, 'client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n'), 0o600);
    unit(t, 'w1', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf']);
    t.writeSnapshotManifests();
    const { cluster, findings } = scanPaths([t.dir]);
    const kubelet = cluster.componentsOf('kubelet')[0];
    expect(setting(kubelet, 'rotate-server-certificates')?.value).toBe('true');
    expect(setting(kubelet, 'tls-cert-file')).toBeUndefined();
    expect(summarize(findings)).toEqual([]);
  });

  it('a systemd Alias= link is the unit it points to, not a second unit', () => {
    const t = tree();
    t.write('c0', '/etc/systemd/system/kube-apiserver.service', '[Service]\nExecStart=/usr/local/bin/kube-apiserver --authorization-mode=Node,RBAC --anonymous-auth=false --client-ca-file=/var/lib/kubernetes/ca.pem\n\n[Install]\nAlias=apiserver.service\nWantedBy=multi-user.target\n');
    // What `systemctl enable` makes of Alias= and WantedBy=: links, not units.
    t.symlink('c0', '/etc/systemd/system/apiserver.service', '/etc/systemd/system/kube-apiserver.service');
    t.symlink('c0', '/etc/systemd/system/multi-user.target.wants/kube-apiserver.service', '/etc/systemd/system/kube-apiserver.service');
    const { cluster } = scanPaths([t.dir]);
    expect(cluster.components.map((c) => `${c.kind} ${c.definedAt.file}`)).toEqual(['kube-apiserver c0/etc/systemd/system/kube-apiserver.service']);
  });

  it('unit specifiers (%i, %I, %H, %n, %N, %p, %%) are expanded as systemd expands them', () => {
    const t = tree();
    t.write('e1', '/etc/hostname', 'e1.example.internal\n');
    t.write('e1', '/etc/systemd/system/etcd@.service', [
      '[Unit]',
      'Description=etcd member %i',
      '',
      '[Service]',
      'EnvironmentFile=/etc/etcd/%i.env',
      'ExecStart=/usr/local/bin/etcd --name %i --data-dir /var/lib/etcd/%p-%i \\',
      '  --advertise-client-urls https://%H:2379 --log-outputs=/var/log/%n.log --initial-cluster-token=tok%%en-%N',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'));
    t.symlink('e1', '/etc/systemd/system/multi-user.target.wants/etcd@member-1.service', '/etc/systemd/system/etcd@.service');
    t.write('e1', '/etc/etcd/member-1.env', 'ETCD_CLIENT_CERT_AUTH=true\n');
    const { cluster } = scanPaths([t.dir]);
    const [etcd] = cluster.componentsOf('etcd');
    const value = (name: string) => setting(etcd, name)?.value;
    expect([value('name'), value('data-dir'), value('advertise-client-urls'), value('log-outputs'), value('initial-cluster-token'), value('client-cert-auth')]).toEqual([
      'member-1',
      '/var/lib/etcd/etcd-member-1',
      'https://e1.example.internal:2379',
      '/var/log/etcd@member-1.service.log',
      'tok%en-etcd@member-1',
      'true',
    ]);
    expect(cluster.componentsOf('etcd')).toHaveLength(1); // the template alone runs nothing
  });
});
