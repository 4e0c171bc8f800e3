import type { Cluster } from '../../model/cluster.js';
import type { Manifest, SourceLocation, WeaveNet } from '../../model/types.js';
import { objectName, weaveOfDaemonSet } from '../../model/weave.js';

/** The DaemonSets of a manifest document: itself, or the items of a List, with their paths. */
function daemonSetsOf(manifest: Manifest): Array<{ data: unknown; prefix: string }> {
  if (manifest.kind === 'DaemonSet') return [{ data: manifest.data, prefix: '' }];
  if (manifest.kind !== 'List') return [];
  const items = (manifest.data as { items?: unknown }).items;
  return (Array.isArray(items) ? items : []).flatMap((item, i) => ((item as { kind?: unknown })?.kind === 'DaemonSet' ? [{ data: item, prefix: `items.${i}.` }] : []));
}

function weaveOfManifest(manifest: Manifest): WeaveNet[] {
  const locate = (path: string): SourceLocation => ({ ...manifest.at, line: manifest.lines.get(path) ?? manifest.at.line });
  return daemonSetsOf(manifest).flatMap(({ data, prefix }) => {
    const weave = weaveOfDaemonSet(data, prefix, locate);
    if (!weave) return [];
    const at = locate(prefix.replace(/\.$/, ''));
    return [{ source: 'manifest' as const, host: manifest.host, name: objectName((data as { metadata?: unknown }).metadata, 'kube-system'), at, manifest, prefix, ...weave }];
  });
}

/** Every Weave Net of the scan: DaemonSets in manifest files, the live DaemonSet, systemd units. */
export function weaveNets(cluster: Cluster): WeaveNet[] {
  return [...cluster.manifests.flatMap(weaveOfManifest), ...cluster.weaveNets];
}

/** "the DaemonSet kube-system/weave-net in addons/weave.yaml" for messages. */
export function describeWeave(weave: WeaveNet): string {
  if (weave.source === 'systemd') return `weave unit ${weave.name} on ${weave.host}`;
  return `weave-net DaemonSet ${weave.name}${weave.source === 'live' ? ' (live)' : ''}`;
}
