/**
 * The rules that only the benchmark judges: one stable, descriptive ID per concern (never
 * a control number, which moves between benchmark versions). Their level follows CIS:
 * `error` when a control they report is scored (CIS: Automated), else `warning`. They run
 * only when a benchmark is asked for (`--benchmark`, `benchmark:` in .kaudit.yaml).
 */
export interface BenchmarkRuleInfo {
  id: string;
  title: string;
  /** One sentence: why it matters. */
  why: string;
}

export const BENCHMARK_RULE_INFO: readonly BenchmarkRuleInfo[] = [
  { id: 'files/manifest-permissions', title: 'Control-plane definition file is open to other users', why: 'Whoever can write a static pod manifest or unit runs code as the control plane; whoever can read it learns its flags and file paths.' },
  { id: 'files/manifest-ownership', title: 'Control-plane definition file is not owned by root', why: 'The owner of a static pod manifest or unit can change what the control plane runs.' },
  { id: 'files/cni-permissions', title: 'CNI configuration or state file is open to other users', why: 'CNI files decide how pods reach the network; a user who can change them can intercept or break pod traffic.' },
  { id: 'files/cni-ownership', title: 'CNI configuration or state file is not owned by root', why: 'The owner of a CNI file can change how pods reach the network.' },
  { id: 'files/etcd-data-permissions', title: 'etcd data folder is open to other users', why: 'etcd keeps every object of the cluster, Secrets included, in its data folder.' },
  { id: 'files/etcd-data-ownership', title: 'etcd data folder is not owned by etcd', why: 'The etcd data folder holds every object of the cluster and must belong to the account etcd runs as.' },
  { id: 'files/kubeconfig-permissions', title: 'Kubeconfig with cluster credentials is open to other users', why: 'A kubeconfig holds a credential: anyone who reads admin.conf, scheduler.conf, controller-manager.conf or the kubelet kubeconfig acts with its rights.' },
  { id: 'files/kubeconfig-ownership', title: 'Kubeconfig with cluster credentials is not owned by root', why: 'The owner of a kubeconfig holds its credential and can replace it.' },
  { id: 'files/pki-ownership', title: 'Kubernetes PKI folder or file is not owned by root', why: 'The PKI folder holds the CA keys: its owner can mint any identity in the cluster.' },
  { id: 'files/pki-cert-permissions', title: 'PKI certificate file is writable beyond its owner', why: 'A certificate another user can replace (a CA bundle above all) changes whom the components trust.' },
  { id: 'files/kubelet-service-permissions', title: 'kubelet service file is open to other users', why: "Whoever can write the kubelet's unit chooses its flags, and the kubelet runs as root on every node." },
  { id: 'files/kubelet-service-ownership', title: 'kubelet service file is not owned by root', why: "The owner of the kubelet's unit chooses how the kubelet runs." },
  { id: 'files/kube-proxy-kubeconfig-permissions', title: "kube-proxy's kubeconfig is open to other users", why: "kube-proxy's kubeconfig holds its credential to the API." },
  { id: 'files/kube-proxy-kubeconfig-ownership', title: "kube-proxy's kubeconfig is not owned by root", why: "The owner of kube-proxy's kubeconfig holds its credential." },
  { id: 'files/client-ca-permissions', title: "The kubelet's client CA file is writable beyond its owner", why: 'Whoever can replace the client CA file decides which client certificates the kubelet accepts.' },
  { id: 'files/client-ca-ownership', title: "The kubelet's client CA file is not owned by root", why: 'The owner of the client CA file decides which client certificates the kubelet accepts.' },
  { id: 'files/kubelet-config-permissions', title: "The kubelet's config file is open to other users", why: "The KubeletConfiguration sets the kubelet's authentication, authorization and TLS." },
  { id: 'files/kubelet-config-ownership', title: "The kubelet's config file is not owned by root", why: "The owner of the KubeletConfiguration sets the kubelet's authentication and authorization." },
  { id: 'apiserver/admission-plugin-missing', title: 'A recommended admission plugin is not enabled', why: 'DenyServiceExternalIPs, EventRateLimit and AlwaysPullImages close known abuses: hijacked external IPs, event floods, and images pulled by one tenant being used by another.' },
  { id: 'apiserver/node-restriction-missing', title: 'NodeRestriction admission plugin is not enabled', why: 'Without NodeRestriction a kubelet may change other nodes and pods bound to them, so one compromised node reaches the rest.' },
  { id: 'apiserver/always-admit-enabled', title: 'AlwaysAdmit admission plugin is enabled', why: 'AlwaysAdmit admits every request, whatever the other admission plugins would decide.' },
  { id: 'apiserver/admission-plugin-disabled', title: 'A required admission plugin is disabled', why: 'ServiceAccount and NamespaceLifecycle keep pods to their service accounts and objects out of namespaces that are being deleted.' },
  { id: 'apiserver/no-kubelet-client-cert', title: 'The apiserver presents no client certificate to kubelets', why: 'Without a client certificate the apiserver cannot authenticate to kubelets that require one, or kubelets must accept anonymous calls.' },
  { id: 'apiserver/kubelet-certs-unverified', title: "The apiserver does not verify kubelets' serving certificates", why: 'Without --kubelet-certificate-authority, exec, logs and port-forward go to whatever answers at a node address.' },
  { id: 'apiserver/no-node-authorizer', title: 'The Node authorizer is not enabled', why: 'The Node authorizer limits each kubelet to the objects of its own pods; without it kubelets need broad RBAC grants.' },
  { id: 'apiserver/profiling-enabled', title: 'The apiserver serves profiling endpoints', why: '/debug/pprof shows program internals and can be used to load the apiserver; it is not needed in production.' },
  { id: 'apiserver/no-audit-log', title: 'The apiserver writes no audit log', why: 'Without an audit log no one can tell afterwards who did what in the cluster.' },
  { id: 'apiserver/short-audit-log-retention', title: 'Audit logs are not kept long enough', why: 'Audit logs rotated away after a few days or files cannot serve an investigation.' },
  { id: 'apiserver/service-account-lookup-disabled', title: 'Service account tokens are not checked against etcd', why: 'Without the lookup, tokens of deleted service accounts stay valid until they expire.' },
  { id: 'apiserver/no-service-account-key', title: 'The apiserver names no key to verify service account tokens', why: 'Service account tokens must be verified against an explicit key that can be rotated.' },
  { id: 'apiserver/no-etcd-client-cert', title: 'The apiserver presents no client certificate to etcd', why: 'etcd must authenticate the apiserver; without a client certificate it cannot require client certificates at all.' },
  { id: 'apiserver/no-serving-cert', title: 'The apiserver has no explicit serving certificate', why: 'Without --tls-cert-file the apiserver serves a self-signed certificate that clients cannot verify.' },
  { id: 'apiserver/no-client-ca', title: 'The apiserver authenticates no client certificates', why: 'Without --client-ca-file, components and users cannot authenticate with certificates.' },
  { id: 'apiserver/etcd-cert-unverified', title: "The apiserver does not verify etcd's certificate", why: "Without --etcd-cafile the apiserver cannot tell etcd from an impostor holding the cluster's data." },
  { id: 'apiserver/weak-tls-ciphers', title: 'The apiserver offers TLS cipher suites outside the strong list', why: 'Cipher suites without forward secrecy or with CBC modes weaken every connection to the API.' },
  { id: 'apiserver/service-account-token-extension', title: 'Projected service account tokens are extended to a year', why: 'With --service-account-extend-token-expiration, a stolen projected token stays valid for a year instead of an hour.' },
  { id: 'apiserver/no-audit-policy', title: 'The apiserver has no audit policy', why: 'Without an audit policy the apiserver records no audit events, whatever log it is given.' },
  { id: 'controller-manager/no-terminated-pod-gc-threshold', title: 'Terminated pods are collected only at the default threshold', why: 'With the default of 12500 terminated pods kept, a busy cluster keeps dead pods long enough to slow the apiserver and etcd.' },
  { id: 'controller-manager/profiling-enabled', title: 'The controller-manager serves profiling endpoints', why: '/debug/pprof shows program internals and is not needed in production.' },
  { id: 'controller-manager/shared-service-account-credentials', title: 'Controllers share the controller-manager credential', why: 'Without --use-service-account-credentials every controller acts with the union of all their rights.' },
  { id: 'controller-manager/no-service-account-key', title: 'The controller-manager names no service account signing key', why: 'Service account tokens must be signed with an explicit key that the apiserver verifies and that can be rotated.' },
  { id: 'controller-manager/no-root-ca', title: 'Service accounts get no root CA bundle', why: "Without --root-ca-file, pods cannot verify the apiserver's certificate." },
  { id: 'controller-manager/server-cert-rotation-disabled', title: 'Kubelet serving certificate rotation is turned off on the controller-manager', why: 'With RotateKubeletServerCertificate=false kubelets keep serving certificates until they expire.' },
  { id: 'controller-manager/non-local-bind-address', title: 'The controller-manager serves beyond localhost', why: 'Its health and metrics endpoints need not be reachable from the network.' },
  { id: 'scheduler/profiling-enabled', title: 'The scheduler serves profiling endpoints', why: '/debug/pprof shows program internals and is not needed in production.' },
  { id: 'scheduler/non-local-bind-address', title: 'The scheduler serves beyond localhost', why: 'Its health and metrics endpoints need not be reachable from the network.' },
  { id: 'etcd/no-client-tls-cert', title: 'etcd serves clients without a certificate of its own', why: "Without --cert-file and --key-file etcd's clients talk to it in plaintext or cannot verify it." },
  { id: 'etcd/no-peer-tls-cert', title: 'etcd members talk to each other without certificates', why: 'Without peer certificates, replication between members crosses the network unauthenticated.' },
  { id: 'etcd/no-trusted-ca', title: 'etcd names no CA for its clients', why: 'etcd must verify client certificates against a CA of its own, not trust everything.' },
  { id: 'kubelet/no-client-ca', title: 'The kubelet authenticates no client certificates', why: 'Without a client CA the kubelet cannot authenticate the apiserver, and its API falls back to other authenticators.' },
  { id: 'kubelet/read-only-port', title: 'The kubelet serves its read-only port', why: 'The read-only port (10255) serves pod and node data without authentication.' },
  { id: 'kubelet/no-streaming-timeout', title: 'Kubelet streaming connections never time out', why: 'Idle exec and port-forward connections left open forever exhaust the node and keep access alive.' },
  { id: 'kubelet/iptables-util-chains-off', title: 'The kubelet does not manage its iptables chains', why: 'Without its utility chains the kubelet cannot keep the iptables rules pods rely on in order.' },
  { id: 'kubelet/hostname-override', title: 'The kubelet overrides its host name', why: 'A node registered under another name than its host name breaks TLS verification of the kubelet and misleads operators.' },
  { id: 'kubelet/event-record-qps', title: 'The kubelet event rate is set below zero', why: 'A bad event rate makes the kubelet drop the events that explain what happens on the node.' },
  { id: 'kubelet/no-serving-cert', title: 'The kubelet has no explicit serving certificate', why: 'A self-signed kubelet serving certificate cannot be verified by the apiserver.' },
  { id: 'kubelet/server-cert-rotation-disabled', title: 'Kubelet serving certificate rotation is turned off', why: 'With RotateKubeletServerCertificate=false the kubelet keeps its serving certificate until it expires.' },
  { id: 'kubelet/weak-tls-ciphers', title: 'The kubelet offers TLS cipher suites outside the strong list', why: "Without an explicit strong list the kubelet offers Go's defaults, weaker suites included." },
  { id: 'kubelet/no-pod-pids-limit', title: 'Pods have no PID limit', why: 'One pod that forks without limit exhausts the PIDs of the whole node.' },
  { id: 'kubelet/no-seccomp-default', title: 'The kubelet does not state its default seccomp profile', why: 'With seccompDefault on, every container gets the RuntimeDefault seccomp profile unless it asks otherwise.' },
  { id: 'kubelet/no-ip-address-deny', title: "The kubelet's unit does not deny IP addresses by default", why: "systemd's IPAddressDeny=any with an allow list keeps the kubelet's ports from anyone not on it." },
  { id: 'kube-proxy/metrics-not-local', title: 'kube-proxy serves metrics beyond localhost', why: "kube-proxy's metrics show the services and endpoints of the cluster to anyone who reaches the node." },
];

export function benchmarkRuleInfo(id: string): BenchmarkRuleInfo | undefined {
  return BENCHMARK_RULE_INFO.find((r) => r.id === id);
}
