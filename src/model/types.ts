/**
 * The cluster model: everything the collectors read, with provenance.
 * Rules only ever see these types; they never touch the file system.
 */

/** Where something was found. `file` is relative to the scan root it came from. */
export interface SourceLocation {
  /** Host name (the sub-folder of a cluster folder, or the host root's name). */
  host: string;
  /** Index into Cluster.roots: which scanned PATH the file belongs to; -1 for a live source, whose `file` is its URL. */
  root: number;
  /** Path relative to that scan root, with forward slashes. */
  file: string;
  /** 1-based line, when the source has lines. */
  line?: number;
}

export type ComponentKind =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubelet'
  | 'kube-proxy'
  | 'container-runtime';

/**
 * How a component is run on its host. `distribution`: a component k3s or RKE2 starts
 * itself, defined by the distribution's config.yaml (and drop-ins), its unit's arguments
 * and its own defaults.
 */
export type ComponentSource = 'static-pod' | 'systemd' | 'env-file' | 'process' | 'live' | 'distribution';

/**
 * Where a setting came from: a command-line flag, an environment variable, a config file
 * field, or a default that a distribution applies to the components it embeds (k3s and
 * RKE2 start their apiserver with flags of their own; etcd-manager generates etcd's).
 * A distribution default is located where the distribution is configured (its
 * config.yaml or unit) and names the documentation it follows in `sourceKey`.
 */
export type SettingOrigin = 'flag' | 'env' | 'config-file' | 'distribution-default';

export interface Setting {
  /** The flag name without dashes, e.g. `tls-cert-file`. */
  name: string;
  value: string;
  origin: SettingOrigin;
  /** Where the setting is written (the env file line for a `$VAR` that expanded into a flag). */
  at: SourceLocation;
  /** The config-file field or env variable when origin is not `flag`. */
  sourceKey?: string;
  /** The value is a secret (a token, a password): outputs print it masked (model/secrets.ts). */
  secret?: boolean;
}

/** A hostPath volume mounted into a static pod. */
export interface Mount {
  containerPath: string;
  hostPath: string;
}

export interface Component {
  kind: ComponentKind;
  host: string;
  source: ComponentSource;
  /** The file that defines the component (static pod, unit, env file, cmdline). */
  definedAt: SourceLocation;
  /** Where its flags are written (a static pod's command, a unit's ExecStart): where a missing flag belongs. */
  flagsAt?: SourceLocation;
  /** Binary name for container runtimes (containerd, crio, dockerd). */
  binary?: string;
  /** Effective settings, in order; for repeated flags every occurrence is kept. */
  settings: Setting[];
  /** Version from the image tag of a static pod (e.g. 1.29.3), when known. */
  version?: string;
  /** Where the version comes from (a static pod's image line, a snapshot manifest). */
  versionAt?: SourceLocation;
  image?: string;
  /** Static pods only: hostPath mounts, used to map in-container paths to host paths. */
  mounts: Mount[];
  /**
   * A live component (source 'live') whose every setting is known, so a setting it lacks
   * has its zero value (a kubelet read through configz). Otherwise a live component's
   * missing settings are unknown, and no default stands for them.
   */
  settingsKnown?: boolean;
  /**
   * The config files its flags name and whether they were read (kubelet --config and
   * --config-dir drop-ins, kube-proxy --config, etcd --config-file): a setting that is
   * not on the command line is unknown, not a default, when one of them was not read.
   */
  configSources?: ConfigSource[];
  /** systemd units only: [Service] directives that restrict the process (IPAddressDeny=…), in file order (systemd adds up their lists; an empty one resets). */
  serviceDirectives?: Setting[];
  /**
   * What runs now, when it was seen: the running process (its command line and, for etcd,
   * its ETCD_* environment) or a manifest the distribution generates from the definition
   * at each start (RKE2's pod manifests). Rules judge `settings` (what the definition will
   * run); component/restart-pending compares the two.
   */
  running?: RunningState;
  /** Certificates this component's distribution renews itself (k3s and RKE2 at start), so the kubelet's own rotation is not needed. */
  certificatesRenewedBy?: string;
  /**
   * Settings the sources cannot show (etcd-manager generates etcd's membership when it
   * starts it): rules leave them unjudged, and the scan says so in `unknowns`.
   */
  unknownSettings?: string[];
}

/** A config file a component reads, as the collector found it. */
export interface ConfigSource {
  /** The flag that names it (`config`, `config-dir`, `config-file`). */
  setting: string;
  hostPath: string;
  /** Where the flag is written. */
  at: SourceLocation;
  /** read: its settings are in `settings`; missing: not in the scanned files; invalid: not the expected kind, or not YAML. */
  state: 'read' | 'missing' | 'invalid';
}

/** A component as it runs now: a process, or a manifest generated at the last start. */
export interface RunningState {
  source: 'process' | 'generated';
  at: SourceLocation;
  /** Command-line flags and, for etcd, ETCD_* variables (origin `env`). */
  settings: Setting[];
  pid?: number;
}

export type KeyAlgorithm = 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** RSA modulus length or EC curve size in bits. */
  bits?: number;
  /** Named curve for EC keys (prime256v1, secp384r1). */
  curve?: string;
  /** sha256 of the SubjectPublicKeyInfo DER, hex: identifies a key pair. */
  fingerprint: string;
}

export interface Certificate {
  host: string;
  /** Absolute path inside the host (e.g. /etc/kubernetes/pki/ca.crt), or a kubeconfig path plus field. */
  hostPath: string;
  at: SourceLocation;
  /** Position in a bundle (0 for the first certificate of a file). */
  indexInFile: number;
  /** Where the certificate is embedded, when not in a PEM file of its own. */
  embeddedIn?: 'kubeconfig';
  subject: string;
  commonName: string;
  organizations: string[];
  issuer: string;
  serialNumber: string;
  /** sha256 of the DER certificate, hex. */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  /** keyUsage bits by name (digitalSignature, keyEncipherment, keyCertSign…); undefined when the extension is absent. */
  keyUsage?: string[];
  /** extendedKeyUsage by name (serverAuth, clientAuth…); undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  isCA: boolean;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** File mode (e.g. 0o644) when known. */
  mode?: number;
  /** The DER bytes: public data, kept so rules can verify signatures. */
  der: Buffer;
  /**
   * The host path of the file that replaced this one: a rotated kubelet certificate
   * (`kubelet-client-2024-….pem`) that `kubelet-client-current.pem` no longer points at
   * is history, kept by the kubelet, used by nothing.
   */
  supersededBy?: string;
}

export type KeyFormat = 'pkcs1' | 'pkcs8' | 'sec1' | 'pkcs8-encrypted' | 'public';

/** A key file. Private key material is never kept: only what identifies the pair. */
export interface KeyFile {
  host: string;
  hostPath: string;
  at: SourceLocation;
  format: KeyFormat;
  isPrivate: boolean;
  /** Undefined for encrypted keys, whose public half cannot be read. */
  publicKey?: PublicKeyInfo;
  mode?: number;
  embeddedIn?: 'kubeconfig';
  /** The public half that `kaudit collect` left in place of a private key: it stands for it. */
  publicHalfOnly?: boolean;
}

export type FilePurpose = 'cert' | 'key' | 'ca' | 'kubeconfig' | 'config';

/** A path that a flag, a config field or a kubeconfig names. */
export interface FileReference {
  host: string;
  /** The component whose setting names the file, when one does. */
  owner?: Component;
  /** The setting (flag name) or kubeconfig field that names the file. */
  setting: string;
  purpose: FilePurpose;
  /** The path as written. */
  written: string;
  /** The path on the host after mapping through hostPath mounts. */
  hostPath: string;
  /** False when a static pod's path is not under any hostPath mount. */
  mounted: boolean;
  exists: boolean;
  /**
   * The file is outside what was scanned (a single manifest or a folder of manifests
   * names a node's path): neither present nor missing, so no rule judges its absence.
   */
  unseen?: boolean;
  at: SourceLocation;
}

export interface KubeconfigCluster {
  name: string;
  server?: string;
  /** The CA certificates (embedded, or read from certificate-authority). */
  caHostPath?: string;
  at: SourceLocation;
}

export interface KubeconfigUser {
  name: string;
  /** The client certificate's host path (embedded ones get a synthetic `#users/NAME` path). */
  certHostPath?: string;
  keyHostPath?: string;
  hasToken: boolean;
  /** The public id of a bootstrap token (`abcdef` of `abcdef.0123456789abcdef`); the secret half is never kept. */
  tokenId?: string;
  hasBasicAuth: boolean;
  at: SourceLocation;
}

export interface Kubeconfig {
  host: string;
  hostPath: string;
  at: SourceLocation;
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  /** The component that uses this kubeconfig (by flag, or by kubeadm's file names). */
  usedBy?: ComponentKind;
  /** The kubeconfig's own references to certificate, key and CA files (embedded ones included). */
  refs: FileReference[];
}

/** A YAML/JSON document with its text positions, for rules over manifests and configs. */
export interface Manifest {
  host: string;
  hostPath: string;
  at: SourceLocation;
  kind?: string;
  apiVersion?: string;
  name?: string;
  /** Plain data of the document. */
  data: unknown;
  /** Line of each dotted path (`metadata.labels.app`, `spec.containers.0.image`). */
  lines: Map<string, number>;
}

export interface CniConfig {
  host: string;
  hostPath: string;
  at: SourceLocation;
  fileName: string;
  /** Parsed JSON, or undefined with `error` set. */
  data?: unknown;
  error?: string;
}

export interface Route {
  host: string;
  iface: string;
  /** CIDR, e.g. 10.32.0.0/24 or fd00::/64. */
  destination: string;
  gateway?: string;
  family: 4 | 6;
  at: SourceLocation;
}

/** One endpoint of a live etcd cluster, as it answered (or did not). */
export interface LiveEtcdEndpoint {
  url: string;
  reachable: boolean;
  error?: string;
  healthy?: boolean;
  version?: string;
  memberId?: string;
  leader?: string;
  at: SourceLocation;
}

export interface LiveEtcdMember {
  id: string;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
}

export interface LiveEtcd {
  endpoints: LiveEtcdEndpoint[];
  members: LiveEtcdMember[];
  at: SourceLocation;
  /** Why no member list could be read. */
  error?: string;
  /** Secrets under /registry/secrets/ (undefined when they could not be read: an unknown says why). */
  secrets?: LiveEtcdSecret[];
}

export interface LiveKube {
  /** The API server's URL. */
  server: string;
  nodes: number;
  pods: number;
  /** Scheduler names the pods ask for, with one pod (namespace/name) as an example. */
  schedulerNames: Map<string, string>;
  /** Bootstrap token Secrets: name and expiry only (the token is never read into the model). */
  bootstrapTokens: LiveBootstrapToken[];
  /** Addresses of the `kubernetes` Service endpoints. */
  endpoints: string[];
  workloads: string[];
  /** NetworkPolicy objects in the cluster (undefined when they could not be listed). */
  networkPolicies?: { count: number; examples: string[] };
  /** RBAC objects; a list that could not be read stays undefined (an unknown says why). */
  rbac: { roles?: LiveRole[]; clusterRoles?: LiveRole[]; roleBindings?: LiveBinding[]; clusterRoleBindings?: LiveBinding[] };
  serviceAccounts?: LiveServiceAccount[];
  namespaces?: LiveNamespace[];
  /** Pods, one entry per controller (and per spec of the facts the rules read): memory grows with workloads, not pods. */
  workloadPods?: LivePodGroup[];
}

export interface LiveBootstrapToken {
  /** Secret name, `bootstrap-token-<id>` (the id is public; the secret half is never read). */
  name: string;
  expiration?: string;
  at: SourceLocation;
}

/** One rule of a Role or ClusterRole. */
export interface LiveRbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{ key: string; operator: string; values: string[] }>;
}

export interface LiveRole {
  kind: 'Role' | 'ClusterRole';
  /** Undefined for a ClusterRole. */
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  rules: LiveRbacRule[];
  /** A ClusterRole's aggregationRule: its rules are those of the ClusterRoles these select. */
  aggregation?: LabelSelector[];
  at: SourceLocation;
}

export interface LiveSubject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
}

export interface LiveBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  roleRef: { kind: string; name: string };
  subjects: LiveSubject[];
  at: SourceLocation;
}

export interface LiveServiceAccount {
  namespace: string;
  name: string;
  /** automountServiceAccountToken, when set. */
  automount?: boolean;
  at: SourceLocation;
}

export interface LiveNamespace {
  name: string;
  /** The Pod Security Admission labels (`pod-security.kubernetes.io/*`); other labels are not kept. */
  podSecurity: Record<string, string>;
  at: SourceLocation;
}

export interface LiveContainer {
  name: string;
  kind: 'container' | 'initContainer' | 'ephemeralContainer';
  /** securityContext.privileged, when set. */
  privileged?: boolean;
  /** securityContext.allowPrivilegeEscalation, when set. */
  allowPrivilegeEscalation?: boolean;
}

/** Pods of one controller that share the facts the rules read (or one pod without a controller). */
export interface LivePodGroup {
  namespace: string;
  /** The controller (ownerReferences with controller: true), when there is one. */
  owner?: { kind: string; name: string };
  /** One pod of the group, and how many there are. */
  pod: string;
  count: number;
  serviceAccount: string;
  /** spec.automountServiceAccountToken, when set. */
  automount?: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostNetwork: boolean;
  /** A static pod's mirror (annotation kubernetes.io/config.mirror): the kubelet mounts no token into it. */
  mirror: boolean;
  priorityClassName?: string;
  containers: LiveContainer[];
  /** The owner's URL when there is an owner, else the pod's. */
  at: SourceLocation;
}

/**
 * Weave Net as it runs somewhere: a DaemonSet (in a manifest file or the live API) or a
 * systemd unit that launches the router. Only where its password is set is kept, never
 * the password itself.
 */
export interface WeaveNet {
  source: 'manifest' | 'live' | 'systemd';
  host: string;
  /** `kube-system/weave-net`, or the unit name. */
  name: string;
  /** The DaemonSet document, the live object's URL, or the unit file. */
  at: SourceLocation;
  /** Where the encryption password is set (`WEAVE_PASSWORD` or `--password`); absent when traffic is not encrypted. */
  password?: { how: string; at: SourceLocation };
  /** Kubernetes only (weave-npc runs beside the router in the pod): the controller and what turns it off. */
  npc?: { container: boolean; disabledBy: Array<{ how: string; at: SourceLocation }> };
  /** The router container of a DaemonSet: its dotted path in the manifest document, its index in the pod template. */
  container?: { name: string; path: string; index: number; image?: string; at: SourceLocation };
  /** The manifest of a DaemonSet file (for fixes), and the dotted path of the DaemonSet in it ('' or `items.N.`). */
  manifest?: Manifest;
  prefix?: string;
  /** A unit's host path (for fixes). */
  unitPath?: string;
}

/** What a live etcd holds under /registry/secrets/: each Secret's key and the provider its value starts with. */
export interface LiveEtcdSecret {
  /** `/registry/secrets/<namespace>/<name>`. */
  key: string;
  /** `aescbc:v1:key1` from a `k8s:enc:aescbc:v1:key1:` prefix; undefined when the value is stored in plaintext. */
  encryptedWith?: string;
  at: SourceLocation;
}

export interface SourceError {
  source: 'kubernetes' | 'etcd';
  message: string;
  at: SourceLocation;
}

/** An inline suppression: a `# kaudit-ignore RULE: reason` comment, or a `kaudit.io/ignore` annotation. */
export interface Suppression {
  rules: string[];
  reason: string;
  /** Where it is written. */
  at: SourceLocation;
  /** The lines it covers in its file: the line after a comment, a whole document for an annotation. */
  fromLine: number;
  toLine: number;
  /** A `.kaudit.yaml` ignore is located in that file (`root` -1, `file` its path). */
  kind: 'comment' | 'annotation' | 'config';
}

/** A systemd-networkd .network file and the interfaces it matches. */
export interface NetworkFile {
  host: string;
  hostPath: string;
  at: SourceLocation;
  /** [Match] Name= patterns. */
  matchNames: string[];
}

export interface Process {
  host: string;
  pid: number;
  argv: string[];
  at: SourceLocation;
  /**
   * The variables of proc/<pid>/environ that configure a component (ETCD_*, K3S_*, RKE2_*),
   * read only for processes that are components; every other variable is left unread.
   */
  env?: Array<{ name: string; value: string; secret?: boolean }>;
  envAt?: SourceLocation;
}

/** What is known of a file or folder beyond its contents: mode and owner, where known. */
export interface FileFacts {
  host: string;
  hostPath: string;
  isDirectory: boolean;
  /** Permission bits (0o600); undefined when the host's modes are not known. */
  mode?: number;
  /** "user:group" names (numeric "0:0" when no name is known); undefined when owners are not known. */
  owner?: string;
  at: SourceLocation;
}

/**
 * What a source could not show. Unknown is not absent: it never becomes a finding
 * under a rule's own ID; it is said once per source and cause.
 */
export interface Unknown {
  /** What could not be judged ("kubelet settings of node worker-1"). */
  what: string;
  /** Why ("GET /api/v1/nodes/worker-1/proxy/configz answered 403"). */
  why: string;
  /** What would supply it ("the nodes/proxy permission, or a node scan"). */
  supply: string;
  /** The source it concerns: a live URL (root -1), or a host's file. */
  at?: SourceLocation;
  /** Rules or CIS controls left unjudged by it. */
  affects?: string[];
}

export interface Diagnostic {
  level: 'warning' | 'error';
  /** Host and file the problem concerns, relative to the scan root (absent for argument errors). */
  at?: SourceLocation;
  message: string;
}

/** The layouts kaudit reads (src/collectors/layouts). */
export type DistributionName = 'kubeadm' | 'kubernetes-the-hard-way' | 'kubespray' | 'k3s' | 'rke2' | 'kops';

/** What a host runs, as its files tell: the distribution that laid it out, its version and the node's role. */
export interface HostDistribution {
  name: DistributionName;
  /** As the distribution names its releases (`v1.31.4+k3s1`, `v1.29.3`); undefined when no file says. */
  version?: string;
  versionAt?: SourceLocation;
  /** `server`/`agent` for k3s and RKE2, `control-plane`/`worker`/`etcd` for the others; undefined when not known. */
  role?: 'server' | 'agent' | 'control-plane' | 'worker' | 'etcd';
  /** The file that shows the layout (its config file, unit or manifest). */
  evidence: SourceLocation;
  /**
   * The distribution's own settings (k3s and RKE2: config.yaml, its drop-ins and the unit's
   * arguments merged as the distribution merges them), secret values marked.
   */
  settings: Setting[];
}

export interface Host {
  name: string;
  root: number;
  /** The host root folder relative to its scan root ('' when the scan root is the host root). */
  prefix: string;
  /** Where file modes come from: the file system, a snapshot's manifest, or unknown. */
  modes: 'filesystem' | 'snapshot' | 'unknown';
  /**
   * Where file owners come from: a live node's file system (uid/gid named through the
   * host's own etc/passwd and etc/group), a snapshot's manifest, or unknown (a copied
   * tree's owners are whoever copied it).
   */
  owners: 'filesystem' | 'snapshot' | 'unknown';
  /** True for loose manifest folders (not a host root). */
  loose?: boolean;
  /** A running node (`/`, or --host-root): only the folders Kubernetes uses are read. */
  live?: boolean;
  /** Every host path the collectors read (for `kaudit collect`). */
  filesRead?: Set<string>;
  /** The distribution the host's files show; undefined for loose folders and unrecognised layouts. */
  distribution?: HostDistribution;
}

export interface ScanRoot {
  /** Absolute path of a scanned PATH. */
  path: string;
  /** As given on the command line. */
  given: string;
}
