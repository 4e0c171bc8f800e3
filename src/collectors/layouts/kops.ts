import type { Layout } from './types.js';

/**
 * kOps: nodeup writes static pods as /etc/kubernetes/manifests/*.manifest and certificates
 * under /srv/kubernetes; etcd is started by etcd-manager (a static pod), which generates
 * etcd's settings as ETCD_* variables when it starts it.
 */
export const KOPS: Layout = {
  name: 'kops',
  title: 'kOps',
  references: [
    'https://github.com/kubernetes/kops/blob/268927e26409f861634e18f3632c9dd483c350cf/nodeup/pkg/model/tests/golden/minimal/tasks-kube-apiserver.yaml',
    'https://github.com/kubernetes/kops/blob/268927e26409f861634e18f3632c9dd483c350cf/tests/integration/update_cluster/minimal-1.36/data/aws_s3_object_manifests-etcdmanager-main-master-us-test-1a_content',
    'https://github.com/kubernetes-sigs/etcd-manager/blob/12a1729b11c8d483849dc9639dc36a746423ace3/pkg/etcd/etcdprocess.go',
  ],
  markers: ['/srv/kubernetes/', '/etc/kubernetes/manifests/kube-apiserver.manifest', '/etc/kubernetes/manifests/kube-proxy.manifest', '/etc/sysconfig/kubelet'],
  staticPods: [{ dir: '/etc/kubernetes/manifests', extensions: ['.manifest', '.yaml'] }],
  pki: ['/srv/kubernetes', '/etc/kubernetes/pki', '/var/lib/kubelet'],
  kubeconfigs: [
    { path: '/var/lib/kubelet/kubeconfig', usedBy: 'kubelet' },
    { path: '/var/lib/kube-proxy/kubeconfig', usedBy: 'kube-proxy' },
    { path: '/var/lib/kube-controller-manager/kubeconfig', usedBy: 'kube-controller-manager' },
    { path: '/var/lib/kube-scheduler/kubeconfig', usedBy: 'kube-scheduler' },
  ],
  etcdEnvFiles: [],
  notConfig: ['/var/lib/kubelet/pods', '/var/lib/containerd', '/var/lib/docker', '/run/containerd', '/var/log', '/opt/cni/bin'],
  liveFolders: ['/etc/kubernetes', '/srv/kubernetes', '/var/lib/kubelet', '/var/lib/kube-proxy', '/var/lib/kube-controller-manager', '/var/lib/kube-scheduler', '/etc/sysconfig', '/etc/cni/net.d'],
  definitions: 'static-pod',
  // etcd's data is on the etcd volume etcd-manager mounts (/mnt/master-vol-…): only its process shows where.
  // etcd's pod specification is etcd-manager's (etcd-manager-main.manifest), which starts it.
  files: { adminKubeconfigs: ['/var/lib/kubectl/kubeconfig'], pkiDir: '/srv/kubernetes', podSpecs: 'definition', kubeletService: 'unit', cniDirs: [], kubeletClientCa: '/srv/kubernetes/ca.crt' },
};

/** Where etcd-manager's own settings are, and what it gives etcd (pkg/etcd/etcdprocess.go). */
export const ETCD_MANAGER = {
  source: 'https://github.com/kubernetes-sigs/etcd-manager/blob/12a1729b11c8d483849dc9639dc36a746423ace3/pkg/etcd/etcdprocess.go',
  /** etcd-manager always sets these when it has its PKI (kOps always gives it one). */
  defaults: { 'client-cert-auth': 'true', 'peer-client-cert-auth': 'true', 'enable-v2': 'false', 'strict-reconfig-check': 'true', logger: 'zap' },
  /** etcd-manager's flags that carry etcd's URLs. */
  urlFlags: { 'client-urls': ['advertise-client-urls', 'listen-client-urls'], 'peer-urls': ['initial-advertise-peer-urls', 'listen-peer-urls'] },
  /** Generated when etcd-manager starts etcd: known only from the process's environment. */
  generated: ['name', 'initial-cluster', 'initial-cluster-token', 'initial-cluster-state', 'data-dir', 'cert-file', 'key-file', 'trusted-ca-file', 'peer-cert-file', 'peer-key-file', 'peer-trusted-ca-file'],
} as const;
