/**
 * A layout adapter: where one way of installing Kubernetes keeps its components, configs,
 * defaults and certificates, and where fixes must write. Data only: the collectors read
 * it, rules never see it (architecture.md, "Distribution adapters").
 */
import type { ComponentKind, DistributionName } from '../../model/types.js';

/** Where a layout's components are defined, which is where `kaudit fix` writes. */
export type DefinitionHome =
  /** Static pod manifests the kubelet reads (kubeadm, kubespray, kOps). */
  | 'static-pod'
  /** systemd units, their drop-ins and env files (the hard way; kubespray's etcd). */
  | 'unit'
  /** The distribution's config.yaml, its drop-ins and its unit (k3s, RKE2): their generated manifests are not definitions. */
  | 'distribution-config';

export interface Layout {
  name: DistributionName;
  /** How the summary names it. */
  title: string;
  /** Upstream documents and templates this adapter follows (URL, or repository path at a commit). */
  references: string[];
  /**
   * Host paths whose presence shows the layout, checked in order of the LAYOUTS list (the
   * most specific layouts first). A path ending in `/` is a folder.
   */
  markers: string[];
  /** Folders of static pod manifests, and the extensions the kubelet reads there. */
  staticPods: Array<{
    dir: string;
    extensions: string[];
    /** Written by the distribution at each start from its own config: what runs, not what is defined. */
    generated?: boolean;
  }>;
  /** Folders that hold the layout's certificates and keys (for the README and `kaudit collect`). */
  pki: string[];
  /** Kubeconfigs the layout writes, and the component that uses each. */
  kubeconfigs: Array<{ path: string; usedBy: ComponentKind }>;
  /** Env files that hold etcd's settings when no unit names them. */
  etcdEnvFiles: string[];
  /** Folders that hold no configuration (image layers, snapshots, runtime state): never walked. */
  notConfig: string[];
  /** Folders a live node scan walks. */
  liveFolders: string[];
  /** Where component definitions live: where fixes write. */
  definitions: DefinitionHome;
  /**
   * The addon folder, and who applies what is in it: only the addon manager needs the
   * `addonmanager.kubernetes.io/mode` label.
   */
  addons?: { dir: string; appliedBy: 'addon-manager' | 'installer' | 'distribution' };
  /** What this layout's distribution does to the components it runs, said in findings and docs. */
  renewsCertificates?: string;
  /**
   * Where the files the CIS benchmark asks about are in this layout (kube-bench keeps the
   * same table per distribution): the administrator's kubeconfig, the PKI folder, etcd's data.
   */
  files: { adminKubeconfig?: string; pkiDir: string; etcdDataDir?: string };
}
