/**
 * CIS Kubernetes Benchmark v1.12 (Kubernetes 1.32–1.34), as kube-bench's cfg/cis-1.12
 * tests it (aquasecurity/kube-bench at a73ce378: master.yaml, etcd.yaml, controlplane.yaml,
 * node.yaml, policies.yaml). One row a control: its test (a check template), the rule
 * whose findings report it, and its remediation as data.
 */
import type { Benchmark } from './types.js';
import {
  addTo, api, atLeast, chmod, chown, contains, control, definition, eq, featureGate, flagWithFile, gate, kubelet, listHas, listLacks,
  manualControl, mode, notEq, notSet, owner, planOnly, removeFrom, set, setTo, setting, subsetOf, WHY_PLAN,
} from './rows.js';

const A = 'kube-apiserver';
const CM = 'kube-controller-manager';
const S = 'kube-scheduler';
const E = 'etcd';

/** v1.12's strong ciphers for the apiserver (1.2.29): TLS 1.3 suites and ECDHE with AEAD only. */
export const APISERVER_CIPHERS_1_12 = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];
/** v1.12's strong ciphers for the kubelet (4.2.12). */
export const KUBELET_CIPHERS_1_12 = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
];

export const SECTIONS: Record<string, string> = {
  '1': 'Control Plane Security Configuration',
  '1.1': 'Control Plane Node Configuration Files',
  '1.2': 'API Server',
  '1.3': 'Controller Manager',
  '1.4': 'Scheduler',
  '2': 'Etcd Node Configuration',
  '3': 'Control Plane Configuration',
  '3.1': 'Authentication and Authorization',
  '3.2': 'Logging',
  '4': 'Worker Node Security Configuration',
  '4.1': 'Worker Node Configuration Files',
  '4.2': 'Kubelet',
  '4.3': 'kube-proxy',
  '5': 'Kubernetes Policies',
  '5.1': 'RBAC and Service Accounts',
  '5.2': 'Pod Security Standards',
  '5.3': 'Network Policies and CNI',
  '5.4': 'Secrets Management',
  '5.5': 'Extensible Admission Control',
  '5.6': 'General Policies',
};

const PROXY_KUBECONFIG = { kind: 'kubeconfig', component: 'kube-proxy' } as const;
const KUBELET_KUBECONFIG = { kind: 'kubeconfig', component: 'kubelet', fallback: '/etc/kubernetes/kubelet.conf' } as const;
const KUBELET_CA = { kind: 'setting-file', component: 'kubelet', setting: 'client-ca-file', fallback: '/etc/kubernetes/pki/ca.crt' } as const;
const ADMIN_CONFS = { kind: 'admin-kubeconfig' } as const;

export const CIS_1_12: Benchmark = {
  id: 'cis-1.12',
  title: 'CIS Kubernetes Benchmark v1.12',
  version: '1.12',
  kubernetes: { from: '1.32', to: '1.34' },
  sections: SECTIONS,
  controls: [
    // 1.1 Control plane node configuration files
    control('1.1.1', 'master', true, 'files/manifest-permissions', 'Ensure that the API server pod specification file permissions are set to 600 or more restrictive', mode(definition(A), 0o600), chmod(0o600)),
    control('1.1.2', 'master', true, 'files/manifest-ownership', 'Ensure that the API server pod specification file ownership is set to root:root', owner(definition(A), 'root:root'), chown('root:root')),
    control('1.1.3', 'master', true, 'files/manifest-permissions', 'Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive', mode(definition(CM), 0o600), chmod(0o600)),
    control('1.1.4', 'master', true, 'files/manifest-ownership', 'Ensure that the controller manager pod specification file ownership is set to root:root', owner(definition(CM), 'root:root'), chown('root:root')),
    control('1.1.5', 'master', true, 'files/manifest-permissions', 'Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive', mode(definition(S), 0o600), chmod(0o600)),
    control('1.1.6', 'master', true, 'files/manifest-ownership', 'Ensure that the scheduler pod specification file ownership is set to root:root', owner(definition(S), 'root:root'), chown('root:root')),
    control('1.1.7', 'master', true, 'files/manifest-permissions', 'Ensure that the etcd pod specification file permissions are set to 600 or more restrictive', mode(definition(E), 0o600), chmod(0o600)),
    control('1.1.8', 'master', true, 'files/manifest-ownership', 'Ensure that the etcd pod specification file ownership is set to root:root', owner(definition(E), 'root:root'), chown('root:root')),
    control('1.1.9', 'master', false, 'files/cni-permissions', 'Ensure that the Container Network Interface file permissions are set to 600 or more restrictive', mode({ kind: 'cni-files' }, 0o600), chmod(0o600)),
    control('1.1.10', 'master', false, 'files/cni-ownership', 'Ensure that the Container Network Interface file ownership is set to root:root', owner({ kind: 'cni-files' }, 'root:root'), chown('root:root')),
    control('1.1.11', 'master', true, 'files/etcd-data-permissions', 'Ensure that the etcd data directory permissions are set to 700 or more restrictive', mode({ kind: 'etcd-data-dir' }, 0o700), chmod(0o700)),
    control('1.1.12', 'master', true, 'files/etcd-data-ownership', 'Ensure that the etcd data directory ownership is set to etcd:etcd', owner({ kind: 'etcd-data-dir' }, 'etcd:etcd'), chown('etcd:etcd')),
    control('1.1.13', 'master', true, 'files/kubeconfig-permissions', 'Ensure that the default administrative credential file permissions are set to 600', mode(ADMIN_CONFS, 0o600), chmod(0o600)),
    control('1.1.14', 'master', true, 'files/kubeconfig-ownership', 'Ensure that the default administrative credential file ownership is set to root:root', owner(ADMIN_CONFS, 'root:root'), chown('root:root')),
    control('1.1.15', 'master', true, 'files/kubeconfig-permissions', 'Ensure that the scheduler.conf file permissions are set to 600 or more restrictive', mode({ kind: 'kubeconfig', component: S, fallback: '/etc/kubernetes/scheduler.conf' }, 0o600), chmod(0o600)),
    control('1.1.16', 'master', true, 'files/kubeconfig-ownership', 'Ensure that the scheduler.conf file ownership is set to root:root', owner({ kind: 'kubeconfig', component: S, fallback: '/etc/kubernetes/scheduler.conf' }, 'root:root'), chown('root:root')),
    control('1.1.17', 'master', true, 'files/kubeconfig-permissions', 'Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive', mode({ kind: 'kubeconfig', component: CM, fallback: '/etc/kubernetes/controller-manager.conf' }, 0o600), chmod(0o600)),
    control('1.1.18', 'master', true, 'files/kubeconfig-ownership', 'Ensure that the controller-manager.conf file ownership is set to root:root', owner({ kind: 'kubeconfig', component: CM, fallback: '/etc/kubernetes/controller-manager.conf' }, 'root:root'), chown('root:root')),
    control('1.1.19', 'master', true, 'files/pki-ownership', 'Ensure that the Kubernetes PKI directory and file ownership is set to root:root', owner({ kind: 'pki', select: 'tree' }, 'root:root'), chown('root:root')),
    control('1.1.20', 'master', false, 'files/pki-cert-permissions', 'Ensure that the Kubernetes PKI certificate file permissions are set to 644 or more restrictive', mode({ kind: 'pki', select: '.crt' }, 0o644), chmod(0o644)),
    control('1.1.21', 'master', false, 'pki/key-permissions', 'Ensure that the Kubernetes PKI key file permissions are set to 600', mode({ kind: 'pki', select: '.key' }, 0o600), chmod(0o600)),

    // 1.2 API server
    control('1.2.1', 'master', false, 'auth/anonymous-auth', 'Ensure that the --anonymous-auth argument is set to false', setting(A, 'anonymous-auth', eq('false'), 'true'), setTo('anonymous-auth', 'false')),
    control('1.2.2', 'master', true, 'auth/static-credentials', 'Ensure that the --token-auth-file parameter is not set', setting(A, 'token-auth-file', notSet()), planOnly(WHY_PLAN.tokenFile, 'Move the users of the token file to client certificates, OIDC or a webhook authenticator, then remove --token-auth-file')),
    control('1.2.3', 'master', false, 'apiserver/admission-plugin-missing', 'Ensure that the --DenyServiceExternalIPs is set', setting(A, 'enable-admission-plugins', listHas('DenyServiceExternalIPs')), addTo('enable-admission-plugins', 'DenyServiceExternalIPs')),
    control('1.2.4', 'master', true, 'apiserver/no-kubelet-client-cert', 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate', setting(A, ['kubelet-client-certificate', 'kubelet-client-key'], set()), planOnly(WHY_PLAN.certificate, 'Issue the apiserver a client certificate for the kubelets (kubeadm: apiserver-kubelet-client) and set --kubelet-client-certificate and --kubelet-client-key')),
    control('1.2.5', 'master', true, 'apiserver/kubelet-certs-unverified', 'Ensure that the --kubelet-certificate-authority argument is set as appropriate', setting(A, 'kubelet-certificate-authority', set()), planOnly(WHY_PLAN.kubeletCa, 'Give the kubelets serving certificates signed by a CA (serverTLSBootstrap: true and approved CSRs), then set --kubelet-certificate-authority to that CA')),
    control('1.2.6', 'master', true, 'auth/insecure-authorization', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow', setting(A, 'authorization-mode', listLacks('AlwaysAllow')), [removeFrom('authorization-mode', 'AlwaysAllow'), addTo('authorization-mode', 'Node'), addTo('authorization-mode', 'RBAC')]),
    control('1.2.7', 'master', true, 'apiserver/no-node-authorizer', 'Ensure that the --authorization-mode argument includes Node', setting(A, 'authorization-mode', listHas('Node')), addTo('authorization-mode', 'Node')),
    control('1.2.8', 'master', true, 'auth/insecure-authorization', 'Ensure that the --authorization-mode argument includes RBAC', setting(A, 'authorization-mode', listHas('RBAC')), addTo('authorization-mode', 'RBAC')),
    control('1.2.9', 'master', false, 'apiserver/admission-plugin-missing', 'Ensure that the admission control plugin EventRateLimit is set', setting(A, 'enable-admission-plugins', listHas('EventRateLimit')), [addTo('enable-admission-plugins', 'EventRateLimit'), flagWithFile('admission-control-config-file', 'event-rate-limit')]),
    control('1.2.10', 'master', true, 'apiserver/always-admit-enabled', 'Ensure that the admission control plugin AlwaysAdmit is not set', setting(A, 'enable-admission-plugins', listLacks('AlwaysAdmit', true)), removeFrom('enable-admission-plugins', 'AlwaysAdmit')),
    control('1.2.11', 'master', false, 'apiserver/admission-plugin-missing', 'Ensure that the admission control plugin AlwaysPullImages is set', setting(A, 'enable-admission-plugins', listHas('AlwaysPullImages')), addTo('enable-admission-plugins', 'AlwaysPullImages')),
    control('1.2.12', 'master', true, 'apiserver/admission-plugin-disabled', 'Ensure that the admission control plugin ServiceAccount is set', setting(A, 'disable-admission-plugins', listLacks('ServiceAccount', true)), removeFrom('disable-admission-plugins', 'ServiceAccount')),
    control('1.2.13', 'master', true, 'apiserver/admission-plugin-disabled', 'Ensure that the admission control plugin NamespaceLifecycle is set', setting(A, 'disable-admission-plugins', listLacks('NamespaceLifecycle', true)), removeFrom('disable-admission-plugins', 'NamespaceLifecycle')),
    control('1.2.14', 'master', true, 'apiserver/node-restriction-missing', 'Ensure that the admission control plugin NodeRestriction is set', setting(A, 'enable-admission-plugins', listHas('NodeRestriction')), addTo('enable-admission-plugins', 'NodeRestriction')),
    control('1.2.15', 'master', true, 'apiserver/profiling-enabled', 'Ensure that the --profiling argument is set to false', setting(A, 'profiling', eq('false'), 'true'), setTo('profiling', 'false')),
    control('1.2.16', 'master', true, 'apiserver/no-audit-log', 'Ensure that the --audit-log-path argument is set', setting(A, 'audit-log-path', set()), flagWithFile('audit-log-path', 'audit-log')),
    control('1.2.17', 'master', true, 'apiserver/short-audit-log-retention', 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate', setting(A, 'audit-log-maxage', atLeast(30), '0'), setTo('audit-log-maxage', '30')),
    control('1.2.18', 'master', true, 'apiserver/short-audit-log-retention', 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate', setting(A, 'audit-log-maxbackup', atLeast(10), '0'), setTo('audit-log-maxbackup', '10')),
    control('1.2.19', 'master', true, 'apiserver/short-audit-log-retention', 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate', setting(A, 'audit-log-maxsize', atLeast(100), '0'), setTo('audit-log-maxsize', '100')),
    manualControl('1.2.20', 'master', 'Ensure that the --request-timeout argument is set as appropriate', ['Review --request-timeout (default 1m0s) against the longest requests the cluster serves']),
    control('1.2.21', 'master', true, 'apiserver/service-account-lookup-disabled', 'Ensure that the --service-account-lookup argument is set to true', setting(A, 'service-account-lookup', eq('true', true), 'true'), setTo('service-account-lookup', 'true')),
    control('1.2.22', 'master', true, 'apiserver/no-service-account-key', 'Ensure that the --service-account-key-file argument is set as appropriate', setting(A, 'service-account-key-file', set()), planOnly(WHY_PLAN.serviceAccountKey, 'Set --service-account-key-file to the public key that verifies service account tokens (kubeadm: /etc/kubernetes/pki/sa.pub)')),
    control('1.2.23', 'master', true, 'apiserver/no-etcd-client-cert', 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate', setting(A, ['etcd-certfile', 'etcd-keyfile'], set()), planOnly(WHY_PLAN.certificate, 'Issue the apiserver a client certificate from the etcd CA and set --etcd-certfile and --etcd-keyfile')),
    control('1.2.24', 'master', true, 'apiserver/no-serving-cert', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', setting(A, ['tls-cert-file', 'tls-private-key-file'], set()), planOnly(WHY_PLAN.certificate, 'Issue the apiserver a serving certificate from the cluster CA and set --tls-cert-file and --tls-private-key-file')),
    control('1.2.25', 'master', true, 'apiserver/no-client-ca', 'Ensure that the --client-ca-file argument is set as appropriate', setting(A, 'client-ca-file', set()), planOnly(WHY_PLAN.clientCa, 'Set --client-ca-file to the CA that signs client certificates (kubeadm: /etc/kubernetes/pki/ca.crt)')),
    control('1.2.26', 'master', true, 'apiserver/etcd-cert-unverified', 'Ensure that the --etcd-cafile argument is set as appropriate', setting(A, 'etcd-cafile', set()), planOnly(WHY_PLAN.etcdCa, "Set --etcd-cafile to the CA that signs etcd's serving certificates")),
    control('1.2.27', 'master', false, 'apiserver/no-encryption-at-rest', 'Ensure that the --encryption-provider-config argument is set as appropriate', setting(A, 'encryption-provider-config', set())),
    control('1.2.28', 'master', false, 'encryption/no-aescbc-provider', 'Ensure that encryption providers are appropriately configured', { template: 'encryption-providers', allowed: ['aescbc', 'kms', 'secretbox'] }),
    control('1.2.29', 'master', false, 'apiserver/weak-tls-ciphers', 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers', setting(A, 'tls-cipher-suites', subsetOf(APISERVER_CIPHERS_1_12)), setTo('tls-cipher-suites', APISERVER_CIPHERS_1_12.join(','))),
    control('1.2.30', 'master', true, 'apiserver/service-account-token-extension', 'Ensure that the --service-account-extend-token-expiration parameter is set to false', setting(A, 'service-account-extend-token-expiration', eq('false'), 'true'), setTo('service-account-extend-token-expiration', 'false')),

    // 1.3 Controller manager
    control('1.3.1', 'master', false, 'controller-manager/no-terminated-pod-gc-threshold', 'Ensure that the --terminated-pod-gc-threshold argument is set as appropriate', setting(CM, 'terminated-pod-gc-threshold', set(), '12500'), setTo('terminated-pod-gc-threshold', '10')),
    control('1.3.2', 'master', true, 'controller-manager/profiling-enabled', 'Ensure that the --profiling argument is set to false', setting(CM, 'profiling', eq('false'), 'true'), setTo('profiling', 'false')),
    control('1.3.3', 'master', true, 'controller-manager/shared-service-account-credentials', 'Ensure that the --use-service-account-credentials argument is set to true', setting(CM, 'use-service-account-credentials', notEq('false'), 'false'), setTo('use-service-account-credentials', 'true')),
    control('1.3.4', 'master', true, 'controller-manager/no-service-account-key', 'Ensure that the --service-account-private-key-file argument is set as appropriate', setting(CM, 'service-account-private-key-file', set()), planOnly(WHY_PLAN.serviceAccountKey, 'Set --service-account-private-key-file to the key that signs service account tokens (kubeadm: /etc/kubernetes/pki/sa.key)')),
    control('1.3.5', 'master', true, 'controller-manager/no-root-ca', 'Ensure that the --root-ca-file argument is set as appropriate', setting(CM, 'root-ca-file', set()), planOnly(WHY_PLAN.rootCa, 'Set --root-ca-file to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt)')),
    control('1.3.6', 'master', true, 'controller-manager/server-cert-rotation-disabled', 'Ensure that the RotateKubeletServerCertificate argument is set to true', gate(CM, 'RotateKubeletServerCertificate', listLacks('false', true), 'true'), featureGate('RotateKubeletServerCertificate', 'true')),
    control('1.3.7', 'master', true, 'controller-manager/non-local-bind-address', 'Ensure that the --bind-address argument is set to 127.0.0.1', setting(CM, 'bind-address', eq('127.0.0.1', true), '0.0.0.0'), setTo('bind-address', '127.0.0.1')),

    // 1.4 Scheduler
    control('1.4.1', 'master', true, 'scheduler/profiling-enabled', 'Ensure that the --profiling argument is set to false', setting(S, 'profiling', eq('false'), 'true'), setTo('profiling', 'false')),
    control('1.4.2', 'master', true, 'scheduler/non-local-bind-address', 'Ensure that the --bind-address argument is set to 127.0.0.1', setting(S, 'bind-address', eq('127.0.0.1', true), '0.0.0.0'), setTo('bind-address', '127.0.0.1')),

    // 2 etcd
    control('2.1', 'etcd', true, 'etcd/no-client-tls-cert', 'Ensure that the --cert-file and --key-file arguments are set as appropriate', setting(E, ['cert-file', 'key-file'], set()), planOnly(WHY_PLAN.certificate, "Issue etcd a serving certificate from the etcd CA and set --cert-file and --key-file (ETCD_CERT_FILE, ETCD_KEY_FILE)")),
    control('2.2', 'etcd', true, 'etcd/no-client-cert-auth', 'Ensure that the --client-cert-auth argument is set to true', setting(E, 'client-cert-auth', eq('true'), 'false'), setTo('client-cert-auth', 'true')),
    control('2.3', 'etcd', true, 'etcd/no-client-cert-auth', 'Ensure that the --auto-tls argument is not set to true', setting(E, 'auto-tls', eq('false', true), 'false'), setTo('auto-tls', 'false')),
    control('2.4', 'etcd', true, 'etcd/no-peer-tls-cert', 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate', setting(E, ['peer-cert-file', 'peer-key-file'], set()), planOnly(WHY_PLAN.certificate, 'Issue each member a peer certificate from the etcd CA and set --peer-cert-file and --peer-key-file (ETCD_PEER_CERT_FILE, ETCD_PEER_KEY_FILE)')),
    control('2.5', 'etcd', true, 'etcd/no-client-cert-auth', 'Ensure that the --peer-client-cert-auth argument is set to true', setting(E, 'peer-client-cert-auth', eq('true'), 'false'), setTo('peer-client-cert-auth', 'true')),
    control('2.6', 'etcd', true, 'etcd/no-client-cert-auth', 'Ensure that the --peer-auto-tls argument is not set to true', setting(E, 'peer-auto-tls', eq('false', true), 'false'), setTo('peer-auto-tls', 'false')),
    control('2.7', 'etcd', false, 'etcd/no-trusted-ca', 'Ensure that a unique Certificate Authority is used for etcd', setting(E, 'trusted-ca-file', set()), planOnly(WHY_PLAN.etcdOwnCa, 'Give etcd a CA of its own (not the cluster CA) and set --trusted-ca-file to it (ETCD_TRUSTED_CA_FILE)')),

    // 3 Control plane configuration
    manualControl('3.1.1', 'controlplane', 'Client certificate authentication should not be used for users', ['Move human users to OIDC or a webhook authenticator; client certificates cannot be revoked']),
    manualControl('3.1.2', 'controlplane', 'Service account token authentication should not be used for users'),
    manualControl('3.1.3', 'controlplane', 'Bootstrap token authentication should not be used for users'),
    control('3.2.1', 'controlplane', false, 'apiserver/no-audit-policy', 'Ensure that a minimal audit policy is created', { template: 'audit-policy' }, flagWithFile('audit-policy-file', 'audit-policy')),
    manualControl('3.2.2', 'controlplane', 'Ensure that the audit policy covers key security concerns', ['Review the audit policy: Secrets, ConfigMaps and TokenReviews at Metadata level; pod exec, attach and port-forward; changes to RBAC and pods']),

    // 4.1 Worker node configuration files
    control('4.1.1', 'node', true, 'files/kubelet-service-permissions', 'Ensure that the kubelet service file permissions are set to 600 or more restrictive', mode({ kind: 'unit-files', component: 'kubelet' }, 0o600), chmod(0o600)),
    control('4.1.2', 'node', true, 'files/kubelet-service-ownership', 'Ensure that the kubelet service file ownership is set to root:root', owner({ kind: 'unit-files', component: 'kubelet' }, 'root:root', 'pass'), chown('root:root')),
    control('4.1.3', 'node', false, 'files/kube-proxy-kubeconfig-permissions', 'If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive', mode(PROXY_KUBECONFIG, 0o600), chmod(0o600)),
    control('4.1.4', 'node', false, 'files/kube-proxy-kubeconfig-ownership', 'If proxy kubeconfig file exists ensure ownership is set to root:root', owner(PROXY_KUBECONFIG, 'root:root'), chown('root:root')),
    control('4.1.5', 'node', true, 'files/kubeconfig-permissions', 'Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive', mode(KUBELET_KUBECONFIG, 0o600), chmod(0o600)),
    control('4.1.6', 'node', true, 'files/kubeconfig-ownership', 'Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root', owner(KUBELET_KUBECONFIG, 'root:root'), chown('root:root')),
    control('4.1.7', 'node', false, 'files/client-ca-permissions', 'Ensure that the certificate authorities file permissions are set to 644 or more restrictive', mode(KUBELET_CA, 0o644), chmod(0o644)),
    control('4.1.8', 'node', false, 'files/client-ca-ownership', 'Ensure that the client certificate authorities file ownership is set to root:root', owner(KUBELET_CA, 'root:root'), chown('root:root')),
    control('4.1.9', 'node', true, 'files/kubelet-config-permissions', 'If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive', mode({ kind: 'kubelet-config' }, 0o600), chmod(0o600)),
    control('4.1.10', 'node', true, 'files/kubelet-config-ownership', 'If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root', owner({ kind: 'kubelet-config' }, 'root:root'), chown('root:root')),

    // 4.2 Kubelet
    control('4.2.1', 'node', true, 'auth/anonymous-auth', 'Ensure that the --anonymous-auth argument is set to false', kubelet('anonymous-auth', eq('false')), setTo('anonymous-auth', 'false')),
    control('4.2.2', 'node', true, 'auth/insecure-authorization', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow', kubelet('authorization-mode', listLacks('AlwaysAllow')), setTo('authorization-mode', 'Webhook')),
    control('4.2.3', 'node', true, 'kubelet/no-client-ca', 'Ensure that the --client-ca-file argument is set as appropriate', kubelet('client-ca-file', set()), planOnly(WHY_PLAN.clientCa, 'Set authentication.x509.clientCAFile (or --client-ca-file) to the cluster CA (kubeadm: /etc/kubernetes/pki/ca.crt)')),
    control('4.2.4', 'node', false, 'kubelet/read-only-port', 'Verify that if defined, the --read-only-port argument is set to 0', kubelet('read-only-port', eq('0', true)), setTo('read-only-port', '0')),
    control('4.2.5', 'node', false, 'kubelet/no-streaming-timeout', 'Ensure that the --streaming-connection-idle-timeout argument is not set to 0', kubelet('streaming-connection-idle-timeout', notEq('0', true)), setTo('streaming-connection-idle-timeout', '5m')),
    control('4.2.6', 'node', true, 'kubelet/iptables-util-chains-off', 'Ensure that the --make-iptables-util-chains argument is set to true', kubelet('make-iptables-util-chains', eq('true', true)), setTo('make-iptables-util-chains', 'true')),
    control('4.2.7', 'node', false, 'kubelet/hostname-override', 'Ensure that the --hostname-override argument is not set', kubelet('hostname-override', notSet(), true), planOnly(WHY_PLAN.hostname, 'Remove --hostname-override only where the node is registered under its host name: the kubelet would otherwise register a new Node')),
    control('4.2.8', 'node', false, 'kubelet/event-record-qps', 'Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture', kubelet('event-qps', atLeast(0, true)), setTo('event-qps', '50')),
    control('4.2.9', 'node', false, 'kubelet/no-serving-cert', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', kubelet(['tls-cert-file', 'tls-private-key-file'], set()), planOnly(WHY_PLAN.certificate, 'Give the kubelet a serving certificate signed by the cluster CA and set tlsCertFile and tlsPrivateKeyFile (or use serverTLSBootstrap with approved CSRs)')),
    control('4.2.10', 'node', true, 'bootstrap/tls-bootstrap', 'Ensure that the --rotate-certificates argument is not set to false', kubelet('rotate-certificates', eq('true', true)), setTo('rotate-certificates', 'true')),
    control('4.2.11', 'node', false, 'kubelet/server-cert-rotation-disabled', 'Verify that the RotateKubeletServerCertificate argument is set to true', gate('kubelet', 'RotateKubeletServerCertificate', listLacks('false', true), 'true'), featureGate('RotateKubeletServerCertificate', 'true')),
    control('4.2.12', 'node', false, 'kubelet/weak-tls-ciphers', 'Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers', kubelet('tls-cipher-suites', subsetOf(KUBELET_CIPHERS_1_12)), setTo('tls-cipher-suites', KUBELET_CIPHERS_1_12.join(','))),
    control('4.2.13', 'node', false, 'kubelet/no-pod-pids-limit', 'Ensure that a limit is set on pod PIDs', kubelet('pod-max-pids', set()), planOnly(WHY_PLAN.podPids, 'Choose a PID limit per pod from what the workloads need (e.g. 4096) and set podPidsLimit (or --pod-max-pids)')),
    control('4.2.14', 'node', false, 'kubelet/no-seccomp-default', 'Ensure that the --seccomp-default parameter is set to true', kubelet('seccomp-default', set()), planOnly(WHY_PLAN.seccomp, 'Test the workloads under the RuntimeDefault seccomp profile, then set seccompDefault: true (or --seccomp-default)')),

    // 4.3 kube-proxy
    control('4.3.1', 'node', true, 'kube-proxy/metrics-not-local', 'Ensure that the kube-proxy metrics service is bound to localhost', setting('kube-proxy', 'metrics-bind-address', contains('127.0.0.1', true), '127.0.0.1:10249'), setTo('metrics-bind-address', '127.0.0.1:10249')),

    // 5 Policies (through the Kubernetes API)
    control('5.1.1', 'policies', false, 'rbac/cluster-admin-binding', 'Ensure that the cluster-admin role is only used where required', api('rbac/cluster-admin-binding')),
    control('5.1.2', 'policies', false, 'rbac/secret-access', 'Minimize access to secrets', api('rbac/secret-access')),
    control('5.1.3', 'policies', false, 'rbac/wildcard-rule', 'Minimize wildcard use in Roles and ClusterRoles', api('rbac/wildcard-rule')),
    control('5.1.4', 'policies', false, 'rbac/pod-create-access', 'Minimize access to create pods', api('rbac/pod-create-access')),
    control('5.1.5', 'policies', false, 'rbac/default-service-account-token', 'Ensure that default service accounts are not actively used', api('rbac/default-service-account-token')),
    control('5.1.6', 'policies', false, 'rbac/automounted-token', 'Ensure that Service Account Tokens are only mounted where necessary', api('rbac/automounted-token')),
    manualControl('5.1.7', 'policies', 'Avoid use of system:masters group'),
    manualControl('5.1.8', 'policies', 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster'),
    manualControl('5.1.9', 'policies', 'Minimize access to create persistent volumes'),
    manualControl('5.1.10', 'policies', 'Minimize access to the proxy sub-resource of nodes'),
    manualControl('5.1.11', 'policies', 'Minimize access to the approval sub-resource of certificatesigningrequests objects'),
    manualControl('5.1.12', 'policies', 'Minimize access to webhook configuration objects'),
    manualControl('5.1.13', 'policies', 'Minimize access to the service account token creation'),
    manualControl('5.2.1', 'policies', 'Ensure that the cluster has at least one active policy control mechanism in place'),
    control('5.2.2', 'policies', false, 'pod/privileged-container', 'Minimize the admission of privileged containers', api('pod/privileged-container')),
    control('5.2.3', 'policies', false, 'pod/host-pid', 'Minimize the admission of containers wishing to share the host process ID namespace', api('pod/host-pid')),
    control('5.2.4', 'policies', false, 'pod/host-ipc', 'Minimize the admission of containers wishing to share the host IPC namespace', api('pod/host-ipc')),
    control('5.2.5', 'policies', false, 'pod/host-network', 'Minimize the admission of containers wishing to share the host network namespace', api('pod/host-network')),
    control('5.2.6', 'policies', false, 'pod/privilege-escalation', 'Minimize the admission of containers with allowPrivilegeEscalation', api('pod/privilege-escalation')),
    manualControl('5.2.7', 'policies', 'Minimize the admission of root containers'),
    manualControl('5.2.8', 'policies', 'Minimize the admission of containers with the NET_RAW capability'),
    manualControl('5.2.9', 'policies', 'Minimize the admission of containers with capabilities assigned'),
    manualControl('5.2.10', 'policies', 'Minimize the admission of Windows HostProcess containers'),
    manualControl('5.2.11', 'policies', 'Minimize the admission of HostPath volumes'),
    manualControl('5.2.12', 'policies', 'Minimize the admission of containers which use HostPorts'),
    manualControl('5.3.1', 'policies', 'Ensure that the CNI in use supports NetworkPolicies'),
    manualControl('5.3.2', 'policies', 'Ensure that all Namespaces have NetworkPolicies defined'),
    manualControl('5.4.1', 'policies', 'Prefer using Secrets as files over Secrets as environment variables'),
    manualControl('5.4.2', 'policies', 'Consider external secret storage'),
    manualControl('5.5.1', 'policies', 'Configure Image Provenance using ImagePolicyWebhook admission controller'),
    manualControl('5.6.1', 'policies', 'Create administrative boundaries between resources using namespaces'),
    manualControl('5.6.2', 'policies', 'Ensure that the seccomp profile is set to docker/default in your Pod definitions'),
    manualControl('5.6.3', 'policies', 'Apply SecurityContext to your Pods and Containers'),
    manualControl('5.6.4', 'policies', 'The default namespace should not be used'),
  ],
};
