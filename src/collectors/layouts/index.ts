/**
 * Every layout kaudit reads, most specific first, and what the collectors derive from them:
 * the folders never walked, the folders a live scan reads, the static pod folders, the
 * kubeconfigs' users. Adding a layout is adding a module here.
 */
import type { ComponentKind } from '../../model/types.js';
import { HARD_WAY } from './hardway.js';
import { KOPS } from './kops.js';
import { KUBEADM } from './kubeadm.js';
import { KUBESPRAY } from './kubespray.js';
import { K3S, RKE2, type RancherLayout } from './rancher.js';
import type { Layout } from './types.js';

export type { Layout } from './types.js';
export type { RancherLayout } from './rancher.js';
export { K3S, RKE2, KOPS, KUBEADM, KUBESPRAY, HARD_WAY };

/** In the order detection tries them: a k3s node has /etc/kubernetes too, a kubespray node kubeadm's files. */
export const LAYOUTS: readonly Layout[] = [K3S, RKE2, KOPS, KUBESPRAY, KUBEADM, HARD_WAY];

export const RANCHER_LAYOUTS: readonly RancherLayout[] = [K3S, RKE2];

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * Folders that are never walked on any host: image layers, snapshotter folders, pod
 * volumes, logs. A CA certificate or a YAML file inside a container image is not the
 * node's configuration.
 */
export const NOT_CONFIG_FOLDERS: readonly string[] = unique(LAYOUTS.flatMap((l) => l.notConfig));

/** Folders a live node scan walks (on `/`, the rest of the disk is not Kubernetes'). */
export const LIVE_FOLDERS: readonly string[] = unique(LAYOUTS.flatMap((l) => l.liveFolders));

/** Static pod folders of every layout, with the extensions the kubelet reads there. */
export const STATIC_POD_DIRS: ReadonlyArray<{ dir: string; extensions: string[]; generated: boolean }> = (() => {
  const byDir = new Map<string, { dir: string; extensions: Set<string>; generated: boolean }>();
  for (const layout of LAYOUTS) {
    for (const pods of layout.staticPods) {
      const entry = byDir.get(pods.dir) ?? { dir: pods.dir, extensions: new Set<string>(), generated: false };
      pods.extensions.forEach((e) => entry.extensions.add(e));
      entry.generated ||= pods.generated ?? false;
      byDir.set(pods.dir, entry);
    }
  }
  return [...byDir.values()].map((e) => ({ dir: e.dir, extensions: [...e.extensions], generated: e.generated }));
})();

/** The static pod folder a host path is directly in, when it is one of a layout's. */
export function staticPodDirOf(hostPath: string): { dir: string; generated: boolean } | undefined {
  const slash = hostPath.lastIndexOf('/');
  const dir = hostPath.slice(0, slash);
  const ext = hostPath.slice(hostPath.lastIndexOf('.')).toLowerCase();
  const found = STATIC_POD_DIRS.find((d) => d.dir === dir && d.extensions.includes(ext));
  return found && { dir: found.dir, generated: found.generated };
}

const KUBECONFIG_USERS = new Map<string, ComponentKind>(LAYOUTS.flatMap((l) => l.kubeconfigs.map((k) => [k.path, k.usedBy] as const)));

/** The component that uses a kubeconfig a layout writes at this path. */
export function kubeconfigUserOf(hostPath: string): ComponentKind | undefined {
  return KUBECONFIG_USERS.get(hostPath);
}

/** The layout a host's distribution names (for the files the CIS benchmark asks about). */
export function layoutNamed(name: string | undefined): Layout | undefined {
  return LAYOUTS.find((l) => l.name === name);
}

/** The addon folders and who applies them; a folder no addon manager reads needs no mode label. */
export const ADDON_FOLDERS: ReadonlyArray<{ dir: string; appliedBy: string }> = LAYOUTS.flatMap((l) => (l.addons ? [l.addons] : []));
