import type { CisFiles, Layout } from './types.js';

/** What k3s and RKE2 share: both are started by the k3s supervisor code, with their program name in every path. */
export interface RancherLayout extends Layout {
  name: 'k3s' | 'rke2';
  /** `k3s` or `rke2`: the binary, the unit names and the folder names. */
  program: 'k3s' | 'rke2';
  /** The prefix of the environment variables the binary reads (`K3S_TOKEN`). */
  envPrefix: 'K3S_' | 'RKE2_';
  /** /etc/rancher/<program>/config.yaml, and its drop-in folder beside it (`config.yaml.d`). */
  configFile: string;
  /** /var/lib/rancher/<program>. */
  dataDir: string;
  /** Units that run the server and the agent; unit folders as systemd searches them. */
  units: { server: string; agent: string };
}

/** Where k3s and RKE2 differ in what the CIS controls judge: their pod specifications, etcd's owner, the CNI folder, the flags they always pass. */
type RancherCisFiles = Pick<CisFiles, 'podSpecs' | 'kubeletService' | 'etcdDataOwner' | 'cniDirs' | 'passes'>;

function rancherLayout(program: 'k3s' | 'rke2', extra: Pick<Layout, 'references' | 'staticPods'> & { files: RancherCisFiles }): RancherLayout {
  const data = `/var/lib/rancher/${program}`;
  return {
    name: program,
    title: program === 'k3s' ? 'k3s' : 'RKE2',
    program,
    envPrefix: program === 'k3s' ? 'K3S_' : 'RKE2_',
    configFile: `/etc/rancher/${program}/config.yaml`,
    dataDir: data,
    units: program === 'k3s' ? { server: 'k3s.service', agent: 'k3s-agent.service' } : { server: 'rke2-server.service', agent: 'rke2-agent.service' },
    references: extra.references,
    markers: [`/etc/rancher/${program}/`, `${data}/server/`, `${data}/agent/`],
    staticPods: extra.staticPods,
    pki: [`${data}/server/tls`, `${data}/agent`],
    kubeconfigs: [
      { path: `${data}/agent/kubelet.kubeconfig`, usedBy: 'kubelet' },
      { path: `${data}/agent/kubeproxy.kubeconfig`, usedBy: 'kube-proxy' },
      { path: `${data}/server/cred/controller.kubeconfig`, usedBy: 'kube-controller-manager' },
      { path: `${data}/server/cred/scheduler.kubeconfig`, usedBy: 'kube-scheduler' },
    ],
    etcdEnvFiles: [],
    // containerd's image store and snapshots, the unpacked binaries and the image tarballs: no configuration there.
    notConfig: [`${data}/agent/containerd`, `${data}/data`, `${data}/agent/images`, `/run/k3s/containerd`, '/var/lib/kubelet/pods', `${data}/server/db/etcd/member`, `${data}/server/db/snapshots`],
    liveFolders: [`/etc/rancher/${program}`, data, '/var/lib/kubelet/pki', '/usr/local/lib/systemd/system'],
    definitions: 'distribution-config',
    addons: { dir: `${data}/server/manifests`, appliedBy: 'distribution' },
    files: {
      // admin.kubeconfig is what the CIS guides judge; <program>.yaml is the copy written for the operator's kubectl.
      adminKubeconfigs: [`${data}/server/cred/admin.kubeconfig`, `/etc/rancher/${program}/${program}.yaml`],
      pkiDir: `${data}/server/tls`,
      etcdDataDir: `${data}/server/db/etcd`,
      kubeletClientCa: `${data}/agent/client-ca.crt`,
      ...extra.files,
    },
    renewsCertificates:
      program === 'k3s'
        ? 'k3s renews its client and serving certificates each time it starts, when they are expired or within 90 days of expiring (https://docs.k3s.io/advanced#certificate-management)'
        : 'RKE2 renews its client and serving certificates each time it starts, when they are expired or within 90 days of expiring (https://docs.rke2.io/security/certificates)',
  };
}

/** The distributions' own CIS guides, and kube-bench's k3s variant, whose verdicts the data above follows. */
const K3S_CIS = 'https://docs.k3s.io/security/self-assessment-1.12';
const RKE2_CIS = 'https://docs.rke2.io/security/cis_self_assessment112';
const KUBE_BENCH_K3S = 'https://github.com/aquasecurity/kube-bench/blob/a73ce378/cfg/k3s-cis-1.9';

/** k3s: one binary runs every component in its own process; nothing is a static pod. */
export const K3S = rancherLayout('k3s', {
  references: [
    'https://docs.k3s.io/installation/configuration',
    'https://docs.k3s.io/security/self-assessment-1.12',
    'https://docs.k3s.io/security/hardening-guide',
    'https://github.com/k3s-io/k3s/blob/f646604010affc6a1d3233a8a0870bca46bf80cf/pkg/configfilearg/parser.go',
    'https://github.com/k3s-io/k3s/blob/0136cf258954a458da1404858396342724b93d24/install.sh',
  ],
  // k3s runs no control-plane static pods; this folder is the operator's own.
  staticPods: [{ dir: '/var/lib/rancher/k3s/agent/pod-manifests', extensions: ['.yaml', '.yml', '.json'] }],
  files: {
    podSpecs: { absent: `k3s runs the API server, controller manager, scheduler and etcd inside its own process: there is no pod specification file (${K3S_CIS}; kube-bench ${KUBE_BENCH_K3S}/master.yaml skips these controls)` },
    kubeletService: { absent: `the kubelet is embedded in the k3s process: there is no kubelet service file, its configuration is passed as arguments at runtime (${K3S_CIS}; kube-bench ${KUBE_BENCH_K3S}/node.yaml)` },
    etcdDataOwner: { absent: `k3s runs etcd inside its own process, as root: there is no etcd user, and the data folder is k3s's, root:root (${K3S_CIS}; kube-bench ${KUBE_BENCH_K3S}/master.yaml)` },
    // flannel's configuration, which k3s writes for its containerd (the self-assessment audits /var/lib/cni/networks only).
    cniDirs: ['/var/lib/rancher/k3s/agent/etc/cni/net.d'],
    passes: [{ component: 'kubelet', setting: 'hostname-override', absent: `k3s always passes --hostname-override (the node name) to the kubelet, so that node names match what cloud providers issue, as the control's Impact allows (kube-bench ${KUBE_BENCH_K3S}/node.yaml)` }],
  },
});

/** RKE2: the kubelet a process, the control plane static pods it writes at each start from its config. */
export const RKE2 = rancherLayout('rke2', {
  references: [
    'https://docs.rke2.io/install/configuration',
    'https://docs.rke2.io/security/cis_self_assessment112',
    'https://docs.rke2.io/security/hardening_guide',
    'https://github.com/rancher/rke2/blob/6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0/pkg/executor/staticpod/staticpod.go',
    'https://github.com/rancher/rke2/blob/6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0/bundle/lib/systemd/system/rke2-server.service',
  ],
  staticPods: [{ dir: '/var/lib/rancher/rke2/agent/pod-manifests', extensions: ['.yaml'], generated: true }],
  files: {
    // RKE2 writes them from config.yaml at each start (mode 0600); its CIS guide judges them.
    podSpecs: 'generated',
    kubeletService: { absent: `the kubelet is started by the RKE2 process: there is no kubelet service file, its configuration is passed as arguments at runtime (${RKE2_CIS})` },
    // canal's configuration (the guide's remediation names /etc/cni/net.d beside /var/lib/cni/networks).
    cniDirs: ['/etc/cni/net.d'],
    passes: [{ component: 'kubelet', setting: 'hostname-override', absent: `RKE2 always passes --hostname-override (the node name) to the kubelet, so that node names match what cloud providers issue, as the control's Impact allows (${RKE2_CIS})` }],
  },
});
