/**
 * The flags k3s and RKE2 give the components they start, before any `<component>-arg`
 * of the operator (which replace them flag by flag). Each row names the document that
 * shows it; rules-docs/distribution-defaults.md lists them.
 *
 * Values may hold placeholders: `{data}` (/var/lib/rancher/<program>), `{config}`
 * (/etc/rancher/<program>), `{program}`, and `{option}` for a distribution option
 * (`{service-cidr}`), resolved from config.yaml or the option's default below. A row whose
 * placeholders cannot be resolved (a node IP that no file names) is left out: unknown, not
 * guessed.
 */
import type { ComponentKind } from '../../model/types.js';

export const K3S_SELF_ASSESSMENT = 'https://docs.k3s.io/security/self-assessment-1.12';
export const RKE2_SELF_ASSESSMENT = 'https://docs.rke2.io/security/cis_self_assessment112';
export const K3S_SERVER_CLI = 'https://docs.k3s.io/cli/server';
export const RKE2_STATIC_PODS = 'https://github.com/rancher/rke2/blob/6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0/pkg/executor/staticpod/staticpod.go';
export const RKE2_SERVER = 'https://github.com/rancher/rke2/blob/6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0/pkg/rke2/rke2.go';
export const RKE2_PROFILE = 'https://github.com/rancher/rke2/blob/6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0/pkg/cli/cmds/profile_linux.go';
export const K3S_KUBELET_CONFIG = 'https://docs.k3s.io/installation/configuration#kubelet-configuration';

export interface DefaultFlag {
  flag: string;
  value: string;
  /** Where the default is documented. */
  source: string;
  /**
   * Only when: an option is true (`secrets-encryption`), has a value (`profile=cis`), or the
   * server keeps its state in embedded etcd (`embedded-etcd`) or in SQLite (`sqlite`).
   */
  when?: string;
  /**
   * `config`: the kubelet reads it from the distribution's KubeletConfiguration drop-in
   * (00-<program>-defaults.conf), so any drop-in or config file of the operator wins over
   * it; otherwise it is a command-line flag.
   */
  level?: 'config';
}

/** Options whose defaults the values above use, with the document that states them. */
export const OPTION_DEFAULTS: Record<string, { value: string; source: string }> = {
  'service-cidr': { value: '10.43.0.0/16', source: K3S_SERVER_CLI },
  'cluster-cidr': { value: '10.42.0.0/16', source: K3S_SERVER_CLI },
  'cluster-dns': { value: '10.43.0.10', source: K3S_SERVER_CLI },
  'cluster-domain': { value: 'cluster.local', source: K3S_SERVER_CLI },
  'service-node-port-range': { value: '30000-32767', source: K3S_SERVER_CLI },
};

/** Options RKE2 sets itself whatever the config says (pkg/rke2/rke2.go: `clx.Set("secrets-encryption", "true")`; the CIS profile sets protect-kernel-defaults). */
export const RKE2_FORCED_OPTIONS: Array<{ option: string; value: string; source: string; when?: string }> = [
  { option: 'secrets-encryption', value: 'true', source: RKE2_SERVER },
  { option: 'protect-kernel-defaults', value: 'true', source: RKE2_PROFILE, when: 'profile=cis' },
];

/** Options of the distribution that become a component's flag (k3s `--service-cidr` → apiserver `--service-cluster-ip-range`). */
export const OPTION_FLAGS: Array<{ option: string; component: ComponentKind; flag: string }> = [
  { option: 'node-ip', component: 'kubelet', flag: 'node-ip' },
  { option: 'node-name', component: 'kubelet', flag: 'hostname-override' },
  { option: 'node-name', component: 'kube-proxy', flag: 'hostname-override' },
  { option: 'protect-kernel-defaults', component: 'kubelet', flag: 'protect-kernel-defaults' },
  { option: 'advertise-address', component: 'kube-apiserver', flag: 'advertise-address' },
  { option: 'datastore-cafile', component: 'kube-apiserver', flag: 'etcd-cafile' },
  { option: 'datastore-certfile', component: 'kube-apiserver', flag: 'etcd-certfile' },
  { option: 'datastore-keyfile', component: 'kube-apiserver', flag: 'etcd-keyfile' },
];

/** The config key that carries extra flags for each component (`kube-apiserver-arg`). */
export const ARG_KEYS: Record<string, ComponentKind> = {
  'kube-apiserver-arg': 'kube-apiserver',
  'kube-controller-manager-arg': 'kube-controller-manager',
  'kube-scheduler-arg': 'kube-scheduler',
  'etcd-arg': 'etcd',
  'kubelet-arg': 'kubelet',
  'kube-proxy-arg': 'kube-proxy',
};

/** Components a server option turns off. */
export const DISABLE_OPTIONS: Partial<Record<ComponentKind, string[]>> = {
  'kube-apiserver': ['disable-apiserver'],
  'kube-controller-manager': ['disable-controller-manager'],
  'kube-scheduler': ['disable-scheduler'],
  etcd: ['disable-etcd'],
  'kube-proxy': ['disable-kube-proxy'],
};

const TLS_CIPHER_SUITES =
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305';

function rows(source: string, flags: Record<string, string>, extra: Partial<DefaultFlag> = {}): DefaultFlag[] {
  return Object.entries(flags).map(([flag, value]) => ({ flag, value, source, ...extra }));
}

/** The apiserver k3s starts (k3s v1.32–v1.36, as the CIS 1.12 self-assessment shows it running). */
const K3S_APISERVER: DefaultFlag[] = [
  ...rows(K3S_SELF_ASSESSMENT, {
    'advertise-address': '{node-ip}',
    'allow-privileged': 'true',
    'anonymous-auth': 'false',
    'api-audiences': 'https://kubernetes.default.svc.{cluster-domain},{program}',
    'authorization-mode': 'Node,RBAC',
    'bind-address': '127.0.0.1',
    'cert-dir': '{data}/server/tls/temporary-certs',
    'client-ca-file': '{data}/server/tls/client-ca.crt',
    'egress-selector-config-file': '{data}/server/etc/egress-selector-config.yaml',
    'enable-admission-plugins': 'NodeRestriction',
    'enable-aggregator-routing': 'true',
    'enable-bootstrap-token-auth': 'true',
    'kubelet-certificate-authority': '{data}/server/tls/server-ca.crt',
    'kubelet-client-certificate': '{data}/server/tls/client-kube-apiserver.crt',
    'kubelet-client-key': '{data}/server/tls/client-kube-apiserver.key',
    'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
    profiling: 'false',
    'proxy-client-cert-file': '{data}/server/tls/client-auth-proxy.crt',
    'proxy-client-key-file': '{data}/server/tls/client-auth-proxy.key',
    'requestheader-allowed-names': 'system:auth-proxy',
    'requestheader-client-ca-file': '{data}/server/tls/request-header-ca.crt',
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-username-headers': 'X-Remote-User',
    'secure-port': '6444',
    'service-account-issuer': 'https://kubernetes.default.svc.{cluster-domain}',
    'service-account-key-file': '{data}/server/tls/service.key',
    'service-account-signing-key-file': '{data}/server/tls/service.current.key',
    'service-cluster-ip-range': '{service-cidr}',
    'service-node-port-range': '{service-node-port-range}',
    'storage-backend': 'etcd3',
    'tls-cert-file': '{data}/server/tls/serving-kube-apiserver.crt',
    'tls-cipher-suites': TLS_CIPHER_SUITES,
    'tls-private-key-file': '{data}/server/tls/serving-kube-apiserver.key',
  }),
  ...rows(K3S_SELF_ASSESSMENT, {
    'encryption-provider-config': '{data}/server/cred/encryption-config.json',
    'encryption-provider-config-automatic-reload': 'true',
  }, { when: 'secrets-encryption' }),
  ...rows(K3S_SELF_ASSESSMENT, {
    'etcd-cafile': '{data}/server/tls/etcd/server-ca.crt',
    'etcd-certfile': '{data}/server/tls/etcd/client.crt',
    'etcd-keyfile': '{data}/server/tls/etcd/client.key',
    'etcd-servers': 'https://127.0.0.1:2379',
  }, { when: 'embedded-etcd' }),
  // Without etcd or a datastore-endpoint, k3s keeps its state in SQLite behind kine's local socket.
  ...rows(K3S_SERVER_CLI, { 'etcd-servers': 'unix://kine.sock' }, { when: 'sqlite' }),
];

const K3S_CONTROLLER_MANAGER: DefaultFlag[] = rows(K3S_SELF_ASSESSMENT, {
  'allocate-node-cidrs': 'true',
  'authentication-kubeconfig': '{data}/server/cred/controller.kubeconfig',
  'authorization-kubeconfig': '{data}/server/cred/controller.kubeconfig',
  'bind-address': '127.0.0.1',
  'cluster-cidr': '{cluster-cidr}',
  'cluster-signing-kube-apiserver-client-cert-file': '{data}/server/tls/client-ca.nochain.crt',
  'cluster-signing-kube-apiserver-client-key-file': '{data}/server/tls/client-ca.key',
  'cluster-signing-kubelet-client-cert-file': '{data}/server/tls/client-ca.nochain.crt',
  'cluster-signing-kubelet-client-key-file': '{data}/server/tls/client-ca.key',
  'cluster-signing-kubelet-serving-cert-file': '{data}/server/tls/server-ca.nochain.crt',
  'cluster-signing-kubelet-serving-key-file': '{data}/server/tls/server-ca.key',
  'cluster-signing-legacy-unknown-cert-file': '{data}/server/tls/server-ca.nochain.crt',
  'cluster-signing-legacy-unknown-key-file': '{data}/server/tls/server-ca.key',
  'configure-cloud-routes': 'false',
  controllers: '*,tokencleaner,-service,-route,-cloud-node-lifecycle',
  kubeconfig: '{data}/server/cred/controller.kubeconfig',
  profiling: 'false',
  'root-ca-file': '{data}/server/tls/server-ca.crt',
  'secure-port': '10257',
  'service-account-private-key-file': '{data}/server/tls/service.current.key',
  'service-cluster-ip-range': '{service-cidr}',
  'use-service-account-credentials': 'true',
});

const K3S_SCHEDULER: DefaultFlag[] = rows(K3S_SELF_ASSESSMENT, {
  'authentication-kubeconfig': '{data}/server/cred/scheduler.kubeconfig',
  'authorization-kubeconfig': '{data}/server/cred/scheduler.kubeconfig',
  'bind-address': '127.0.0.1',
  kubeconfig: '{data}/server/cred/scheduler.kubeconfig',
  profiling: 'false',
  'secure-port': '10259',
});

/** The kubelet's command line; the rest is its KubeletConfiguration drop-in (v1.32 and later). */
const K3S_KUBELET: DefaultFlag[] = [
  ...rows(K3S_SELF_ASSESSMENT, {
    'cloud-provider': 'external',
    'config-dir': '{data}/agent/etc/kubelet.conf.d',
    containerd: '/run/k3s/containerd/containerd.sock',
    kubeconfig: '{data}/agent/kubelet.kubeconfig',
    'node-labels': '',
    'read-only-port': '0',
  }),
  ...rows(K3S_KUBELET_CONFIG, {
    address: '0.0.0.0',
    'anonymous-auth': 'false',
    'authentication-token-webhook': 'true',
    'authorization-mode': 'Webhook',
    'client-ca-file': '{data}/agent/client-ca.crt',
    'cluster-dns': '{cluster-dns}',
    'cluster-domain': '{cluster-domain}',
    'container-runtime-endpoint': 'unix:///run/k3s/containerd/containerd.sock',
    'eviction-hard': 'imagefs.available<5%,nodefs.available<5%',
    'eviction-minimum-reclaim': 'imagefs.available=10%,nodefs.available=10%',
    'fail-swap-on': 'false',
    'healthz-bind-address': '127.0.0.1',
    'pod-manifest-path': '{data}/agent/pod-manifests',
    'serialize-image-pulls': 'false',
    'tls-cert-file': '{data}/agent/serving-kubelet.crt',
    'tls-private-key-file': '{data}/agent/serving-kubelet.key',
  }, { level: 'config' }),
];

const K3S_PROXY: DefaultFlag[] = rows(K3S_SELF_ASSESSMENT, {
  'cluster-cidr': '{cluster-cidr}',
  'conntrack-max-per-core': '0',
  'conntrack-tcp-timeout-close-wait': '0s',
  'conntrack-tcp-timeout-established': '0s',
  'healthz-bind-address': '127.0.0.1',
  kubeconfig: '{data}/agent/kubeproxy.kubeconfig',
  'proxy-mode': 'iptables',
});

/** Embedded etcd: the settings of the config file k3s writes for it (server/db/etcd/config). */
const EMBEDDED_ETCD: DefaultFlag[] = rows(RKE2_SELF_ASSESSMENT, {
  'advertise-client-urls': 'https://{node-ip}:2379',
  'cert-file': '{data}/server/tls/etcd/server-client.crt',
  'client-cert-auth': 'true',
  'key-file': '{data}/server/tls/etcd/server-client.key',
  'trusted-ca-file': '{data}/server/tls/etcd/server-ca.crt',
  'data-dir': '{data}/server/db/etcd',
  'initial-advertise-peer-urls': 'https://{node-ip}:2380',
  'listen-client-urls': 'https://127.0.0.1:2379,https://{node-ip}:2379',
  'listen-metrics-urls': 'http://127.0.0.1:2381',
  'listen-peer-urls': 'https://127.0.0.1:2380,https://{node-ip}:2380',
  'peer-cert-file': '{data}/server/tls/etcd/peer-server-client.crt',
  'peer-client-cert-auth': 'true',
  'peer-key-file': '{data}/server/tls/etcd/peer-server-client.key',
  'peer-trusted-ca-file': '{data}/server/tls/etcd/peer-ca.crt',
});

export const K3S_DEFAULTS: Partial<Record<ComponentKind, DefaultFlag[]>> = {
  'kube-apiserver': K3S_APISERVER,
  'kube-controller-manager': K3S_CONTROLLER_MANAGER,
  'kube-scheduler': K3S_SCHEDULER,
  kubelet: K3S_KUBELET,
  'kube-proxy': K3S_PROXY,
  etcd: EMBEDDED_ETCD.map((row) => ({ ...row, source: K3S_SELF_ASSESSMENT })),
};

/** What RKE2 passes beyond k3s's: its static pods and kubelet (staticpod.go), as its CIS 1.12 self-assessment shows them. */
function override(base: DefaultFlag[], changes: DefaultFlag[]): DefaultFlag[] {
  const changed = new Set(changes.map((c) => c.flag));
  return [...base.filter((b) => !changed.has(b.flag)), ...changes];
}

export const RKE2_DEFAULTS: Partial<Record<ComponentKind, DefaultFlag[]>> = {
  'kube-apiserver': override(K3S_APISERVER.map((row) => ({ ...row, source: row.source === K3S_SELF_ASSESSMENT ? RKE2_SELF_ASSESSMENT : row.source })), [
    ...rows(RKE2_STATIC_PODS, { 'admission-control-config-file': '{config}/rke2-pss.yaml' }),
    ...rows(RKE2_SELF_ASSESSMENT, { 'bind-address': '0.0.0.0', 'secure-port': '6443' }),
    // The CIS profile adds the audit log and bounded service-account tokens (staticpod.go, APIServer).
    ...rows(RKE2_STATIC_PODS, {
      'audit-policy-file': '{config}/audit-policy.yaml',
      'audit-log-maxage': '30',
      'audit-log-maxbackup': '10',
      'audit-log-maxsize': '100',
      'audit-log-path': '{data}/server/logs/audit.log',
      'service-account-extend-token-expiration': 'false',
    }, { when: 'profile=cis' }),
  ]),
  'kube-controller-manager': override(K3S_CONTROLLER_MANAGER.map((row) => ({ ...row, source: RKE2_SELF_ASSESSMENT })), rows(RKE2_SELF_ASSESSMENT, {
    'permit-port-sharing': 'true',
    'flex-volume-plugin-dir': '/var/lib/kubelet/volumeplugins',
    'terminated-pod-gc-threshold': '1000',
    'tls-cert-file': '{data}/server/tls/kube-controller-manager/kube-controller-manager.crt',
    'tls-private-key-file': '{data}/server/tls/kube-controller-manager/kube-controller-manager.key',
  })),
  'kube-scheduler': override(K3S_SCHEDULER.map((row) => ({ ...row, source: RKE2_SELF_ASSESSMENT })), rows(RKE2_SELF_ASSESSMENT, {
    'permit-port-sharing': 'true',
    'tls-cert-file': '{data}/server/tls/kube-scheduler/kube-scheduler.crt',
    'tls-private-key-file': '{data}/server/tls/kube-scheduler/kube-scheduler.key',
  })),
  kubelet: override(K3S_KUBELET.map((row) => ({ ...row, source: row.level === 'config' ? row.source : RKE2_SELF_ASSESSMENT })), rows(RKE2_SELF_ASSESSMENT, {
    'volume-plugin-dir': '/var/lib/kubelet/volumeplugins',
    'file-check-frequency': '5s',
    'sync-frequency': '30s',
  })),
  'kube-proxy': K3S_PROXY.map((row) => ({ ...row, source: RKE2_SELF_ASSESSMENT })),
  etcd: EMBEDDED_ETCD,
};
