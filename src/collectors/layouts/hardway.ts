import type { Layout } from './types.js';

/** Kubernetes the hard way: every component a systemd unit, certificates in /var/lib/kubernetes and /etc/etcd. */
export const HARD_WAY: Layout = {
  name: 'kubernetes-the-hard-way',
  title: 'kubernetes-the-hard-way',
  references: [
    'https://github.com/kelseyhightower/kubernetes-the-hard-way/tree/79a3f79b27bd28f82f071bb877a266c2e62ee506/docs',
  ],
  markers: ['/var/lib/kubernetes/', '/etc/etcd/'],
  staticPods: [],
  pki: ['/var/lib/kubernetes', '/etc/etcd', '/var/lib/kubelet'],
  kubeconfigs: [
    { path: '/var/lib/kubelet/kubeconfig', usedBy: 'kubelet' },
    { path: '/var/lib/kube-proxy/kubeconfig', usedBy: 'kube-proxy' },
    { path: '/var/lib/kubernetes/kube-controller-manager.kubeconfig', usedBy: 'kube-controller-manager' },
    { path: '/var/lib/kubernetes/kube-scheduler.kubeconfig', usedBy: 'kube-scheduler' },
  ],
  etcdEnvFiles: ['/etc/default/etcd', '/etc/etcd/etcd.conf'],
  notConfig: ['/var/lib/kubelet/pods', '/var/lib/containerd', '/var/lib/docker', '/run/containerd', '/var/log'],
  liveFolders: ['/var/lib/kubernetes', '/etc/etcd', '/var/lib/kubelet', '/var/lib/kube-proxy', '/etc/kubernetes', '/etc/default', '/etc/cni/net.d', '/etc/containerd'],
  definitions: 'unit',
  // No administrator kubeconfig stays on the nodes (admin.kubeconfig is written on the workstation).
  files: { adminKubeconfigs: [], pkiDir: '/var/lib/kubernetes', etcdDataDir: '/var/lib/etcd', podSpecs: 'definition', kubeletService: 'unit', cniDirs: [] },
};
