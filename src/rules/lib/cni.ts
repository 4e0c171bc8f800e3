import type { Cluster } from '../../model/cluster.js';
import type { CniConfig } from '../../model/types.js';

/** CNI spec versions libcni knows. */
export const KNOWN_CNI_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

/** Each host's network configs in the order the runtime considers them: by file name (libcni ConfFiles). */
export function cniConfigsByHost(cluster: Cluster): Map<string, CniConfig[]> {
  const byHost = new Map<string, CniConfig[]>();
  for (const config of cluster.cniConfigs) byHost.set(config.host, [...(byHost.get(config.host) ?? []), config]);
  for (const list of byHost.values()) list.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  return byHost;
}

export interface Plugin {
  type?: unknown;
  capabilities?: { portMappings?: unknown };
}

export function isList(config: CniConfig): boolean {
  return config.fileName.endsWith('.conflist') || Array.isArray((config.data as { plugins?: unknown } | undefined)?.plugins);
}

export function pluginsOf(config: CniConfig): Plugin[] {
  const data = config.data as { plugins?: unknown; type?: unknown } | undefined;
  if (!data || typeof data !== 'object') return [];
  if (isList(config)) return Array.isArray(data.plugins) ? (data.plugins as Plugin[]) : [];
  return [data as Plugin];
}

export function isLoopback(config: CniConfig): boolean {
  const plugins = pluginsOf(config);
  return plugins.length > 0 && plugins.every((p) => p.type === 'loopback');
}

/** Why a config cannot be loaded, or undefined when it can. */
export function configProblem(config: CniConfig): string | undefined {
  if (config.error) return `is not valid JSON (${config.error})`;
  const data = config.data as { cniVersion?: unknown; name?: unknown; plugins?: unknown; type?: unknown } | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'is not a JSON object';
  if (typeof data.cniVersion !== 'string') return 'has no cniVersion';
  if (!KNOWN_CNI_VERSIONS.includes(data.cniVersion)) return `names an unknown cniVersion ${data.cniVersion} (known: ${KNOWN_CNI_VERSIONS.join(', ')})`;
  if (typeof data.name !== 'string' || !data.name) return 'has no name';
  if (isList(config)) {
    if (!Array.isArray(data.plugins) || data.plugins.length === 0) return 'is a list with no plugins';
    const untyped = (data.plugins as Plugin[]).findIndex((p) => typeof p?.type !== 'string' || !p.type);
    if (untyped >= 0) return `has a plugin without type (plugins[${untyped}])`;
  } else if (typeof data.type !== 'string' || !data.type) {
    return 'has no type';
  }
  return undefined;
}

export function versionRank(config: CniConfig): number {
  const version = (config.data as { cniVersion?: unknown } | undefined)?.cniVersion;
  return typeof version === 'string' ? KNOWN_CNI_VERSIONS.indexOf(version) : -1;
}

/** Whether weave's old 10-weave.conf sits beside its 10-weave.conflist. */
export function isWeaveLeftover(config: CniConfig, siblings: CniConfig[]): boolean {
  return config.fileName === '10-weave.conf' && siblings.some((c) => c.fileName === '10-weave.conflist');
}
