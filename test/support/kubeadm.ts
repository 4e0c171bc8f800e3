/**
 * A kubeadm cluster as `kubeadm init` / `kubeadm join --control-plane` lay it out:
 * static pods, /etc/kubernetes/pki, kubeconfigs, the kubelet's systemd drop-in and
 * its env file, kubelet-client-current.pem as a link to the rotated combined file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPair, privateKeyPem, publicKeyPem, type KeyPair } from '../../src/pki/issue.js';
import type { Issued, PkiFactory } from './pki.js';
import type { TreeWriter } from './tree.js';

export interface Node {
  name: string;
  ip: string;
}

export interface KubeadmSpec {
  controlPlanes: Node[];
  workers: Node[];
  version: string;
  etcdVersion: string;
  serviceCidr: string;
  podCidr: string;
  /** The load-balanced control-plane endpoint (host:port). */
  endpoint: string;
  /**
   * Hardened as a careful operator would: no anonymous auth, Secrets encrypted, a random etcd
   * token — and every automated control of CIS v1.11 and v1.12 met: audit logging with a
   * policy, admission plugins, profiling off, strong ciphers, kubelet settings stated, files
   * 600 and owned by root (etcd's data by etcd), recorded in each host's snapshot.
   */
  hardened?: boolean;
}

export const DEFAULT_SPEC: KubeadmSpec = {
  controlPlanes: [
    { name: 'cp-1', ip: '10.0.0.11' },
    { name: 'cp-2', ip: '10.0.0.12' },
    { name: 'cp-3', ip: '10.0.0.13' },
  ],
  workers: [
    { name: 'worker-1', ip: '10.0.0.21' },
    { name: 'worker-2', ip: '10.0.0.22' },
  ],
  version: '1.29.3',
  etcdVersion: '3.5.12-0',
  serviceCidr: '10.96.0.0/12',
  podCidr: '10.244.0.0/16',
  endpoint: 'k8s-api.example.internal:6443',
};

export interface ClusterCAs {
  ca: Issued;
  etcdCa: Issued;
  frontProxyCa: Issued;
  serviceAccount: KeyPair;
  /** The aescbc key of a hardened cluster's EncryptionConfiguration (base64 of 32 random bytes). */
  encryptionKey: string;
}

export async function makeCAs(pki: PkiFactory): Promise<ClusterCAs> {
  return {
    ca: await pki.ca('kubernetes'),
    etcdCa: await pki.ca('etcd-ca'),
    frontProxyCa: await pki.ca('front-proxy-ca'),
    serviceAccount: await generateKeyPair({ algorithm: 'rsa', bits: 2048 }),
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

function flagList(flags: string[], indent = '    '): string {
  return flags.map((f) => `${indent}- ${f}`).join('\n');
}

function volumes(entries: Array<{ name: string; path: string; mountPath?: string; type: string; readOnly?: boolean }>): { mounts: string; volumes: string } {
  const mounts = entries
    .map((e) => `    - mountPath: ${e.mountPath ?? e.path}\n      name: ${e.name}${e.readOnly === false ? '' : '\n      readOnly: true'}`)
    .join('\n');
  const vols = entries.map((e) => `  - hostPath:\n      path: ${e.path}\n      type: ${e.type}\n    name: ${e.name}`).join('\n');
  return { mounts, volumes: vols };
}

function staticPod(name: string, image: string, flags: string[], vols: ReturnType<typeof volumes>, probeHost: string, probePort: number, scheme: 'HTTP' | 'HTTPS', path: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    component: ${name}
    tier: control-plane
  name: ${name}
  namespace: kube-system
spec:
  containers:
  - command:
    - ${name}
${flagList(flags)}
    image: ${image}
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: ${probeHost}
        path: ${path}
        port: ${probePort}
        scheme: ${scheme}
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: ${name}
    resources:
      requests:
        cpu: 250m
    volumeMounts:
${vols.mounts}
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
${vols.volumes}
status: {}
`;
}

const ETCD_TOKEN = 'kaudit-test-0f3a9c2e71b84d5a';

export function encryptionConfig(secret: string): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${secret}
      - identity: {}
`;
}

/** The strong TLS suites of CIS v1.12 (also allowed by v1.11): for the apiserver (1.2.29) and the kubelet (4.2.12). */
const APISERVER_CIPHERS = 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384';
const KUBELET_CIPHERS = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'];

export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/exec", "pods/portforward", "pods/proxy", "pods/attach"]
  - level: Metadata
`;

export const ADMISSION_CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: EventRateLimit
    path: /etc/kubernetes/admission/event-rate-limit.yaml
`;

export const EVENT_RATE_LIMIT = `apiVersion: eventratelimit.admission.k8s.io/v1alpha1
kind: Configuration
limits:
  - type: Server
    qps: 50
    burst: 100
`;

/** The apiserver flags of a hardened cluster, beyond kubeadm's (CIS 1.2.x, 3.2.1). */
const APISERVER_HARDENING = [
  '--anonymous-auth=false',
  '--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml',
  '--profiling=false',
  '--audit-log-path=/var/log/kubernetes/audit/audit.log',
  '--audit-log-maxage=30',
  '--audit-log-maxbackup=10',
  '--audit-log-maxsize=100',
  '--audit-policy-file=/etc/kubernetes/audit/policy.yaml',
  '--admission-control-config-file=/etc/kubernetes/admission/admission-config.yaml',
  '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
  `--tls-cipher-suites=${APISERVER_CIPHERS}`,
  '--service-account-extend-token-expiration=false',
];

export function apiserverManifest(spec: KubeadmSpec, node: Node, extraFlags: string[] = []): string {
  const hardening = spec.hardened ? APISERVER_HARDENING : [];
  const flags = [
    ...hardening,
    `--advertise-address=${node.ip}`,
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    `--enable-admission-plugins=${spec.hardened ? 'NodeRestriction,DenyServiceExternalIPs,EventRateLimit,AlwaysPullImages' : 'NodeRestriction'}`,
    '--enable-bootstrap-token-auth=true',
    '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
    '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
    '--etcd-servers=https://127.0.0.1:2379',
    '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
    '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
    '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    '--secure-port=6443',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
    '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
    `--service-cluster-ip-range=${spec.serviceCidr}`,
    '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
    '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
    ...extraFlags,
  ];
  const vols = volumes([
    { name: 'ca-certs', path: '/etc/ssl/certs', type: 'DirectoryOrCreate' },
    { name: 'etc-ca-certificates', path: '/etc/ca-certificates', type: 'DirectoryOrCreate' },
    { name: 'k8s-certs', path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate' },
    ...(spec.hardened
      ? [
          { name: 'k8s-enc', path: '/etc/kubernetes/enc', type: 'DirectoryOrCreate' },
          { name: 'audit-policy', path: '/etc/kubernetes/audit', type: 'DirectoryOrCreate' },
          { name: 'audit-log', path: '/var/log/kubernetes/audit', type: 'DirectoryOrCreate', readOnly: false },
          { name: 'admission', path: '/etc/kubernetes/admission', type: 'DirectoryOrCreate' },
        ]
      : []),
  ]);
  return staticPod('kube-apiserver', `registry.k8s.io/kube-apiserver:v${spec.version}`, flags, vols, node.ip, 6443, 'HTTPS', '/livez');
}

export function controllerManagerManifest(spec: KubeadmSpec): string {
  const flags = [
    '--allocate-node-cidrs=true',
    '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--bind-address=127.0.0.1',
    '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    `--cluster-cidr=${spec.podCidr}`,
    '--cluster-name=kubernetes',
    '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
    '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
    '--controllers=*,bootstrapsigner,tokencleaner',
    '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--leader-elect=true',
    '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
    '--root-ca-file=/etc/kubernetes/pki/ca.crt',
    '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
    `--service-cluster-ip-range=${spec.serviceCidr}`,
    '--use-service-account-credentials=true',
    ...(spec.hardened ? ['--profiling=false', '--terminated-pod-gc-threshold=10'] : []),
  ];
  const vols = volumes([
    { name: 'ca-certs', path: '/etc/ssl/certs', type: 'DirectoryOrCreate' },
    { name: 'k8s-certs', path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate' },
    { name: 'kubeconfig', path: '/etc/kubernetes/controller-manager.conf', type: 'FileOrCreate' },
  ]);
  return staticPod('kube-controller-manager', `registry.k8s.io/kube-controller-manager:v${spec.version}`, flags, vols, '127.0.0.1', 10257, 'HTTPS', '/healthz');
}

export function schedulerManifest(spec: KubeadmSpec): string {
  const flags = [
    '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--bind-address=127.0.0.1',
    '--kubeconfig=/etc/kubernetes/scheduler.conf',
    '--leader-elect=true',
    ...(spec.hardened ? ['--profiling=false'] : []),
  ];
  const vols = volumes([{ name: 'kubeconfig', path: '/etc/kubernetes/scheduler.conf', type: 'FileOrCreate' }]);
  return staticPod('kube-scheduler', `registry.k8s.io/kube-scheduler:v${spec.version}`, flags, vols, '127.0.0.1', 10259, 'HTTPS', '/healthz');
}

export function etcdManifest(spec: KubeadmSpec, node: Node, initialCluster: Node[], state: 'new' | 'existing'): string {
  const flags = [
    `--advertise-client-urls=https://${node.ip}:2379`,
    '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
    '--client-cert-auth=true',
    '--data-dir=/var/lib/etcd',
    '--experimental-initial-corrupt-check=true',
    `--initial-advertise-peer-urls=https://${node.ip}:2380`,
    `--initial-cluster=${initialCluster.map((n) => `${n.name}=https://${n.ip}:2380`).join(',')}`,
    ...(state === 'existing' ? ['--initial-cluster-state=existing'] : []),
    ...(spec.hardened ? [`--initial-cluster-token=${ETCD_TOKEN}`] : []),
    '--key-file=/etc/kubernetes/pki/etcd/server.key',
    `--listen-client-urls=https://127.0.0.1:2379,https://${node.ip}:2379`,
    '--listen-metrics-urls=http://127.0.0.1:2381',
    `--listen-peer-urls=https://${node.ip}:2380`,
    `--name=${node.name}`,
    '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
    '--peer-client-cert-auth=true',
    '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
    '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    '--snapshot-count=10000',
    '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  ];
  const vols = volumes([
    { name: 'etcd-certs', path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate' },
    { name: 'etcd-data', path: '/var/lib/etcd', type: 'DirectoryOrCreate', readOnly: false },
  ]);
  return staticPod('etcd', `registry.k8s.io/etcd:${spec.etcdVersion}`, flags, vols, '127.0.0.1', 2381, 'HTTP', '/health?exclude=NOSPACE&serializable=true');
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

export function kubeconfig(server: string, ca: Issued, user: string, client?: Issued, combinedFile?: string): string {
  const credentials = combinedFile
    ? `    client-certificate: ${combinedFile}\n    client-key: ${combinedFile}`
    : `    client-certificate-data: ${base64(client!.certPem)}\n    client-key-data: ${base64(client!.keyPem)}`;
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${base64(ca.certPem)}
    server: https://${server}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: ${user}
  name: ${user}@kubernetes
current-context: ${user}@kubernetes
kind: Config
preferences: {}
users:
- name: ${user}
  user:
${credentials}
`;
}

export const KUBEADM_DROP_IN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

export const KUBELET_UNIT = `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

/** What a hardened kubelet states in its config file (CIS 4.2.4–4.2.14). */
export const KUBELET_HARDENING = `eventRecordQPS: 50
makeIPTablesUtilChains: true
podPidsLimit: 4096
readOnlyPort: 0
seccompDefault: true
streamingConnectionIdleTimeout: 5m0s
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsCipherSuites:
${KUBELET_CIPHERS.map((c) => `- ${c}`).join('\n')}
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
`;

/** systemd keeps every address but the cluster's own from the kubelet (CIS v1.11 4.2.15). */
export const KUBELET_IP_DROP_IN = `[Service]
IPAddressDeny=any
IPAddressAllow=localhost link-local 10.0.0.0/8
`;

export function kubeletConfig(extra = ''): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
kind: KubeletConfiguration
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
${extra}`;
}

/** Issues the kubelet's rotated client certificate and writes it as kubeadm does (combined file + link). */
export async function writeKubeletClient(tree: TreeWriter, pki: PkiFactory, cas: ClusterCAs, node: Node, options: { validForDays?: number; key?: KeyPair } = {}): Promise<Issued> {
  const client = await pki.leaf(cas.ca, `system:node:${node.name}`, {
    organizations: ['system:nodes'],
    usages: ['clientAuth'],
    ...options,
  });
  const rotated = '/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem';
  tree.write(node.name, rotated, client.certPem + client.keyPem, KEY_MODE);
  tree.symlink(node.name, '/var/lib/kubelet/pki/kubelet-client-current.pem', rotated);
  return client;
}

async function writeNodeBase(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node): Promise<void> {
  const host = node.name;
  // kubeadm writes its unit files 0644; a hardened node has them 0600 (CIS 4.1.1, 4.1.9).
  const configMode = spec.hardened ? KEY_MODE : undefined;
  tree.write(host, '/etc/kubernetes/pki/ca.crt', cas.ca.certPem, CERT_MODE);
  tree.write(host, '/usr/lib/systemd/system/kubelet.service', KUBELET_UNIT, configMode);
  tree.write(host, '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', KUBEADM_DROP_IN, configMode);
  tree.write(host, '/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n');
  tree.write(host, '/var/lib/kubelet/config.yaml', kubeletConfig(spec.hardened ? KUBELET_HARDENING : ''), configMode);
  if (spec.hardened) {
    tree.write(host, '/usr/lib/systemd/system/kubelet.service.d/20-hardening.conf', KUBELET_IP_DROP_IN, configMode);
    await writePair(tree, host, '/var/lib/kubelet/pki/kubelet', await pki.leaf(cas.ca, host, { dnsNames: [host], ipAddresses: [node.ip], usages: ['serverAuth'] }));
  }
  tree.write(host, '/etc/kubernetes/kubelet.conf', kubeconfig(spec.endpoint, cas.ca, 'default-auth', undefined, '/var/lib/kubelet/pki/kubelet-client-current.pem'), KEY_MODE);
  await writeKubeletClient(tree, pki, cas, node);
}

async function writePair(tree: TreeWriter, host: string, base: string, issued: Issued): Promise<void> {
  tree.write(host, `${base}.crt`, issued.certPem, CERT_MODE);
  tree.write(host, `${base}.key`, issued.keyPem, KEY_MODE);
}

/** One kubeadm control-plane node with stacked etcd. */
export async function writeControlPlane(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node, index: number): Promise<void> {
  const host = node.name;
  const pkiDir = '/etc/kubernetes/pki';
  await writeNodeBase(tree, pki, spec, cas, node);
  tree.write(host, `${pkiDir}/ca.key`, cas.ca.keyPem, KEY_MODE);
  await writePair(tree, host, `${pkiDir}/etcd/ca`, cas.etcdCa);
  await writePair(tree, host, `${pkiDir}/front-proxy-ca`, cas.frontProxyCa);
  tree.write(host, `${pkiDir}/sa.key`, privateKeyPem(cas.serviceAccount), KEY_MODE);
  tree.write(host, `${pkiDir}/sa.pub`, publicKeyPem(cas.serviceAccount), CERT_MODE);

  const endpointHost = spec.endpoint.split(':')[0];
  const firstServiceIp = spec.serviceCidr.replace(/\.0\/\d+$/, '.1');
  await writePair(tree, host, `${pkiDir}/apiserver`, await pki.leaf(cas.ca, 'kube-apiserver', {
    dnsNames: [endpointHost, host, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: [firstServiceIp, node.ip],
    usages: ['serverAuth'],
  }));
  await writePair(tree, host, `${pkiDir}/apiserver-kubelet-client`, await pki.leaf(cas.ca, 'kube-apiserver-kubelet-client', { organizations: ['kubeadm:cluster-admins'], usages: ['clientAuth'] }));
  await writePair(tree, host, `${pkiDir}/apiserver-etcd-client`, await pki.leaf(cas.etcdCa, 'kube-apiserver-etcd-client', { usages: ['clientAuth'] }));
  await writePair(tree, host, `${pkiDir}/front-proxy-client`, await pki.leaf(cas.frontProxyCa, 'front-proxy-client', { usages: ['clientAuth'] }));
  const etcdNames = { dnsNames: [host, 'localhost'], ipAddresses: [node.ip, '127.0.0.1', '::1'] };
  await writePair(tree, host, `${pkiDir}/etcd/server`, await pki.leaf(cas.etcdCa, host, { ...etcdNames, usages: ['serverAuth', 'clientAuth'] }));
  await writePair(tree, host, `${pkiDir}/etcd/peer`, await pki.leaf(cas.etcdCa, host, { ...etcdNames, usages: ['serverAuth', 'clientAuth'] }));
  await writePair(tree, host, `${pkiDir}/etcd/healthcheck-client`, await pki.leaf(cas.etcdCa, 'kube-etcd-healthcheck-client', { usages: ['clientAuth'] }));

  const local = `${node.ip}:6443`;
  const admin = await pki.leaf(cas.ca, 'kubernetes-admin', { organizations: ['kubeadm:cluster-admins'], usages: ['clientAuth'] });
  tree.write(host, '/etc/kubernetes/admin.conf', kubeconfig(spec.endpoint, cas.ca, 'kubernetes-admin', admin), KEY_MODE);
  const cm = await pki.leaf(cas.ca, 'system:kube-controller-manager', { usages: ['clientAuth'] });
  tree.write(host, '/etc/kubernetes/controller-manager.conf', kubeconfig(local, cas.ca, 'system:kube-controller-manager', cm), KEY_MODE);
  const scheduler = await pki.leaf(cas.ca, 'system:kube-scheduler', { usages: ['clientAuth'] });
  tree.write(host, '/etc/kubernetes/scheduler.conf', kubeconfig(local, cas.ca, 'system:kube-scheduler', scheduler), KEY_MODE);

  const members = spec.controlPlanes.slice(0, index + 1);
  tree.write(host, '/etc/kubernetes/manifests/etcd.yaml', etcdManifest(spec, node, members, index === 0 ? 'new' : 'existing'), KEY_MODE);
  tree.write(host, '/etc/kubernetes/manifests/kube-apiserver.yaml', apiserverManifest(spec, node), KEY_MODE);
  if (spec.hardened) {
    tree.write(host, '/etc/kubernetes/enc/encryption-config.yaml', encryptionConfig(cas.encryptionKey), KEY_MODE);
    tree.write(host, '/etc/kubernetes/audit/policy.yaml', AUDIT_POLICY, KEY_MODE);
    tree.write(host, '/etc/kubernetes/admission/admission-config.yaml', ADMISSION_CONFIG, KEY_MODE);
    tree.write(host, '/etc/kubernetes/admission/event-rate-limit.yaml', EVENT_RATE_LIMIT, KEY_MODE);
    // etcd's data, 0700 and owned by the etcd user (CIS 1.1.11, 1.1.12).
    tree.mkdir(host, '/var/lib/etcd/member', 0o700);
    tree.setMode(host, '/var/lib/etcd', 0o700);
  }
  tree.write(host, '/etc/kubernetes/manifests/kube-controller-manager.yaml', controllerManagerManifest(spec), KEY_MODE);
  tree.write(host, '/etc/kubernetes/manifests/kube-scheduler.yaml', schedulerManifest(spec), KEY_MODE);
}

export async function writeWorker(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec, cas: ClusterCAs, node: Node): Promise<void> {
  await writeNodeBase(tree, pki, spec, cas, node);
}

/** A whole healthy kubeadm HA cluster. Returns the CAs, for tests that plant defects. */
/**
 * Owners as `kaudit collect` records them on a hardened node: everything root's, etcd's data
 * folder etcd's. Walks what the builder wrote (only test support reads the disk like this).
 */
export function recordHardenedOwners(tree: TreeWriter, host: string): void {
  const base = tree.real(host, '/');
  const visit = (dir: string, hostPath: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.kaudit-snapshot.json') continue;
      const childHostPath = `${hostPath === '/' ? '' : hostPath}/${entry.name}`;
      tree.setOwner(host, childHostPath, childHostPath.startsWith('/var/lib/etcd') ? 'etcd:etcd' : 'root:root');
      if (entry.isDirectory()) visit(path.join(dir, entry.name), childHostPath);
    }
  };
  visit(base, '/');
}

export async function writeKubeadmCluster(tree: TreeWriter, pki: PkiFactory, spec: KubeadmSpec = DEFAULT_SPEC): Promise<ClusterCAs> {
  const cas = await makeCAs(pki);
  for (const [index, node] of spec.controlPlanes.entries()) await writeControlPlane(tree, pki, spec, cas, node, index);
  for (const node of spec.workers) await writeWorker(tree, pki, spec, cas, node);
  if (spec.hardened) for (const node of [...spec.controlPlanes, ...spec.workers]) recordHardenedOwners(tree, node.name);
  tree.writeSnapshotManifests();
  return cas;
}
