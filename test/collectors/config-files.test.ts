/** Settings resolved as each component resolves them, with their source. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { setting } from '../../src/model/cluster.js';
import type { Component } from '../../src/model/types.js';
import { unit } from '../support/hosts.js';
import { TreeWriter } from '../support/tree.js';

const trees: TreeWriter[] = [];
afterAll(() => trees.forEach((t) => t.cleanup()));
function tree(): TreeWriter {
  const t = TreeWriter.temp('kaudit-config-files-');
  trees.push(t);
  return t;
}

function only(dir: string, kind: Component['kind']): Component {
  const found = collect([dir]).components.filter((c) => c.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

const header = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';

describe('kubelet: flag, else --config, overridden by --config-dir drop-ins', () => {
  it('applies drop-ins in name order (the later wins), *.conf only, and the flag over all', () => {
    const t = tree();
    t.write('n', '/var/lib/kubelet/config.yaml', `${header}readOnlyPort: 10255\nstreamingConnectionIdleTimeout: 0s\neventRecordQPS: 5\n`);
    t.write('n', '/etc/kubernetes/kubelet.conf.d/20-b.conf', `${header}readOnlyPort: 0\n`);
    t.write('n', '/etc/kubernetes/kubelet.conf.d/10-a.conf', `${header}readOnlyPort: 4000\nstreamingConnectionIdleTimeout: 5m\n`);
    t.write('n', '/etc/kubernetes/kubelet.conf.d/30-c.yaml', `${header}readOnlyPort: 9999\n`);
    unit(t, 'n', 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--config-dir=/etc/kubernetes/kubelet.conf.d', '--event-qps=7']);
    const kubelet = only(t.dir, 'kubelet');
    expect(setting(kubelet, 'read-only-port')).toMatchObject({ value: '0', origin: 'config-file', sourceKey: 'readOnlyPort', at: { file: 'n/etc/kubernetes/kubelet.conf.d/20-b.conf', line: 3 } });
    expect(setting(kubelet, 'streaming-connection-idle-timeout')).toMatchObject({ value: '5m', at: { file: 'n/etc/kubernetes/kubelet.conf.d/10-a.conf' } });
    expect(setting(kubelet, 'event-qps')).toMatchObject({ value: '7', origin: 'flag' });
    expect(kubelet.configSources?.map((s) => `${s.setting} ${s.hostPath} ${s.state}`)).toEqual([
      'config /var/lib/kubelet/config.yaml read',
      'config-dir /etc/kubernetes/kubelet.conf.d/10-a.conf read',
      'config-dir /etc/kubernetes/kubelet.conf.d/20-b.conf read',
    ]);
  });

  it('reads lists and maps in the flag form: tlsCipherSuites, featureGates', () => {
    const t = tree();
    t.write('n', '/var/lib/kubelet/config.yaml', `${header}tlsCipherSuites:\n- TLS_A\n- TLS_B\nfeatureGates:\n  RotateKubeletServerCertificate: false\n  Other: true\n`);
    unit(t, 'n', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
    const kubelet = only(t.dir, 'kubelet');
    expect(setting(kubelet, 'tls-cipher-suites')?.value).toBe('TLS_A,TLS_B');
    expect(setting(kubelet, 'feature-gates')?.value).toBe('RotateKubeletServerCertificate=false,Other=true');
  });

  it('records a config file that is not there, or not a KubeletConfiguration', () => {
    const t = tree();
    unit(t, 'missing', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
    t.write('wrong', '/var/lib/kubelet/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    unit(t, 'wrong', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
    unit(t, 'no-dir', 'kubelet', ['--config-dir=/etc/kubernetes/kubelet.conf.d']);
    const cluster = collect([t.dir]);
    const states = cluster.components.map((c) => `${c.host}: ${c.configSources?.map((s) => `${s.setting} ${s.state}`).join(', ')}`).sort();
    expect(states).toEqual(['missing: config missing', 'no-dir: config-dir missing', 'wrong: config invalid']);
    expect(cluster.diagnostics.map((d) => d.message)).toContain('named as a KubeletConfiguration but holds kind ConfigMap; its settings are not known');
  });
});

describe('kube-proxy and etcd config files', () => {
  it('kube-proxy ignores the flags bound to its configuration once --config is given', () => {
    const t = tree();
    t.write('n', '/var/lib/kube-proxy/config.conf', 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 127.0.0.1:10249\n');
    unit(t, 'n', 'kube-proxy', ['--config=/var/lib/kube-proxy/config.conf', '--metrics-bind-address=0.0.0.0:10249', '--hostname-override=n']);
    const proxy = only(t.dir, 'kube-proxy');
    expect(setting(proxy, 'metrics-bind-address')).toMatchObject({ value: '127.0.0.1:10249', origin: 'config-file' });
    expect(setting(proxy, 'hostname-override')?.value).toBe('n');
  });

  it('etcd reads only its --config-file when given one: flags and ETCD_* variables are ignored', () => {
    const t = tree();
    t.write('n', '/etc/etcd/etcd.conf.yml', 'name: n\ndata-dir: /var/lib/etcd\nclient-transport-security:\n  client-cert-auth: true\npeer-transport-security:\n  client-cert-auth: false\n');
    t.write('n', '/etc/etcd.env', 'ETCD_AUTO_TLS=true\n');
    unit(t, 'n', 'etcd', ['--config-file=/etc/etcd/etcd.conf.yml', '--client-cert-auth=false'], ['EnvironmentFile=/etc/etcd.env']);
    const etcd = only(t.dir, 'etcd');
    expect(setting(etcd, 'client-cert-auth')).toMatchObject({ value: 'true', origin: 'config-file', sourceKey: 'client-transport-security.client-cert-auth' });
    expect(setting(etcd, 'peer-client-cert-auth')?.value).toBe('false');
    expect(setting(etcd, 'auto-tls')).toBeUndefined();
  });

  it("records etcd's data folder from the snapshot when the copy does not hold it", () => {
    const t = tree();
    unit(t, 'n', 'etcd', ['--data-dir=/var/lib/etcd']);
    fs.writeFileSync(path.join(t.dir, 'n', '.kaudit-snapshot.json'), JSON.stringify({ modes: { '/var/lib/etcd': '0700' }, owners: { '/var/lib/etcd': 'etcd:etcd' } }));
    const cluster = collect([t.dir]);
    expect(cluster.fileFacts('n', '/var/lib/etcd')).toMatchObject({ isDirectory: true, mode: 0o700, owner: 'etcd:etcd' });
  });

  it("keeps a unit's IPAddressDeny= directives, drop-ins included, in order", () => {
    const t = tree();
    unit(t, 'n', 'kubelet', ['--v=2'], ['IPAddressDeny=any']);
    t.write('n', '/etc/systemd/system/kubelet.service.d/20-ip.conf', '[Service]\nIPAddressAllow=localhost\nIPAddressDeny=\n');
    const kubelet = only(t.dir, 'kubelet');
    expect(kubelet.serviceDirectives?.map((d) => `${d.name}=${d.value} ${d.at.file}:${d.at.line}`)).toEqual([
      'IPAddressDeny=any n/etc/systemd/system/kubelet.service:7',
      'IPAddressAllow=localhost n/etc/systemd/system/kubelet.service.d/20-ip.conf:2',
      'IPAddressDeny= n/etc/systemd/system/kubelet.service.d/20-ip.conf:3',
    ]);
  });
});
