import type { Layout } from './types.js';

/** kubeadm: static pods, /etc/kubernetes/pki, kubeconfigs beside them, the kubelet's systemd drop-in. */
export const KUBEADM: Layout = {
  name: 'kubeadm',
  title: 'kubeadm',
  references: [
    'https://kubernetes.io/docs/setup/best-practices/certificates/',
    'https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/setup-ha-etcd-with-kubeadm/',
  ],
  markers: [
    '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
    '/var/lib/kubelet/kubeadm-flags.env',
    '/etc/kubernetes/pki/',
    '/etc/kubernetes/manifests/',
  ],
  staticPods: [{ dir: '/etc/kubernetes/manifests', extensions: ['.yaml', '.yml', '.json'] }],
  pki: ['/etc/kubernetes/pki', '/var/lib/kubelet/pki'],
  kubeconfigs: [
    { path: '/etc/kubernetes/kubelet.conf', usedBy: 'kubelet' },
    { path: '/etc/kubernetes/bootstrap-kubelet.conf', usedBy: 'kubelet' },
    { path: '/etc/kubernetes/controller-manager.conf', usedBy: 'kube-controller-manager' },
    { path: '/etc/kubernetes/scheduler.conf', usedBy: 'kube-scheduler' },
    { path: '/var/lib/kube-proxy/kubeconfig', usedBy: 'kube-proxy' },
  ],
  etcdEnvFiles: [],
  notConfig: ['/var/lib/kubelet/pods', '/var/lib/containerd', '/var/lib/docker', '/var/lib/containers', '/run/containerd', '/var/log'],
  liveFolders: ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/kube-proxy', '/etc/default', '/etc/cni/net.d', '/etc/containerd'],
  definitions: 'static-pod',
  files: {
    adminKubeconfigs: ['/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf'],
    pkiDir: '/etc/kubernetes/pki',
    etcdDataDir: '/var/lib/etcd',
    podSpecs: 'definition',
    kubeletService: 'unit',
    cniDirs: [],
    kubeletClientCa: '/etc/kubernetes/pki/ca.crt',
  },
};
