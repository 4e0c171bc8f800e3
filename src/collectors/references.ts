import path from 'node:path/posix';
import type { HostContext } from './context.js';
import { hostPathInPod } from './static-pod.js';
import type { Component, ComponentKind, FilePurpose, FileReference } from '../model/types.js';

/** The settings of each component that name a file, and what the file holds. */
export const FILE_SETTINGS: Record<ComponentKind, Record<string, FilePurpose>> = {
  'kube-apiserver': {
    'client-ca-file': 'ca',
    'tls-cert-file': 'cert',
    'tls-private-key-file': 'key',
    'etcd-cafile': 'ca',
    'etcd-certfile': 'cert',
    'etcd-keyfile': 'key',
    'kubelet-client-certificate': 'cert',
    'kubelet-client-key': 'key',
    'kubelet-certificate-authority': 'ca',
    'proxy-client-cert-file': 'cert',
    'proxy-client-key-file': 'key',
    'requestheader-client-ca-file': 'ca',
    'service-account-key-file': 'key',
    'service-account-signing-key-file': 'key',
    'encryption-provider-config': 'config',
    'experimental-encryption-provider-config': 'config',
    'authentication-config': 'config',
    'authorization-config': 'config',
    'audit-policy-file': 'config',
    'admission-control-config-file': 'config',
  },
  'kube-controller-manager': {
    'cluster-signing-cert-file': 'cert',
    'cluster-signing-key-file': 'key',
    'root-ca-file': 'ca',
    'service-account-private-key-file': 'key',
    'client-ca-file': 'ca',
    'requestheader-client-ca-file': 'ca',
    'tls-cert-file': 'cert',
    'tls-private-key-file': 'key',
    kubeconfig: 'kubeconfig',
    'authentication-kubeconfig': 'kubeconfig',
    'authorization-kubeconfig': 'kubeconfig',
  },
  'kube-scheduler': {
    kubeconfig: 'kubeconfig',
    'authentication-kubeconfig': 'kubeconfig',
    'authorization-kubeconfig': 'kubeconfig',
    'tls-cert-file': 'cert',
    'tls-private-key-file': 'key',
    'client-ca-file': 'ca',
    config: 'config',
  },
  etcd: {
    'cert-file': 'cert',
    'key-file': 'key',
    'trusted-ca-file': 'ca',
    'peer-cert-file': 'cert',
    'peer-key-file': 'key',
    'peer-trusted-ca-file': 'ca',
    'config-file': 'config',
  },
  kubelet: {
    kubeconfig: 'kubeconfig',
    'bootstrap-kubeconfig': 'kubeconfig',
    'client-ca-file': 'ca',
    'tls-cert-file': 'cert',
    'tls-private-key-file': 'key',
    config: 'config',
  },
  'kube-proxy': { kubeconfig: 'kubeconfig', config: 'config' },
  'container-runtime': {},
};

/** Where a path a component names is on its host: through hostPath mounts for static pods. */
export function resolveComponentPath(component: Component, written: string): { hostPath: string; mounted: boolean } {
  const absolute = path.resolve('/', written);
  // A static pod, or a process started inside one (kOps's etcd, in etcd-manager's container).
  const inPod = component.source === 'static-pod' || (component.source === 'distribution' && component.mounts.length > 0);
  if (!inPod) return { hostPath: absolute, mounted: true };
  const mapped = hostPathInPod(component.mounts, absolute);
  return mapped ? { hostPath: mapped, mounted: true } : { hostPath: absolute, mounted: false };
}

/** Every file that a component's settings name. */
export function componentReferences(ctx: HostContext, component: Component): FileReference[] {
  const table = FILE_SETTINGS[component.kind];
  const refs: FileReference[] = [];
  for (const s of component.settings) {
    const purpose = table[s.name];
    if (!purpose || !s.value) continue;
    const mapped = resolveComponentPath(component, s.value);
    const hostPath = ctx.canonical(mapped.hostPath);
    const mounted = mapped.mounted;
    refs.push({
      host: component.host,
      owner: component,
      setting: s.name,
      purpose,
      written: s.value,
      hostPath,
      mounted,
      exists: ctx.fs.exists(hostPath),
      at: s.at,
    });
  }
  return refs;
}
