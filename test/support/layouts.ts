/**
 * A component with given settings, written in one of the layouts kaudit reads: a static
 * pod, a systemd unit, a unit with an EnvironmentFile, etcd's ETCD_* env file or config
 * file, a KubeletConfiguration, its --config-dir drop-in, a KubeProxyConfiguration. The
 * config-file field names are written here by hand (from the Kubernetes and etcd config
 * references), not taken from the collector that reads them.
 */
import { stringify } from 'yaml';
import { staticPod, unit } from './hosts.js';
import type { TreeWriter } from './tree.js';

/** A setting's value: text, `true` for a bare flag, `null` for not written. */
export type Value = string | true | null;
export type Kind = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet' | 'kube-proxy';

export type Layout =
  | 'static-pod'
  | 'unit'
  | 'env-file'
  | 'etcd-env'
  | 'etcd-config'
  | 'kubelet-env'
  | 'kubelet-config'
  | 'kubelet-drop-in'
  | 'kube-proxy-config';

/** The layouts that can carry the settings of a component. */
export const LAYOUTS: Record<Kind, Layout[]> = {
  'kube-apiserver': ['static-pod', 'unit', 'env-file'],
  'kube-controller-manager': ['static-pod', 'unit', 'env-file'],
  'kube-scheduler': ['static-pod', 'unit', 'env-file'],
  etcd: ['static-pod', 'unit', 'etcd-env', 'etcd-config'],
  kubelet: ['unit', 'kubelet-env', 'kubelet-config', 'kubelet-drop-in'],
  'kube-proxy': ['unit', 'kube-proxy-config'],
};

/** Layouts that have a command line (flags other than a config file's fields). */
export const COMMAND_LINE_LAYOUTS = new Set<Layout>(['static-pod', 'unit', 'env-file', 'kubelet-env']);

/** KubeletConfiguration (kubelet.config.k8s.io/v1beta1) fields of the kubelet's flags. */
const KUBELET_CONFIG: Record<string, { path: string[]; type: 'string' | 'bool' | 'int' | 'list' | 'map' }> = {
  'anonymous-auth': { path: ['authentication', 'anonymous', 'enabled'], type: 'bool' },
  'authorization-mode': { path: ['authorization', 'mode'], type: 'string' },
  'client-ca-file': { path: ['authentication', 'x509', 'clientCAFile'], type: 'string' },
  'read-only-port': { path: ['readOnlyPort'], type: 'int' },
  'streaming-connection-idle-timeout': { path: ['streamingConnectionIdleTimeout'], type: 'string' },
  'make-iptables-util-chains': { path: ['makeIPTablesUtilChains'], type: 'bool' },
  'event-qps': { path: ['eventRecordQPS'], type: 'int' },
  'tls-cert-file': { path: ['tlsCertFile'], type: 'string' },
  'tls-private-key-file': { path: ['tlsPrivateKeyFile'], type: 'string' },
  'rotate-certificates': { path: ['rotateCertificates'], type: 'bool' },
  'feature-gates': { path: ['featureGates'], type: 'map' },
  'tls-cipher-suites': { path: ['tlsCipherSuites'], type: 'list' },
  'pod-max-pids': { path: ['podPidsLimit'], type: 'int' },
  'seccomp-default': { path: ['seccompDefault'], type: 'bool' },
};

/** etcd's config file (etcd.conf.yml): TLS settings sit in two sections. */
const ETCD_CONFIG: Record<string, string[]> = {
  'cert-file': ['client-transport-security', 'cert-file'],
  'key-file': ['client-transport-security', 'key-file'],
  'client-cert-auth': ['client-transport-security', 'client-cert-auth'],
  'auto-tls': ['client-transport-security', 'auto-tls'],
  'trusted-ca-file': ['client-transport-security', 'trusted-ca-file'],
  'peer-cert-file': ['peer-transport-security', 'cert-file'],
  'peer-key-file': ['peer-transport-security', 'key-file'],
  'peer-client-cert-auth': ['peer-transport-security', 'client-cert-auth'],
  'peer-auto-tls': ['peer-transport-security', 'auto-tls'],
  'data-dir': ['data-dir'],
  name: ['name'],
};

const KUBE_PROXY_CONFIG: Record<string, string[]> = {
  'metrics-bind-address': ['metricsBindAddress'],
  kubeconfig: ['clientConnection', 'kubeconfig'],
};

function flagsOf(settings: Record<string, Value>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => (value === null ? [] : value === true ? [`--${name}`] : [`--${name}=${value}`]));
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) current = (current[key] ??= {}) as Record<string, unknown>;
  current[path[path.length - 1]] = value;
}

function typed(value: string, type: 'string' | 'bool' | 'int' | 'list' | 'map'): unknown {
  if (type === 'bool') return value.toLowerCase() === 'true' ? true : value.toLowerCase() === 'false' ? false : value;
  if (type === 'int') return /^-?\d+$/.test(value) ? Number(value) : value;
  if (type === 'list') return value.split(',');
  if (type === 'map') return Object.fromEntries(value.split(',').map((pair) => { const [k, v] = pair.split('='); return [k, v === 'true' ? true : v === 'false' ? false : v]; }));
  return value;
}

/** Whether a layout can write this value: config files and env files have no bare flags, and no empty booleans. */
export function canCarry(layout: Layout, settings: Record<string, Value>, flagOnly = false): boolean {
  if (flagOnly && !COMMAND_LINE_LAYOUTS.has(layout)) return false;
  if (COMMAND_LINE_LAYOUTS.has(layout)) return true;
  return Object.values(settings).every((v) => v !== true && v !== '');
}

function configOf(settings: Record<string, Value>, map: (name: string, value: string) => { path: string[]; value: unknown } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value === null || value === true) continue;
    const field = map(name, value);
    if (!field) throw new Error(`no config field for --${name}`);
    setPath(out, field.path, field.value);
  }
  return out;
}

function kubeletConfig(settings: Record<string, Value>): Record<string, unknown> {
  return configOf(settings, (name, value) => (KUBELET_CONFIG[name] ? { path: KUBELET_CONFIG[name].path, value: typed(value, KUBELET_CONFIG[name].type) } : undefined));
}

const KUBELET_HEADER = { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' };

/** Writes `kind` on `host` with `settings` in `layout` (and `extraFlags` on its command line, where it has one). */
export function writeComponent(tree: TreeWriter, host: string, kind: Kind, layout: Layout, settings: Record<string, Value>, extraFlags: string[] = []): void {
  switch (layout) {
    case 'static-pod':
      staticPod(tree, host, kind, [...flagsOf(settings), ...extraFlags], { mounts: ['/etc/kubernetes/pki', '/var/lib/etcd'] });
      return;
    case 'unit':
      unit(tree, host, kind, [...flagsOf(settings), ...extraFlags]);
      return;
    case 'env-file':
      tree.write(host, `/etc/kubernetes/${kind}.env`, `# flags of ${kind}\nARGS="${[...flagsOf(settings), ...extraFlags].join(' ')}"\n`);
      tree.write(host, `/etc/systemd/system/${kind}.service`, `[Service]\nEnvironmentFile=/etc/kubernetes/${kind}.env\nExecStart=/usr/local/bin/${kind} $ARGS\n`);
      return;
    case 'etcd-env': {
      const vars = Object.entries({ name: 'etcd-1', ...settings }).flatMap(([name, value]) => (value === null ? [] : [`ETCD_${name.toUpperCase().replace(/-/g, '_')}=${value}`]));
      tree.write(host, '/etc/etcd.env', `${vars.join('\n')}\n`);
      return;
    }
    case 'etcd-config': {
      const config = configOf({ name: 'etcd-1', ...settings }, (name, value) => (ETCD_CONFIG[name] ? { path: ETCD_CONFIG[name], value: typed(value, 'bool') } : undefined));
      tree.write(host, '/etc/etcd/etcd.conf.yml', stringify(config));
      unit(tree, host, 'etcd', ['--config-file=/etc/etcd/etcd.conf.yml', ...extraFlags]);
      return;
    }
    case 'kubelet-env':
      tree.write(host, '/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="${flagsOf(settings).join(' ')}"\n`);
      tree.write(host, '/etc/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet\n');
      tree.write(host, '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', `[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS ${extraFlags.join(' ')}\n`);
      return;
    case 'kubelet-config':
      tree.write(host, '/var/lib/kubelet/config.yaml', stringify({ ...KUBELET_HEADER, ...kubeletConfig(settings) }));
      unit(tree, host, 'kubelet', ['--config=/var/lib/kubelet/config.yaml', ...extraFlags]);
      return;
    case 'kubelet-drop-in':
      // The main file says the opposite of nothing: the drop-in alone carries the settings.
      tree.write(host, '/var/lib/kubelet/config.yaml', stringify({ ...KUBELET_HEADER, clusterDomain: 'cluster.local' }));
      tree.write(host, '/etc/kubernetes/kubelet.conf.d/50-cis.conf', stringify({ ...KUBELET_HEADER, ...kubeletConfig(settings) }));
      unit(tree, host, 'kubelet', ['--config=/var/lib/kubelet/config.yaml', '--config-dir=/etc/kubernetes/kubelet.conf.d', ...extraFlags]);
      return;
    case 'kube-proxy-config': {
      const config = configOf(settings, (name, value) => (KUBE_PROXY_CONFIG[name] ? { path: KUBE_PROXY_CONFIG[name], value } : undefined));
      tree.write(host, '/var/lib/kube-proxy/config.conf', stringify({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', ...config }));
      unit(tree, host, 'kube-proxy', ['--config=/var/lib/kube-proxy/config.conf', ...extraFlags]);
      return;
    }
  }
}

export { kubeletConfig as kubeletConfigFields, KUBELET_HEADER };
