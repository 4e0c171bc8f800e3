import type { Layout } from './types.js';

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

function rancherLayout(program: 'k3s' | 'rke2', extra: Pick<Layout, 'references' | 'staticPods'>): RancherLayout {
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
    files: { adminKubeconfig: `${data}/server/cred/admin.kubeconfig`, pkiDir: `${data}/server/tls`, etcdDataDir: `${data}/server/db/etcd` },
    renewsCertificates:
      program === 'k3s'
        ? 'k3s renews its client and serving certificates each time it starts, when they are expired or within 90 days of expiring (https://docs.k3s.io/advanced#certificate-management)'
        : 'RKE2 renews its client and serving certificates each time it starts, when they are expired or within 90 days of expiring (https://docs.rke2.io/security/certificates)',
  };
}

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
});
