import type { Layout } from './types.js';

/**
 * kubespray: kubeadm underneath with its certificates in /etc/kubernetes/ssl, etcd as a
 * systemd unit reading /etc/etcd.env (certificates in /etc/ssl/etcd/ssl), and addons it
 * applies itself from /etc/kubernetes/addons (no addon manager reads that folder).
 */
export const KUBESPRAY: Layout = {
  name: 'kubespray',
  title: 'kubespray',
  references: [
    'https://github.com/kubernetes-sigs/kubespray/blob/46dbdd3994b32640bcd806b0097f50e8fdf1d514/roles/etcd/templates/etcd.env.j2',
    'https://github.com/kubernetes-sigs/kubespray/blob/46dbdd3994b32640bcd806b0097f50e8fdf1d514/roles/etcd/templates/etcd-host.service.j2',
    'https://github.com/kubernetes-sigs/kubespray/blob/46dbdd3994b32640bcd806b0097f50e8fdf1d514/roles/kubernetes/control-plane/templates/kubeadm-config.v1beta4.yaml.j2',
    'https://github.com/kubernetes-sigs/kubespray/blob/46dbdd3994b32640bcd806b0097f50e8fdf1d514/roles/kubespray_defaults/defaults/main/main.yml',
  ],
  markers: ['/etc/kubernetes/ssl/', '/etc/ssl/etcd/ssl/', '/etc/etcd.env', '/etc/kubernetes/kubeadm-config.yaml'],
  staticPods: [{ dir: '/etc/kubernetes/manifests', extensions: ['.yaml', '.yml', '.json'] }],
  pki: ['/etc/kubernetes/ssl', '/etc/ssl/etcd/ssl', '/var/lib/kubelet/pki'],
  kubeconfigs: [
    { path: '/etc/kubernetes/kubelet.conf', usedBy: 'kubelet' },
    { path: '/etc/kubernetes/controller-manager.conf', usedBy: 'kube-controller-manager' },
    { path: '/etc/kubernetes/scheduler.conf', usedBy: 'kube-scheduler' },
  ],
  etcdEnvFiles: ['/etc/etcd.env'],
  notConfig: ['/var/lib/kubelet/pods', '/var/lib/containerd', '/var/lib/docker', '/var/lib/containers', '/run/containerd', '/var/log'],
  liveFolders: ['/etc/kubernetes', '/etc/ssl/etcd', '/etc/etcd.env', '/var/lib/kubelet', '/etc/cni/net.d', '/etc/containerd'],
  definitions: 'static-pod',
  addons: { dir: '/etc/kubernetes/addons', appliedBy: 'installer' },
  files: {
    adminKubeconfigs: ['/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf'],
    pkiDir: '/etc/kubernetes/ssl',
    etcdDataDir: '/var/lib/etcd',
    // etcd runs from a unit (etcd.service with /etc/etcd.env): that unit is its definition.
    podSpecs: 'definition',
    kubeletService: 'unit',
    cniDirs: [],
    kubeletClientCa: '/etc/kubernetes/ssl/ca.crt',
  },
};
