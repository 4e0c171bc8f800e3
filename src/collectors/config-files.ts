import path from 'node:path/posix';
import type { HostContext } from './context.js';
import { asRecord, type YamlDocument } from './yaml-source.js';
import { setting } from '../model/cluster.js';
import type { Component, Setting } from '../model/types.js';
import { resolveComponentPath } from './references.js';
import { isSecretSetting } from '../model/secrets.js';
import { ETCD_CONFIG_SHAPES } from './shapes.js';

/** KubeletConfiguration fields and the flags they stand for. */
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
};

/** KubeletConfiguration fields that hold paths, relative to the config file's folder. */
const KUBELET_PATH_FIELDS = new Set(['authentication.x509.clientCAFile', 'tlsCertFile', 'tlsPrivateKeyFile', 'staticPodPath']);

const KUBE_PROXY_FIELDS: Record<string, string> = {
  clusterCIDR: 'cluster-cidr',
  'clientConnection.kubeconfig': 'kubeconfig',
  mode: 'proxy-mode',
};

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
  if (value === null || value === undefined || typeof value === 'object') return undefined;
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

/**
 * Merges the config file a component's flag names into its settings. Kubelet and
 * kube-proxy flags override their config files; etcd ignores every other flag and
 * variable when --config-file is given.
 */
export function applyConfigFile(ctx: HostContext, component: Component): void {
  const flagName = component.kind === 'etcd' ? 'config-file' : component.kind === 'kubelet' || component.kind === 'kube-proxy' ? 'config' : undefined;
  const flag = flagName ? setting(component, flagName) : undefined;
  if (!flag) return;
  const hostPath = resolveComponentPath(component, flag.value).hostPath;
  const doc = ctx.readYaml(hostPath)[0];
  if (!doc) return;
  if (component.kind === 'etcd') {
    ctx.checkShapes(hostPath, doc, ETCD_CONFIG_SHAPES);
    component.settings = [flag, ...etcdSettings(ctx, hostPath, doc)];
  } else if (component.kind === 'kubelet') {
    component.settings = [...settingsFromFields(ctx, hostPath, doc, KUBELET_FIELDS, KUBELET_PATH_FIELDS), ...component.settings];
  } else {
    component.settings = [...settingsFromFields(ctx, hostPath, doc, KUBE_PROXY_FIELDS, new Set()), ...component.settings];
  }
}
