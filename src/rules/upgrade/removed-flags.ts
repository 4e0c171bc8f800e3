import type { ComponentKind } from '../../model/types.js';

export interface RemovedFlag {
  /** The first minor version without the flag. */
  removedIn: string;
  /** The flag that replaces it, when it was renamed. */
  replacement?: string;
  /** Where the removal is recorded. */
  source: string;
}

const DOCKERSHIM = 'kubernetes/kubernetes#106907 (CHANGELOG-1.24: dockershim flags removed)';
const INSECURE_SERVING = 'kubernetes/kubernetes#95856 (CHANGELOG-1.20: inert since 1.20, removed in 1.24)';

/** Flags removed or renamed from 1.19 on, per component. */
export const REMOVED_FLAGS: Partial<Record<ComponentKind, Record<string, RemovedFlag>>> = {
  'kube-apiserver': {
    'basic-auth-file': { removedIn: '1.19', source: 'kubernetes/kubernetes#89069 (CHANGELOG-1.19)' },
    'insecure-port': { removedIn: '1.24', source: INSECURE_SERVING },
    port: { removedIn: '1.24', source: INSECURE_SERVING },
    address: { removedIn: '1.24', source: INSECURE_SERVING },
    'insecure-bind-address': { removedIn: '1.24', source: INSECURE_SERVING },
  },
  'kube-controller-manager': {
    port: { removedIn: '1.24', source: 'CHANGELOG-1.24: the inert --address and --port flags are removed' },
    address: { removedIn: '1.24', source: 'CHANGELOG-1.24: the inert --address and --port flags are removed' },
    'experimental-cluster-signing-duration': { removedIn: '1.25', replacement: 'cluster-signing-duration', source: 'kubernetes/kubernetes#108476 (CHANGELOG-1.25)' },
    'pod-eviction-timeout': { removedIn: '1.27', source: 'kubernetes/kubernetes#115840 (CHANGELOG-1.27)' },
    'enable-taint-manager': { removedIn: '1.27', source: 'kubernetes/kubernetes#115840 (CHANGELOG-1.27)' },
  },
  'kube-scheduler': {
    'policy-config-file': { removedIn: '1.23', replacement: 'config', source: 'CHANGELOG-1.23: the scheduler Policy API is removed; use a KubeSchedulerConfiguration' },
    'policy-configmap': { removedIn: '1.23', replacement: 'config', source: 'CHANGELOG-1.23: the scheduler Policy API is removed; use a KubeSchedulerConfiguration' },
    'policy-configmap-namespace': { removedIn: '1.23', replacement: 'config', source: 'CHANGELOG-1.23: the scheduler Policy API is removed; use a KubeSchedulerConfiguration' },
    'use-legacy-policy-config': { removedIn: '1.23', replacement: 'config', source: 'CHANGELOG-1.23: the scheduler Policy API is removed; use a KubeSchedulerConfiguration' },
  },
  kubelet: {
    'network-plugin': { removedIn: '1.24', source: DOCKERSHIM },
    'network-plugin-mtu': { removedIn: '1.24', source: DOCKERSHIM },
    'cni-conf-dir': { removedIn: '1.24', source: DOCKERSHIM },
    'cni-bin-dir': { removedIn: '1.24', source: DOCKERSHIM },
    'cni-cache-dir': { removedIn: '1.24', source: DOCKERSHIM },
    'docker-endpoint': { removedIn: '1.24', source: DOCKERSHIM },
    'image-pull-progress-deadline': { removedIn: '1.24', source: DOCKERSHIM },
    'experimental-dockershim-root-directory': { removedIn: '1.24', source: DOCKERSHIM },
    'dynamic-config-dir': { removedIn: '1.24', source: 'CHANGELOG-1.24: the DynamicKubeletConfig feature is removed from the kubelet' },
    'container-runtime': { removedIn: '1.27', source: 'kubernetes/kubernetes#114017 (CHANGELOG-1.27)' },
  },
};
