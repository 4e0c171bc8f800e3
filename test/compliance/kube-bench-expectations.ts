/**
 * The verdicts kube-bench's tests give, written by hand from its YAML (aquasecurity/kube-bench
 * at a73ce378, cfg/cis-1.12 and cfg/cis-1.11) and check/test.go — not from kaudit's tables:
 * the table-driven tests compare kaudit's verdicts with these. A failing scored control is
 * FAIL, a failing unscored one WARN (check.go: `if c.Scored … FAIL else WARN`).
 *
 * Semantics each case relies on (check/test.go):
 * - `set` defaults to true: a compare on a flag that is not written fails (must be stated);
 * - `bin_op: or` with `set: false` lets a missing flag pass ("or unset");
 * - `eq` compares booleans case-insensitively; a bare `--flag` reads as `true`;
 * - `bitmask`: (allowed & mode) == mode, i.e. "600 or more restrictive";
 * - `valid_elements`: every listed item is allowed, and the list is not empty;
 * - node checks try the kubelet command line first, then the config file (`audit_config`).
 */

export type Status = 'PASS' | 'FAIL' | 'WARN' | 'UNKNOWN' | 'N/A';
export type BenchmarkId = 'cis-1.11' | 'cis-1.12';
/** A setting's value: text, `true` for a bare flag, `null` for not written. */
export type Value = string | true | null;
export type SettingComponent = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet' | 'kube-proxy';

export interface SettingCase {
  set: Record<string, Value>;
  /** The status, or per benchmark where the two differ. */
  expect: Status | Record<BenchmarkId, Status>;
}

export interface SettingControl {
  id: string;
  component: SettingComponent;
  /** The kube-bench test followed: file, control and test items. */
  kubeBench: string;
  cases: SettingCase[];
  /** Only in these benchmarks (4.2.15 is v1.11's alone). */
  benchmarks?: BenchmarkId[];
  /** Settings no config file holds: only layouts with a command line. */
  flagOnly?: boolean;
}

const pass = (set: Record<string, Value>): SettingCase => ({ set, expect: 'PASS' });
const fail = (set: Record<string, Value>): SettingCase => ({ set, expect: 'FAIL' });
const warn = (set: Record<string, Value>): SettingCase => ({ set, expect: 'WARN' });
const differs = (set: Record<string, Value>, v111: Status, v112: Status): SettingCase => ({ set, expect: { 'cis-1.11': v111, 'cis-1.12': v112 } });

const A = 'kube-apiserver';
const CM = 'kube-controller-manager';
const S = 'kube-scheduler';
const E = 'etcd';
const K = 'kubelet';

export const SETTING_CONTROLS: SettingControl[] = [
  { id: '1.2.1', component: A, kubeBench: 'master.yaml 1.2.1: --anonymous-auth compare eq false; scored false', cases: [pass({ 'anonymous-auth': 'false' }), pass({ 'anonymous-auth': 'FALSE' }), warn({}), warn({ 'anonymous-auth': 'true' }), warn({ 'anonymous-auth': true }), warn({ 'anonymous-auth': '' })] },
  { id: '1.2.2', component: A, kubeBench: 'master.yaml 1.2.2: --token-auth-file set: false; scored', cases: [pass({}), fail({ 'token-auth-file': '/etc/kubernetes/tokens.csv' }), fail({ 'token-auth-file': '' })] },
  { id: '1.2.3', component: A, kubeBench: 'master.yaml 1.2.3: --enable-admission-plugins has DenyServiceExternalIPs; scored false', cases: [pass({ 'enable-admission-plugins': 'NodeRestriction,DenyServiceExternalIPs' }), warn({}), warn({ 'enable-admission-plugins': 'NodeRestriction' })] },
  { id: '1.2.4', component: A, kubeBench: 'master.yaml 1.2.4: --kubelet-client-certificate and --kubelet-client-key set (bin_op and); scored', cases: [pass({ 'kubelet-client-certificate': '/etc/kubernetes/pki/apiserver-kubelet-client.crt', 'kubelet-client-key': '/etc/kubernetes/pki/apiserver-kubelet-client.key' }), fail({ 'kubelet-client-certificate': '/etc/kubernetes/pki/apiserver-kubelet-client.crt' }), fail({})] },
  { id: '1.2.5', component: A, kubeBench: 'master.yaml 1.2.5: --kubelet-certificate-authority set; scored', cases: [pass({ 'kubelet-certificate-authority': '/etc/kubernetes/pki/ca.crt' }), fail({})] },
  { id: '1.2.6', component: A, kubeBench: 'master.yaml 1.2.6: --authorization-mode nothave AlwaysAllow (set: true); scored', cases: [pass({ 'authorization-mode': 'Node,RBAC' }), fail({ 'authorization-mode': 'AlwaysAllow' }), fail({ 'authorization-mode': 'RBAC,AlwaysAllow' }), fail({})] },
  { id: '1.2.7', component: A, kubeBench: 'master.yaml 1.2.7: --authorization-mode has Node; scored', cases: [pass({ 'authorization-mode': 'Node,RBAC' }), fail({ 'authorization-mode': 'RBAC' }), fail({})] },
  { id: '1.2.8', component: A, kubeBench: 'master.yaml 1.2.8: --authorization-mode has RBAC; scored', cases: [pass({ 'authorization-mode': 'Node,RBAC' }), fail({ 'authorization-mode': 'Node' }), fail({})] },
  { id: '1.2.9', component: A, kubeBench: 'master.yaml 1.2.9: --enable-admission-plugins has EventRateLimit; scored false', cases: [pass({ 'enable-admission-plugins': 'NodeRestriction,EventRateLimit' }), warn({ 'enable-admission-plugins': 'NodeRestriction' })] },
  { id: '1.2.10', component: A, kubeBench: 'master.yaml 1.2.10: --enable-admission-plugins nothave AlwaysAdmit, or not set (bin_op or); scored', cases: [pass({}), pass({ 'enable-admission-plugins': 'NodeRestriction' }), fail({ 'enable-admission-plugins': 'NodeRestriction,AlwaysAdmit' })] },
  { id: '1.2.11', component: A, kubeBench: 'master.yaml 1.2.11: --enable-admission-plugins has AlwaysPullImages; scored false', cases: [pass({ 'enable-admission-plugins': 'AlwaysPullImages' }), warn({})] },
  { id: '1.2.12', component: A, kubeBench: 'master.yaml 1.2.12: --disable-admission-plugins nothave ServiceAccount, or not set; scored', cases: [pass({}), pass({ 'disable-admission-plugins': 'PodSecurity' }), fail({ 'disable-admission-plugins': 'ServiceAccount' })] },
  { id: '1.2.13', component: A, kubeBench: 'master.yaml 1.2.13: --disable-admission-plugins nothave NamespaceLifecycle, or not set; scored', cases: [pass({}), fail({ 'disable-admission-plugins': 'NamespaceLifecycle,PodSecurity' })] },
  { id: '1.2.14', component: A, kubeBench: 'master.yaml 1.2.14: --enable-admission-plugins has NodeRestriction; scored', cases: [pass({ 'enable-admission-plugins': 'NodeRestriction' }), fail({}), fail({ 'enable-admission-plugins': 'AlwaysPullImages' })] },
  { id: '1.2.15', component: A, kubeBench: 'master.yaml 1.2.15: --profiling eq false; scored', cases: [pass({ profiling: 'false' }), fail({}), fail({ profiling: 'true' }), fail({ profiling: true })] },
  { id: '1.2.16', component: A, kubeBench: 'master.yaml 1.2.16: --audit-log-path set; scored', cases: [pass({ 'audit-log-path': '/var/log/kubernetes/audit/audit.log' }), fail({})] },
  { id: '1.2.17', component: A, kubeBench: 'master.yaml 1.2.17: --audit-log-maxage gte 30; scored', cases: [pass({ 'audit-log-maxage': '30' }), pass({ 'audit-log-maxage': '90' }), fail({ 'audit-log-maxage': '29' }), fail({ 'audit-log-maxage': 'thirty' }), fail({})] },
  { id: '1.2.18', component: A, kubeBench: 'master.yaml 1.2.18: --audit-log-maxbackup gte 10; scored', cases: [pass({ 'audit-log-maxbackup': '10' }), fail({ 'audit-log-maxbackup': '9' }), fail({})] },
  { id: '1.2.19', component: A, kubeBench: 'master.yaml 1.2.19: --audit-log-maxsize gte 100; scored', cases: [pass({ 'audit-log-maxsize': '100' }), fail({ 'audit-log-maxsize': '99' }), fail({})] },
  { id: '1.2.21', component: A, kubeBench: 'master.yaml 1.2.21: --service-account-lookup not set, or eq true (bin_op or); scored', cases: [pass({}), pass({ 'service-account-lookup': 'true' }), fail({ 'service-account-lookup': 'false' })] },
  { id: '1.2.22', component: A, kubeBench: 'master.yaml 1.2.22: --service-account-key-file set; scored', cases: [pass({ 'service-account-key-file': '/etc/kubernetes/pki/sa.pub' }), fail({})] },
  { id: '1.2.23', component: A, kubeBench: 'master.yaml 1.2.23: --etcd-certfile and --etcd-keyfile set (bin_op and); scored', cases: [pass({ 'etcd-certfile': '/etc/kubernetes/pki/apiserver-etcd-client.crt', 'etcd-keyfile': '/etc/kubernetes/pki/apiserver-etcd-client.key' }), fail({ 'etcd-keyfile': '/etc/kubernetes/pki/apiserver-etcd-client.key' })] },
  { id: '1.2.24', component: A, kubeBench: 'master.yaml 1.2.24: --tls-cert-file and --tls-private-key-file set (bin_op and); scored', cases: [pass({ 'tls-cert-file': '/etc/kubernetes/pki/apiserver.crt', 'tls-private-key-file': '/etc/kubernetes/pki/apiserver.key' }), fail({})] },
  { id: '1.2.25', component: A, kubeBench: 'master.yaml 1.2.25: --client-ca-file set; scored', cases: [pass({ 'client-ca-file': '/etc/kubernetes/pki/ca.crt' }), fail({})] },
  { id: '1.2.26', component: A, kubeBench: 'master.yaml 1.2.26: --etcd-cafile set; scored', cases: [pass({ 'etcd-cafile': '/etc/kubernetes/pki/etcd/ca.crt' }), fail({})] },
  { id: '1.2.27', component: A, kubeBench: 'master.yaml 1.2.27: --encryption-provider-config set; scored false', cases: [pass({ 'encryption-provider-config': '/etc/kubernetes/enc/encryption-config.yaml' }), warn({})] },
  {
    id: '1.2.29',
    component: A,
    kubeBench: 'master.yaml 1.2.29: --tls-cipher-suites valid_elements of the strong list (v1.11 also allows the four ECDHE *_CBC_SHA suites); scored false',
    cases: [pass({ 'tls-cipher-suites': 'TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }), warn({}), warn({ 'tls-cipher-suites': 'TLS_RSA_WITH_AES_128_CBC_SHA' }), differs({ 'tls-cipher-suites': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' }, 'PASS', 'WARN')],
  },
  { id: '1.2.30', component: A, kubeBench: 'master.yaml 1.2.30: --service-account-extend-token-expiration eq false; scored', cases: [pass({ 'service-account-extend-token-expiration': 'false' }), fail({}), fail({ 'service-account-extend-token-expiration': 'true' })] },
  { id: '1.3.1', component: CM, kubeBench: 'master.yaml 1.3.1: --terminated-pod-gc-threshold set; scored false', cases: [pass({ 'terminated-pod-gc-threshold': '10' }), warn({})] },
  { id: '1.3.2', component: CM, kubeBench: 'master.yaml 1.3.2: --profiling eq false; scored', cases: [pass({ profiling: 'false' }), fail({}), fail({ profiling: true })] },
  { id: '1.3.3', component: CM, kubeBench: 'master.yaml 1.3.3: --use-service-account-credentials noteq false (set: true); scored', cases: [pass({ 'use-service-account-credentials': 'true' }), pass({ 'use-service-account-credentials': true }), fail({ 'use-service-account-credentials': 'false' }), fail({})] },
  { id: '1.3.4', component: CM, kubeBench: 'master.yaml 1.3.4: --service-account-private-key-file set; scored', cases: [pass({ 'service-account-private-key-file': '/etc/kubernetes/pki/sa.key' }), fail({})] },
  { id: '1.3.5', component: CM, kubeBench: 'master.yaml 1.3.5: --root-ca-file set; scored', cases: [pass({ 'root-ca-file': '/etc/kubernetes/pki/ca.crt' }), fail({})] },
  { id: '1.3.6', component: CM, kubeBench: 'master.yaml 1.3.6: --feature-gates nothave RotateKubeletServerCertificate=false, or not set (bin_op or); scored', cases: [pass({}), pass({ 'feature-gates': 'RotateKubeletServerCertificate=true' }), pass({ 'feature-gates': 'SomeGate=false' }), fail({ 'feature-gates': 'RotateKubeletServerCertificate=false' }), fail({ 'feature-gates': 'SomeGate=true,RotateKubeletServerCertificate=false' })] },
  { id: '1.3.7', component: CM, kubeBench: 'master.yaml 1.3.7: --bind-address eq 127.0.0.1, or not set (bin_op or); scored', cases: [pass({}), pass({ 'bind-address': '127.0.0.1' }), fail({ 'bind-address': '0.0.0.0' })] },
  { id: '1.4.1', component: S, kubeBench: 'master.yaml 1.4.1: --profiling eq false; scored', cases: [pass({ profiling: 'false' }), fail({})] },
  { id: '1.4.2', component: S, kubeBench: 'master.yaml 1.4.2: --bind-address eq 127.0.0.1, or not set (bin_op or); scored', cases: [pass({}), pass({ 'bind-address': '127.0.0.1' }), fail({ 'bind-address': '0.0.0.0' })] },
  { id: '2.1', component: E, kubeBench: 'etcd.yaml 2.1: --cert-file and --key-file set, or ETCD_CERT_FILE, ETCD_KEY_FILE (bin_op and); scored', cases: [pass({ 'cert-file': '/etc/etcd/server.crt', 'key-file': '/etc/etcd/server.key' }), fail({ 'cert-file': '/etc/etcd/server.crt' }), fail({})] },
  { id: '2.2', component: E, kubeBench: 'etcd.yaml 2.2: --client-cert-auth (ETCD_CLIENT_CERT_AUTH) eq true; scored', cases: [pass({ 'client-cert-auth': 'true' }), pass({ 'client-cert-auth': true }), fail({}), fail({ 'client-cert-auth': 'false' })] },
  { id: '2.3', component: E, kubeBench: 'etcd.yaml 2.3: --auto-tls (ETCD_AUTO_TLS) not set, or eq false (bin_op or); scored', cases: [pass({}), pass({ 'auto-tls': 'false' }), fail({ 'auto-tls': 'true' })] },
  { id: '2.4', component: E, kubeBench: 'etcd.yaml 2.4: --peer-cert-file and --peer-key-file set (bin_op and); scored', cases: [pass({ 'peer-cert-file': '/etc/etcd/peer.crt', 'peer-key-file': '/etc/etcd/peer.key' }), fail({})] },
  { id: '2.5', component: E, kubeBench: 'etcd.yaml 2.5: --peer-client-cert-auth (ETCD_PEER_CLIENT_CERT_AUTH) eq true; scored', cases: [pass({ 'peer-client-cert-auth': 'true' }), fail({}), fail({ 'peer-client-cert-auth': 'false' })] },
  { id: '2.6', component: E, kubeBench: 'etcd.yaml 2.6: --peer-auto-tls not set, or eq false (bin_op or); scored', cases: [pass({}), pass({ 'peer-auto-tls': 'false' }), fail({ 'peer-auto-tls': 'true' })] },
  { id: '2.7', component: E, kubeBench: 'etcd.yaml 2.7: --trusted-ca-file (ETCD_TRUSTED_CA_FILE) set; scored false', cases: [pass({ 'trusted-ca-file': '/etc/etcd/ca.crt' }), warn({})] },
  { id: '4.2.1', component: K, kubeBench: 'node.yaml 4.2.1: --anonymous-auth, else {.authentication.anonymous.enabled}, eq false; scored', cases: [pass({ 'anonymous-auth': 'false' }), fail({}), fail({ 'anonymous-auth': 'true' })] },
  { id: '4.2.2', component: K, kubeBench: 'node.yaml 4.2.2: --authorization-mode, else {.authorization.mode}, nothave AlwaysAllow (set: true); scored', cases: [pass({ 'authorization-mode': 'Webhook' }), fail({ 'authorization-mode': 'AlwaysAllow' }), fail({})] },
  { id: '4.2.3', component: K, kubeBench: 'node.yaml 4.2.3: --client-ca-file, else {.authentication.x509.clientCAFile}, set; scored', cases: [pass({ 'client-ca-file': '/etc/kubernetes/pki/ca.crt' }), fail({})] },
  { id: '4.2.4', component: K, kubeBench: 'node.yaml 4.2.4: --read-only-port / {.readOnlyPort} eq 0, or not set (bin_op or); scored false', cases: [pass({}), pass({ 'read-only-port': '0' }), warn({ 'read-only-port': '10255' })] },
  { id: '4.2.5', component: K, kubeBench: 'node.yaml 4.2.5: --streaming-connection-idle-timeout / {.streamingConnectionIdleTimeout} noteq 0, or not set; scored false (kaudit: 0s is 0 too)', cases: [pass({}), pass({ 'streaming-connection-idle-timeout': '5m' }), warn({ 'streaming-connection-idle-timeout': '0' }), warn({ 'streaming-connection-idle-timeout': '0s' })] },
  { id: '4.2.6', component: K, kubeBench: 'node.yaml 4.2.6: --make-iptables-util-chains / {.makeIPTablesUtilChains} eq true, or not set; scored', cases: [pass({}), pass({ 'make-iptables-util-chains': 'true' }), fail({ 'make-iptables-util-chains': 'false' })] },
  { id: '4.2.7', component: K, flagOnly: true, kubeBench: 'node.yaml 4.2.7: --hostname-override set: false (command line only); scored false', cases: [pass({}), warn({ 'hostname-override': 'node-a.example.internal' })] },
  { id: '4.2.8', component: K, kubeBench: 'node.yaml 4.2.8: --event-qps / {.eventRecordQPS} gte 0, or not set; scored false', cases: [pass({}), pass({ 'event-qps': '0' }), pass({ 'event-qps': '5' }), warn({ 'event-qps': '-1' })] },
  { id: '4.2.9', component: K, kubeBench: 'node.yaml 4.2.9: --tls-cert-file / {.tlsCertFile} and --tls-private-key-file / {.tlsPrivateKeyFile} set; scored false', cases: [pass({ 'tls-cert-file': '/var/lib/kubelet/pki/kubelet.crt', 'tls-private-key-file': '/var/lib/kubelet/pki/kubelet.key' }), warn({ 'tls-cert-file': '/var/lib/kubelet/pki/kubelet.crt' })] },
  { id: '4.2.10', component: K, kubeBench: 'node.yaml 4.2.10: --rotate-certificates / {.rotateCertificates} eq true, or not set; scored', cases: [pass({}), pass({ 'rotate-certificates': 'true' }), fail({ 'rotate-certificates': 'false' })] },
  { id: '4.2.11', component: K, kubeBench: 'node.yaml 4.2.11: RotateKubeletServerCertificate / {.featureGates.RotateKubeletServerCertificate} nothave false, or not set; scored false', cases: [pass({}), pass({ 'feature-gates': 'RotateKubeletServerCertificate=true' }), warn({ 'feature-gates': 'RotateKubeletServerCertificate=false' })] },
  {
    id: '4.2.12',
    component: K,
    kubeBench: 'node.yaml 4.2.12: --tls-cipher-suites / {.tlsCipherSuites} valid_elements of the strong list (v1.11 also allows TLS_RSA_WITH_AES_{128,256}_GCM_*); scored false',
    cases: [pass({ 'tls-cipher-suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' }), warn({}), warn({ 'tls-cipher-suites': 'TLS_RSA_WITH_AES_128_CBC_SHA' }), differs({ 'tls-cipher-suites': 'TLS_RSA_WITH_AES_128_GCM_SHA256' }, 'PASS', 'WARN')],
  },
  { id: '4.2.13', component: K, kubeBench: 'node.yaml 4.2.13: --pod-max-pids / {.podPidsLimit} set; scored false', cases: [pass({ 'pod-max-pids': '4096' }), warn({})] },
  { id: '4.2.14', component: K, kubeBench: 'node.yaml 4.2.14: --seccomp-default / {.seccompDefault} set (any value); scored false', cases: [pass({ 'seccomp-default': 'true' }), pass({ 'seccomp-default': 'false' }), warn({})] },
  { id: '4.3.1', component: 'kube-proxy', kubeBench: 'node.yaml 4.3.1: --metrics-bind-address / {.metricsBindAddress} has 127.0.0.1, or not set (bin_op or); scored', cases: [pass({}), pass({ 'metrics-bind-address': '127.0.0.1:10249' }), fail({ 'metrics-bind-address': '0.0.0.0:10249' })] },
];

/** The kubelet flag given, the config file saying otherwise: the command line wins (check.go tries the audit command first). */
export const KUBELET_PRECEDENCE: Array<{ id: string; flag: Record<string, string>; config: Record<string, string>; expect: Status; kubeBench: string }> = [
  { id: '4.2.1', flag: { 'anonymous-auth': 'false' }, config: { 'anonymous-auth': 'true' }, expect: 'PASS', kubeBench: 'node.yaml 4.2.1: audit (ps) before audit_config' },
  { id: '4.2.1', flag: { 'anonymous-auth': 'true' }, config: { 'anonymous-auth': 'false' }, expect: 'FAIL', kubeBench: 'node.yaml 4.2.1: audit (ps) before audit_config' },
  { id: '4.2.4', flag: { 'read-only-port': '10255' }, config: { 'read-only-port': '0' }, expect: 'WARN', kubeBench: 'node.yaml 4.2.4: audit (ps) before audit_config' },
  { id: '4.2.10', flag: { 'rotate-certificates': 'true' }, config: { 'rotate-certificates': 'false' }, expect: 'PASS', kubeBench: 'node.yaml 4.2.10: audit (ps) before audit_config' },
];

export type FileCase = { mode?: number; owner?: string; expect: Status };

/** File controls: the target is written with a mode (and, with owner data, an owner). */
export interface FileControl {
  id: string;
  kubeBench: string;
  /** Which file the test writes (see fileTargets in the test). */
  target: string;
  cases: FileCase[];
}

export const FILE_CONTROLS: FileControl[] = [
  { id: '1.1.1', target: 'apiserver-definition', kubeBench: 'master.yaml 1.1.1: stat $apiserverconf, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o400, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }, { mode: 0o700, expect: 'FAIL' }] },
  { id: '1.1.2', target: 'apiserver-definition', kubeBench: 'master.yaml 1.1.2: stat %U:%G $apiserverconf, root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: '0:0', expect: 'PASS' }, { owner: 'kube:kube', expect: 'FAIL' }, { expect: 'UNKNOWN' }] },
  { id: '1.1.3', target: 'controller-manager-definition', kubeBench: 'master.yaml 1.1.3: bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o640, expect: 'FAIL' }] },
  { id: '1.1.4', target: 'controller-manager-definition', kubeBench: 'master.yaml 1.1.4: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'root:kube', expect: 'FAIL' }] },
  { id: '1.1.5', target: 'scheduler-definition', kubeBench: 'master.yaml 1.1.5: bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '1.1.6', target: 'scheduler-definition', kubeBench: 'master.yaml 1.1.6: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kube:root', expect: 'FAIL' }] },
  { id: '1.1.7', target: 'etcd-definition', kubeBench: 'master.yaml 1.1.7: bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '1.1.8', target: 'etcd-definition', kubeBench: 'master.yaml 1.1.8: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'etcd:etcd', expect: 'FAIL' }] },
  { id: '1.1.9', target: 'cni-file', kubeBench: 'master.yaml 1.1.9: find /var/lib/cni/networks -type f, bitmask 600; scored false', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'WARN' }] },
  { id: '1.1.10', target: 'cni-file', kubeBench: 'master.yaml 1.1.10: root:root; scored false', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'cni:cni', expect: 'WARN' }] },
  { id: '1.1.11', target: 'etcd-data-dir', kubeBench: 'master.yaml 1.1.11: stat the --data-dir folder, bitmask 700; scored', cases: [{ mode: 0o700, expect: 'PASS' }, { mode: 0o750, expect: 'FAIL' }] },
  { id: '1.1.12', target: 'etcd-data-dir', kubeBench: 'master.yaml 1.1.12: stat %U:%G of the --data-dir folder, etcd:etcd; scored', cases: [{ owner: 'etcd:etcd', expect: 'PASS' }, { owner: 'root:root', expect: 'FAIL' }] },
  { id: '1.1.13', target: 'admin-conf', kubeBench: 'master.yaml 1.1.13: admin.conf and super-admin.conf if present, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '1.1.14', target: 'admin-conf', kubeBench: 'master.yaml 1.1.14: ownership eq root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'admin:admin', expect: 'FAIL' }] },
  { id: '1.1.15', target: 'scheduler-kubeconfig', kubeBench: 'master.yaml 1.1.15: $schedulerkubeconfig, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '1.1.16', target: 'scheduler-kubeconfig', kubeBench: 'master.yaml 1.1.16: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kube:kube', expect: 'FAIL' }] },
  { id: '1.1.17', target: 'controller-manager-kubeconfig', kubeBench: 'master.yaml 1.1.17: $controllermanagerkubeconfig, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o604, expect: 'FAIL' }] },
  { id: '1.1.18', target: 'controller-manager-kubeconfig', kubeBench: 'master.yaml 1.1.18: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kube:kube', expect: 'FAIL' }] },
  { id: '1.1.19', target: 'pki-folder', kubeBench: 'master.yaml 1.1.19: find /etc/kubernetes/pki/ | stat %U:%G, each root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kube:root', expect: 'FAIL' }] },
  { id: '1.1.20', target: 'pki-cert', kubeBench: 'master.yaml 1.1.20: find /etc/kubernetes/pki/ -name *.crt, bitmask 644; scored false', cases: [{ mode: 0o644, expect: 'PASS' }, { mode: 0o444, expect: 'PASS' }, { mode: 0o664, expect: 'WARN' }] },
  { id: '1.1.21', target: 'pki-key', kubeBench: 'master.yaml 1.1.21: find /etc/kubernetes/pki/ -name *.key, bitmask 600; scored false', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o640, expect: 'WARN' }, { mode: 0o700, expect: 'WARN' }] },
  { id: '4.1.1', target: 'kubelet-unit', kubeBench: 'node.yaml 4.1.1: $kubeletsvc, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '4.1.2', target: 'kubelet-unit', kubeBench: 'node.yaml 4.1.2: $kubeletsvc root:root, or "File not found" (bin_op or); scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kubelet:root', expect: 'FAIL' }] },
  { id: '4.1.3', target: 'proxy-kubeconfig', kubeBench: 'node.yaml 4.1.3: $proxykubeconfig if present, bitmask 600; scored false', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'WARN' }] },
  { id: '4.1.4', target: 'proxy-kubeconfig', kubeBench: 'node.yaml 4.1.4: $proxykubeconfig if present, root:root; scored false', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'proxy:proxy', expect: 'WARN' }] },
  { id: '4.1.5', target: 'kubelet-kubeconfig', kubeBench: 'node.yaml 4.1.5: $kubeletkubeconfig, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o660, expect: 'FAIL' }] },
  { id: '4.1.6', target: 'kubelet-kubeconfig', kubeBench: 'node.yaml 4.1.6: root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kubelet:kubelet', expect: 'FAIL' }] },
  { id: '4.1.7', target: 'kubelet-client-ca', kubeBench: 'node.yaml 4.1.7: the --client-ca-file (else $kubeletcafile), bitmask 644; scored false', cases: [{ mode: 0o644, expect: 'PASS' }, { mode: 0o666, expect: 'WARN' }] },
  { id: '4.1.8', target: 'kubelet-client-ca', kubeBench: 'node.yaml 4.1.8: root:root; scored false', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kubelet:root', expect: 'WARN' }] },
  { id: '4.1.9', target: 'kubelet-config', kubeBench: 'node.yaml 4.1.9: $kubeletconf, bitmask 600; scored', cases: [{ mode: 0o600, expect: 'PASS' }, { mode: 0o644, expect: 'FAIL' }] },
  { id: '4.1.10', target: 'kubelet-config', kubeBench: 'node.yaml 4.1.10: $kubeletconf root:root; scored', cases: [{ owner: 'root:root', expect: 'PASS' }, { owner: 'kubelet:kubelet', expect: 'FAIL' }] },
];
