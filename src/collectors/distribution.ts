/**
 * Which layout a host is, from the files its installer leaves (layouts/*: markers), and
 * the host's distribution, version and role as the summary and JSON show them.
 */
import type { HostContext } from './context.js';
import { LAYOUTS, RANCHER_LAYOUTS, type Layout } from './layouts/index.js';
import { UNIT_DIRS } from './systemd.js';
import type { Component, HostDistribution, SourceLocation } from '../model/types.js';

function exists(ctx: HostContext, marker: string): boolean {
  if (!marker.endsWith('/')) return ctx.fs.exists(marker);
  try {
    return ctx.fs.resolve(marker.slice(0, -1))?.stat.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** The first marker of a layout present on the host (the evidence), if any. */
function evidenceOf(ctx: HostContext, layout: Layout): string | undefined {
  const rancher = RANCHER_LAYOUTS.find((r) => r.name === layout.name);
  const units = rancher ? UNIT_DIRS.flatMap((dir) => [`${dir}/${rancher.units.server}`, `${dir}/${rancher.units.agent}`]) : [];
  return [...units, ...layout.markers].find((marker) => exists(ctx, marker));
}

/** The layout whose files the host holds, most specific first. */
export function detectLayout(ctx: HostContext): { layout: Layout; evidence: string } | undefined {
  for (const layout of LAYOUTS) {
    const evidence = evidenceOf(ctx, layout);
    if (evidence) return { layout, evidence };
  }
  return undefined;
}

/** A role from the components a host runs: an apiserver makes a control plane; etcd alone an etcd host. */
function roleOf(components: Component[]): HostDistribution['role'] {
  const kinds = new Set(components.map((c) => c.kind));
  if (kinds.has('kube-apiserver')) return 'control-plane';
  if (kinds.has('etcd')) return 'etcd';
  if (kinds.has('kubelet') || kinds.has('kube-proxy')) return 'worker';
  return undefined;
}

/** The Kubernetes version of the host: its apiserver's, else its kubelet's (static pod image tags, snapshot versions). */
function versionOf(components: Component[]): { text: string; at?: SourceLocation } | undefined {
  for (const kind of ['kube-apiserver', 'kubelet', 'kube-proxy', 'kube-controller-manager'] as const) {
    const c = components.find((x) => x.kind === kind && x.version);
    if (c) return { text: `v${c.version}`, ...(c.versionAt ? { at: c.versionAt } : {}) };
  }
  return undefined;
}

/** The distribution of a kubeadm-like host (kubeadm, kubespray, kOps, the hard way) from its components. */
export function describeHost(ctx: HostContext, detected: { layout: Layout; evidence: string }, components: Component[]): HostDistribution {
  const version = versionOf(components);
  const role = roleOf(components);
  return {
    name: detected.layout.name,
    ...(version ? { version: version.text, ...(version.at ? { versionAt: version.at } : {}) } : {}),
    ...(role ? { role } : {}),
    evidence: ctx.at(detected.evidence.replace(/\/$/, '')),
    settings: [],
  };
}
