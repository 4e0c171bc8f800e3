/**
 * Where a host keeps what the CIS controls judge, from its layout's data (layouts/*: `files`).
 * kube-bench keeps one config per distribution (`$apiserverconf`, `$kubeletsvc`… of
 * cfg/k3s-cis-1.9, cfg/rke2-cis-1.8); kaudit keeps one adapter per layout, and the
 * templates ask it here: they never branch on a layout themselves. A host whose layout is
 * not recognised gets kubeadm's places, as kube-bench's defaults are kubeadm's.
 */
import { KUBEADM, layoutNamed, staticPodDirOf, type Layout } from '../collectors/layouts/index.js';
import type { Absent, CisFiles } from '../collectors/layouts/types.js';
import type { Component, ComponentKind, Host } from '../model/types.js';

export interface LayoutPlaces {
  /** The host's layout, when recognised. */
  layout?: Layout;
  files: CisFiles;
}

/** The places of a host's layout (kubeadm's for a host of no known layout). */
export function placesOf(host: Host | undefined): LayoutPlaces {
  const layout = layoutNamed(host?.distribution?.name);
  return layout ? { layout, files: layout.files } : { files: KUBEADM.files };
}

export function isAbsent(value: unknown): value is Absent {
  return typeof value === 'object' && value !== null && 'absent' in value;
}

/**
 * The host path of a component's pod specification, or why it has none: the file that
 * defines it (static pod, unit), or the manifest its distribution generated at its last start.
 */
export function podSpecOf(places: LayoutPlaces, component: Component, hostPathOf: (at: Component['definedAt']) => string | undefined): { hostPath?: string; absent?: string } {
  const specs = places.files.podSpecs;
  if (isAbsent(specs)) return { absent: specs.absent };
  if (specs === 'definition') return { hostPath: hostPathOf(component.definedAt) };
  const generated = component.running?.source === 'generated' ? hostPathOf(component.running.at) : undefined;
  if (generated && staticPodDirOf(generated)?.generated) return { hostPath: generated };
  return { absent: `${places.layout?.title ?? 'the distribution'} writes the pod specification of ${component.kind} when it starts, and none is on this host yet` };
}

/** The kubeconfig a layout writes for a component, when a setting names none. */
export function layoutKubeconfigOf(places: LayoutPlaces, kind: ComponentKind): string | undefined {
  return (places.layout ?? KUBEADM).kubeconfigs.find((k) => k.usedBy === kind)?.path;
}

/** Why a control that wants this setting unset does not apply: the distribution always passes it, as CIS allows. */
export function passedByDistribution(places: LayoutPlaces, component: Component, setting: string): string | undefined {
  return places.files.passes?.find((p) => p.component === component.kind && p.setting === setting)?.absent;
}
