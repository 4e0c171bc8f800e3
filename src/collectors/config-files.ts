/**
 * Config files that components read besides their flags, merged into their settings the
 * way each component merges them:
 * - kubelet: flags win over its --config KubeletConfiguration, whose fields the
 *   --config-dir drop-ins (`*.conf`, in name order, the later winning) override;
 * - kube-proxy: with --config, the flags bound to its configuration are ignored;
 * - etcd: with --config-file, every other flag and ETCD_* variable is ignored.
 * Each file is recorded on the component (`configSources`) with whether it was read, so
 * that a setting missing from an unread file is unknown rather than a default.
 */
import path from 'node:path/posix';
import type { HostContext } from './context.js';
import { asRecord, type YamlDocument } from './yaml-source.js';
import { setting } from '../model/cluster.js';
import type { Component, ConfigSource, Setting } from '../model/types.js';
import { resolveComponentPath } from './references.js';
import { isSecretSetting } from '../model/secrets.js';
import { ETCD_CONFIG_SHAPES } from './shapes.js';

/** KubeletConfiguration fields that hold one scalar, and the flags they stand for. */
export const KUBELET_FIELDS: Record<string, string> = {
  'authentication.anonymous.enabled': 'anonymous-auth',
  'authentication.webhook.enabled': 'authentication-token-webhook',
  'authentication.x509.clientCAFile': 'client-ca-file',
  'authorization.mode': 'authorization-mode',
  tlsCertFile: 'tls-cert-file',
  tlsPrivateKeyFile: 'tls-private-key-file',
  rotateCertificates: 'rotate-certificates',
  serverTLSBootstrap: 'rotate-server-certificates',
  clusterDomain: 'cluster-domain',
  clusterDNS: 'cluster-dns',
  staticPodPath: 'pod-manifest-path',
  podCIDR: 'pod-cidr',
  readOnlyPort: 'read-only-port',
  containerRuntimeEndpoint: 'container-runtime-endpoint',
  streamingConnectionIdleTimeout: 'streaming-connection-idle-timeout',
  makeIPTablesUtilChains: 'make-iptables-util-chains',
  eventRecordQPS: 'event-qps',
  podPidsLimit: 'pod-max-pids',
  seccompDefault: 'seccomp-default',
};

/**
 * KubeletConfiguration fields that hold a list or a map, read into the flag's text form
 * (`tlsCipherSuites: [A, B]` → `A,B`; `featureGates: {X: true}` → `X=true`). They are kept
 * out of KUBELET_FIELDS: a flag edit cannot write them back as a scalar.
 */
export const KUBELET_COLLECTION_FIELDS: Record<string, string> = {
  tlsCipherSuites: 'tls-cipher-suites',
  featureGates: 'feature-gates',
};

/** KubeletConfiguration fields that hold paths, relative to the config file's folder. */
const KUBELET_PATH_FIELDS = new Set(['authentication.x509.clientCAFile', 'tlsCertFile', 'tlsPrivateKeyFile', 'staticPodPath']);

export const KUBE_PROXY_FIELDS: Record<string, string> = {
  clusterCIDR: 'cluster-cidr',
  'clientConnection.kubeconfig': 'kubeconfig',
  mode: 'proxy-mode',
  metricsBindAddress: 'metrics-bind-address',
  healthzBindAddress: 'healthz-bind-address',
  bindAddress: 'bind-address',
  enableProfiling: 'profiling',
  featureGates: 'feature-gates',
};

/**
 * kube-proxy flags that stay in force beside --config: every other flag is bound to the
 * KubeProxyConfiguration that the file replaces ("This parameter is ignored if a config
 * file is specified by --config", kube-proxy --help).
 */
const KUBE_PROXY_FLAGS_BESIDE_CONFIG = new Set(['config', 'master', 'hostname-override', 'write-config-to', 'cleanup', 'init-only', 'v', 'vmodule', 'log-flush-frequency']);

/** Where kube-bench looks for etcd's data when no --data-dir is given (cfg/config.yaml, etcd.defaultdatadir). */
export const ETCD_DEFAULT_DATA_DIR = '/var/lib/etcd/default.etcd';
/** Where CNI plugins keep their IP allocations (CIS 1.1.9, 1.1.10). */
export const CNI_STATE_DIR = '/var/lib/cni/networks';

/** etcd's config file: top-level keys are flag names; TLS sits in two sections. */
function etcdFlagOfKey(key: string): string | undefined {
  const [section, field, extra] = key.split('.');
  if (extra !== undefined) return undefined;
  if (field === undefined) return section.includes('transport-security') ? undefined : section;
  if (section === 'client-transport-security') return field;
  if (section === 'peer-transport-security') return `peer-${field}`;
  return undefined;
}

function valueAt(data: unknown, dotted: string): unknown {
  let current: unknown = data;
  for (const part of dotted.split('.')) current = asRecord(current)?.[part];
  return current;
}

function stringify(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    // A map (featureGates): the flag's `key=value,…` form.
    return Object.entries(value as Record<string, unknown>).map(([key, v]) => `${key}=${String(v)}`).join(',');
  }
  return String(value);
}

function settingsFromFields(ctx: HostContext, hostPath: string, doc: YamlDocument, fields: Record<string, string>, pathFields: Set<string>): Setting[] {
  const settings: Setting[] = [];
  for (const [field, flag] of Object.entries(fields)) {
    let value = stringify(valueAt(doc.data, field));
    if (value === undefined) continue;
    if (pathFields.has(field) && value && !value.startsWith('/')) value = path.join(path.dirname(hostPath), value);
    settings.push({ name: flag, value, origin: 'config-file', at: ctx.at(hostPath, doc.lines.get(field)), sourceKey: field, ...(isSecretSetting(flag, value) ? { secret: true } : {}) });
  }
  return settings;
}

function etcdSettings(ctx: HostContext, hostPath: string, doc: YamlDocument): Setting[] {
  const settings: Setting[] = [];
  for (const [key, line] of doc.lines) {
    const flag = etcdFlagOfKey(key);
    const value = flag ? stringify(valueAt(doc.data, key)) : undefined;
    if (flag && value !== undefined && value !== '') {
      settings.push({ name: flag, value, origin: 'config-file', at: ctx.at(hostPath, line), sourceKey: key, ...(isSecretSetting(flag, value) ? { secret: true } : {}) });
    }
  }
  return settings;
}

/** Reads one config file of a component: its first document when it is of the kind expected. */
function readConfig(ctx: HostContext, hostPath: string, kind: string | undefined): { doc?: YamlDocument; state: ConfigSource['state'] } {
  if (!ctx.fs.exists(hostPath)) return { state: 'missing' };
  const doc = ctx.readYaml(hostPath)[0];
  const data = asRecord(doc?.data);
  if (!doc || !data) return { state: 'invalid' };
  if (kind && data.kind !== undefined && data.kind !== kind) {
    ctx.warn(hostPath, `named as a ${kind} but holds kind ${String(data.kind)}; its settings are not known`);
    return { state: 'invalid' };
  }
  return { doc, state: 'read' };
}

const KUBELET_ALL_FIELDS = { ...KUBELET_FIELDS, ...KUBELET_COLLECTION_FIELDS };

/** The kubelet's drop-ins: `*.conf` files of --config-dir, in the order the kubelet applies them. */
function kubeletDropIns(ctx: HostContext, dir: string): string[] {
  return ctx.fs
    .list(dir)
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name) => path.join(dir, name));
}

function applyKubeletConfig(ctx: HostContext, component: Component, sources: ConfigSource[]): void {
  const fromFiles: Setting[] = [];
  const configFlag = setting(component, 'config');
  if (configFlag) {
    const hostPath = resolveComponentPath(component, configFlag.value).hostPath;
    const { doc, state } = readConfig(ctx, hostPath, 'KubeletConfiguration');
    sources.push({ setting: 'config', hostPath, at: configFlag.at, state });
    if (doc) fromFiles.push(...settingsFromFields(ctx, hostPath, doc, KUBELET_ALL_FIELDS, KUBELET_PATH_FIELDS));
  }
  const dirFlag = setting(component, 'config-dir');
  if (dirFlag && dirFlag.value) {
    const dir = resolveComponentPath(component, dirFlag.value).hostPath;
    if (!ctx.fs.exists(dir)) sources.push({ setting: 'config-dir', hostPath: dir, at: dirFlag.at, state: 'missing' });
    for (const hostPath of kubeletDropIns(ctx, dir)) {
      const { doc, state } = readConfig(ctx, hostPath, 'KubeletConfiguration');
      sources.push({ setting: 'config-dir', hostPath, at: dirFlag.at, state });
      // A later drop-in's field overrides the same field of an earlier file: settings are read last-wins.
      if (doc) fromFiles.push(...settingsFromFields(ctx, hostPath, doc, KUBELET_ALL_FIELDS, KUBELET_PATH_FIELDS));
    }
  }
  // Flags win over every file (the kubelet re-applies its command line last).
  component.settings = [...fromFiles, ...component.settings];
}

function applyKubeProxyConfig(ctx: HostContext, component: Component, sources: ConfigSource[]): void {
  const configFlag = setting(component, 'config');
  if (!configFlag) return;
  const hostPath = resolveComponentPath(component, configFlag.value).hostPath;
  const { doc, state } = readConfig(ctx, hostPath, 'KubeProxyConfiguration');
  sources.push({ setting: 'config', hostPath, at: configFlag.at, state });
  if (!doc) return;
  const kept = component.settings.filter((s) => KUBE_PROXY_FLAGS_BESIDE_CONFIG.has(s.name));
  component.settings = [...kept, ...settingsFromFields(ctx, hostPath, doc, KUBE_PROXY_FIELDS, new Set())];
}

function applyEtcdConfig(ctx: HostContext, component: Component, sources: ConfigSource[]): void {
  const configFlag = setting(component, 'config-file');
  if (!configFlag) return;
  const hostPath = resolveComponentPath(component, configFlag.value).hostPath;
  const { doc, state } = readConfig(ctx, hostPath, undefined);
  sources.push({ setting: 'config-file', hostPath, at: configFlag.at, state });
  // etcd ignores every other flag and variable when it reads a config file.
  if (doc) {
    ctx.checkShapes(hostPath, doc, ETCD_CONFIG_SHAPES);
    component.settings = [configFlag, ...etcdSettings(ctx, hostPath, doc)];
  }
}

/** Merges the config files a component's flags name into its settings, and records them. */
export function applyConfigFile(ctx: HostContext, component: Component): void {
  const sources: ConfigSource[] = [];
  if (component.kind === 'kubelet') applyKubeletConfig(ctx, component, sources);
  else if (component.kind === 'kube-proxy') applyKubeProxyConfig(ctx, component, sources);
  else if (component.kind === 'etcd') applyEtcdConfig(ctx, component, sources);
  if (sources.length > 0) component.configSources = sources;
}

/**
 * Records mode and owner of the paths a component's settings name that the walk of a live
 * node does not enter (etcd's data folder, the CNI state the kubelet's plugins write).
 * A copied tree may lack such a folder while its snapshot manifest still records it.
 */
export function recordSettingPaths(ctx: HostContext, component: Component): void {
  if (component.kind === 'etcd') {
    const dataDir = setting(component, 'data-dir')?.value;
    recordPath(ctx, dataDir ? resolveComponentPath(component, dataDir).hostPath : ETCD_DEFAULT_DATA_DIR);
  } else if (component.kind === 'kubelet') {
    const cniConfDir = setting(component, 'cni-conf-dir')?.value;
    for (const dir of [CNI_STATE_DIR, ...(cniConfDir ? [resolveComponentPath(component, cniConfDir).hostPath] : [])]) recordTree(ctx, dir, 2);
  }
}

function recordPath(ctx: HostContext, hostPath: string): void {
  ctx.recordFactsOf(hostPath);
  if (ctx.cluster.fileFacts(ctx.host.name, hostPath) || !ctx.snapshot) return;
  const mode = ctx.snapshot.modes?.get(hostPath);
  const owner = ctx.snapshot.owners?.get(hostPath);
  if (mode === undefined && owner === undefined) return;
  ctx.cluster.addFileFacts({ host: ctx.host.name, hostPath, isDirectory: true, ...(mode !== undefined ? { mode } : {}), ...(owner !== undefined ? { owner } : {}), at: ctx.at(hostPath) });
}

/** A folder and what is in it, a few levels deep (CNI state: networks/<name>/<address>). */
function recordTree(ctx: HostContext, dir: string, depth: number): void {
  if (!ctx.fs.exists(dir)) return;
  ctx.recordFactsOf(dir);
  if (depth === 0) return;
  for (const name of ctx.fs.list(dir)) recordTree(ctx, path.join(dir, name), depth - 1);
}
