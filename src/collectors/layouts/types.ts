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
   * same table per distribution: its `$apiserverconf`, `$kubeletsvc`… of cfg/<variant>/).
   */
  files: CisFiles;
}

/** Why a file CIS asks about does not exist in a layout: the control is N/A there, with this reason. */
export interface Absent {
  absent: string;
}

/** The files and settings the CIS controls judge, as one layout lays them out. */
export interface CisFiles {
  /** The administrator's kubeconfigs (1.1.13, 1.1.14): each judged where present. */
  adminKubeconfigs: string[];
  /** The control plane's PKI folder (1.1.19–1.1.21). */
  pkiDir: string;
  /** etcd's data folder when no setting of etcd names it (1.1.11, 1.1.12). */
  etcdDataDir?: string;
  /**
   * The pod specification of a control-plane component (1.1.1–1.1.8): the file that defines
   * it (static pod, or unit), or the manifest the distribution writes from its config at each
   * start (RKE2), or none.
   */
  podSpecs: 'definition' | 'generated' | Absent;
  /** The kubelet's service file and drop-ins (4.1.1, 4.1.2), or none. */
  kubeletService: 'unit' | Absent;
  /** Whose the etcd data folder must be (1.1.12): CIS's `etcd:etcd`, or none where etcd runs inside another process. */
  etcdDataOwner?: Absent;
  /** CNI configuration folders judged with /var/lib/cni/networks (1.1.9, 1.1.10). */
  cniDirs: string[];
  /** The CA file the kubelet trusts for clients when its settings name none (4.1.7, 4.1.8). */
  kubeletClientCa?: string;
  /**
   * Flags the distribution always passes although a control wants them unset, where CIS
   * itself says the control does not apply (its Impact): N/A, with the distribution's reason.
   */
  passes?: Array<{ component: ComponentKind; setting: string } & Absent>;
}
