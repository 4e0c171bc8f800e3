import { identifyCommand, parseFlags, type Word } from './args.js';
import type { HostContext } from './context.js';
import { asArray, asRecord, asString, type YamlDocument } from './yaml-source.js';
import type { Component, ComponentKind, Mount } from '../model/types.js';

const IMAGE_COMPONENTS: Record<string, ComponentKind> = {
  etcd: 'etcd',
  'kube-apiserver': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  'kube-proxy': 'kube-proxy',
};

/** `registry.k8s.io/kube-apiserver:v1.29.3` → { name: kube-apiserver, version: 1.29.3 }; etcd's `3.5.12-0` → 3.5.12. */
export function parseImage(image: string): { name: string; version?: string } {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = withoutDigest.slice(slash + 1, hasTag ? colon : undefined);
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  const version = tag ? /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1] : undefined;
  return version ? { name, version } : { name };
}

function wordsOf(ctx: HostContext, hostPath: string, doc: YamlDocument, path: string, list: unknown): Word[] {
  return asArray(list).flatMap((item, index) => {
    const text = asString(item);
    return text === undefined ? [] : [{ text, at: ctx.at(hostPath, doc.lines.get(`${path}.${index}`)) }];
  });
}

/** Reads a static pod (kubeadm's /etc/kubernetes/manifests/*.yaml) into a component. */
export function componentFromStaticPod(ctx: HostContext, hostPath: string, doc: YamlDocument): Component | undefined {
  const pod = asRecord(doc.data);
  if (!pod || pod.kind !== 'Pod') return undefined;
  const spec = asRecord(pod.spec);
  const container = asRecord(asArray(spec?.containers)[0]);
  if (!spec || !container) return undefined;
  const base = 'spec.containers.0';
  const command = wordsOf(ctx, hostPath, doc, `${base}.command`, container.command);
  const args = wordsOf(ctx, hostPath, doc, `${base}.args`, container.args);
  const image = asString(container.image);
  const parsedImage = image ? parseImage(image) : undefined;

  let identified = identifyCommand([...command, ...args]);
  if (!identified && parsedImage && IMAGE_COMPONENTS[parsedImage.name]) {
    // No command: the image's entrypoint runs the component and `args` holds its flags.
    identified = { kind: IMAGE_COMPONENTS[parsedImage.name], binary: parsedImage.name, args: [...command, ...args] };
  }
  if (!identified) return undefined;

  const mounts = podMounts(spec, container);
  const component: Component = {
    kind: identified.kind,
    host: ctx.host.name,
    source: 'static-pod',
    definedAt: ctx.at(hostPath, doc.line),
    flagsAt: ctx.at(hostPath, doc.lines.get(`${base}.command`) ?? doc.lines.get(`${base}.args`) ?? doc.line),
    binary: identified.binary,
    settings: parseFlags(identified.args),
    mounts,
  };
  if (image) component.image = image;
  if (parsedImage?.version) {
    component.version = parsedImage.version;
    component.versionAt = ctx.at(hostPath, doc.lines.get(`${base}.image`));
  }
  return component;
}

/** The hostPath volumes a pod's container mounts: where each in-container path is on the host. */
export function podMounts(spec: Record<string, unknown>, container: Record<string, unknown>): Mount[] {
  const volumes = new Map<string, string>();
  for (const volume of asArray(spec.volumes)) {
    const v = asRecord(volume);
    const path = asString(asRecord(v?.hostPath)?.path);
    const name = asString(v?.name);
    if (name && path) volumes.set(name, path);
  }
  const mounts: Mount[] = [];
  for (const mount of asArray(container.volumeMounts)) {
    const m = asRecord(mount);
    const hostPathOfVolume = volumes.get(asString(m?.name) ?? '');
    const containerPath = asString(m?.mountPath);
    if (hostPathOfVolume && containerPath) mounts.push({ containerPath, hostPath: hostPathOfVolume });
  }
  return mounts;
}

/**
 * Maps a path as the container sees it to the host path, through the longest hostPath
 * mount that covers it. Undefined when no mount does: the file is not visible in the pod.
 */
export function hostPathInPod(mounts: Mount[], containerPath: string): string | undefined {
  let best: Mount | undefined;
  for (const mount of mounts) {
    const prefix = mount.containerPath.replace(/\/+$/, '');
    const covers = containerPath === prefix || containerPath.startsWith(`${prefix}/`) || prefix === '';
    if (covers && (!best || prefix.length > best.containerPath.replace(/\/+$/, '').length)) best = mount;
  }
  if (!best) return undefined;
  const rest = containerPath.slice(best.containerPath.replace(/\/+$/, '').length);
  return best.hostPath.replace(/\/+$/, '') + rest || '/';
}
