/**
 * k3s and RKE2 nodes as their installers and first starts leave them. Written after, never
 * copied from, these upstream files (see /work/shared/realworld/SOURCES.md):
 * - units: k3s install.sh `create_systemd_service_file()` (k3s-io/k3s install.sh at
 *   0136cf258954a458da1404858396342724b93d24) and rancher/rke2
 *   bundle/lib/systemd/system/rke2-server.service, rke2-agent.service, *.env at
 *   6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0;
 * - config.yaml: https://docs.k3s.io/security/hardening-guide (the CIS config.yaml) and
 *   https://docs.rke2.io/security/hardening_guide (`profile: cis`); drop-ins as
 *   https://docs.k3s.io/installation/configuration#multiple-config-files;
 * - /var/lib/rancher/<program>/server/tls and server/cred: the file names of
 *   k3s-io/k3s pkg/daemons/control/deps/deps.go (CreateRuntimeCertFiles, at
 *   09ac65a68f11d6cf0a9b17fb8d53e61ca72791a9); each leaf followed by its CA, as k3s writes them;
 * - embedded etcd's config: the `cat /var/lib/rancher/rke2/server/db/etcd/config` output of
 *   https://docs.rke2.io/security/cis_self_assessment112 (control 2.1);
 * - RKE2's generated static pods: the process lines of the same self-assessment, in the pod
 *   layout of rancher/rke2 pkg/podtemplate/podtemplate.go (command [name], args, dir/file
 *   hostPath volumes) at 6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0.
 */
import { randomBytes } from 'node:crypto';
import { generateKeyPair, privateKeyPem, type KeyPair } from '../../src/pki/issue.js';
import type { Issued, PkiFactory } from './pki.js';
import type { TreeWriter } from './tree.js';
import { base64 } from './hosts.js';

export type Program = 'k3s' | 'rke2';

export interface RancherNodeSpec {
  name: string;
  ip: string;
  role: 'server' | 'agent';
}

export interface RancherSpec {
  program: Program;
  /** As the distribution names it: v1.31.4+k3s1, v1.31.4+rke2r1. */
  version: string;
  nodes: RancherNodeSpec[];
  /** The CIS-hardened configuration of the hardening guides (the clean variant). */
  hardened: boolean;
  /** Extra lines of the first server's config.yaml. */
  extraConfig?: string[];
}

export const K3S_SPEC: RancherSpec = {
  program: 'k3s',
  version: 'v1.31.4+k3s1',
  nodes: [
    { name: 'k3s-server-1', ip: '10.0.1.11', role: 'server' },
    { name: 'k3s-server-2', ip: '10.0.1.12', role: 'server' },
    { name: 'k3s-server-3', ip: '10.0.1.13', role: 'server' },
    { name: 'k3s-agent-1', ip: '10.0.1.21', role: 'agent' },
  ],
  hardened: true,
};

export const RKE2_SPEC: RancherSpec = {
  program: 'rke2',
  version: 'v1.31.4+rke2r1',
  nodes: [
    { name: 'rke2-server-1', ip: '10.0.2.11', role: 'server' },
    { name: 'rke2-server-2', ip: '10.0.2.12', role: 'server' },
    { name: 'rke2-server-3', ip: '10.0.2.13', role: 'server' },
    { name: 'rke2-agent-1', ip: '10.0.2.21', role: 'agent' },
  ],
  hardened: true,
};

const CERT = 0o644;
const KEY = 0o600;

export interface RancherCAs {
  serverCa: Issued;
  clientCa: Issued;
  requestHeaderCa: Issued;
  etcdServerCa: Issued;
  etcdPeerCa: Issued;
  serviceAccount: KeyPair;
  /** The cluster's join token (K10…::server:…), a secret. */
  token: string;
  encryptionKey: string;
}

export async function makeRancherCAs(pki: PkiFactory, program: Program): Promise<RancherCAs> {
  const stamp = Math.floor(pki.now.getTime() / 1000);
  return {
    serverCa: await pki.ca(`${program}-server-ca@${stamp}`),
    clientCa: await pki.ca(`${program}-client-ca@${stamp}`),
    requestHeaderCa: await pki.ca(`${program}-request-header-ca@${stamp}`),
    etcdServerCa: await pki.ca(`etcd-server-ca@${stamp}`),
    etcdPeerCa: await pki.ca(`etcd-peer-ca@${stamp}`),
    serviceAccount: await generateKeyPair({ algorithm: 'rsa', bits: 2048 }),
    token: `K10${randomBytes(32).toString('hex')}::server:${randomBytes(16).toString('hex')}`,
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

export function dataDir(program: Program): string {
  return `/var/lib/rancher/${program}`;
}

/** A leaf followed by its CA, as k3s writes its certificates; the key beside it. */
function writeBundle(tree: TreeWriter, host: string, base: string, leaf: Issued, ca: Issued): void {
  tree.write(host, `${base}.crt`, leaf.certPem + ca.certPem, CERT);
  tree.write(host, `${base}.key`, leaf.keyPem, KEY);
}

function writeCa(tree: TreeWriter, host: string, base: string, ca: Issued, nochain = false): void {
  tree.write(host, `${base}.crt`, ca.certPem, CERT);
  tree.write(host, `${base}.key`, ca.keyPem, KEY);
  if (nochain) tree.write(host, `${base}.nochain.crt`, ca.certPem, CERT);
}

/** A k3s kubeconfig naming its certificate files (pkg/util/kubeconfig of k3s). */
export function fileKubeconfig(server: string, ca: string, cert: string, key: string): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority: ${ca}`,
    `    server: ${server}`,
    '  name: local',
    'contexts:',
    '- context:',
    '    cluster: local',
    '    namespace: default',
    '    user: user',
    '  name: Default',
    'current-context: Default',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: user',
    '  user:',
    `    client-certificate: ${cert}`,
    `    client-key: ${key}`,
    '',
  ].join('\n');
}

/** The kubeconfig k3s writes for the operator (/etc/rancher/<program>/<program>.yaml), credentials embedded. */
export function embeddedKubeconfig(server: string, ca: Issued, client: Issued, clientCa: Issued): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${base64(ca.certPem)}`,
    `    server: ${server}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: default',
    '  user:',
    `    client-certificate-data: ${base64(client.certPem + clientCa.certPem)}`,
    `    client-key-data: ${base64(client.keyPem)}`,
    '',
  ].join('\n');
}

/** The unit install.sh writes (k3s) or the tarball installs (RKE2). */
function writeUnit(tree: TreeWriter, spec: RancherSpec, node: RancherNodeSpec, cas: RancherCAs, server: RancherNodeSpec): void {
  if (spec.program === 'k3s') {
    const name = node.role === 'server' ? 'k3s' : 'k3s-agent';
    tree.write(node.name, `/etc/systemd/system/${name}.service`, [
      '[Unit]',
      'Description=Lightweight Kubernetes',
      'Documentation=https://k3s.io',
      'Wants=network-online.target',
      'After=network-online.target',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
      '[Service]',
      `Type=${node.role === 'server' ? 'notify' : 'exec'}`,
      'EnvironmentFile=-/etc/default/%N',
      'EnvironmentFile=-/etc/sysconfig/%N',
      `EnvironmentFile=-/etc/systemd/system/${name}.service.env`,
      'KillMode=process',
      'Delegate=yes',
      'User=root',
      'LimitNOFILE=1048576',
      'LimitNPROC=infinity',
      'LimitCORE=infinity',
      'TasksMax=infinity',
      'TimeoutStartSec=0',
      'Restart=always',
      'RestartSec=5s',
      'ExecStartPre=-/sbin/modprobe br_netfilter',
      'ExecStartPre=-/sbin/modprobe overlay',
      'ExecStart=/usr/local/bin/k3s \\',
      `    ${node.role} \\`,
      '',
      '',
    ].join('\n'));
    const env = node.role === 'server' ? [`K3S_TOKEN=${cas.token}`] : [`K3S_TOKEN=${cas.token}`, `K3S_URL=https://${server.ip}:6443`];
    tree.write(node.name, `/etc/systemd/system/${name}.service.env`, `${env.join('\n')}\n`, KEY);
    // systemctl enable: the link in multi-user.target.wants is not a second unit.
    tree.symlink(node.name, `/etc/systemd/system/multi-user.target.wants/${name}.service`, `/etc/systemd/system/${name}.service`);
    return;
  }
  const name = node.role === 'server' ? 'rke2-server' : 'rke2-agent';
  const other = node.role === 'server' ? 'rke2-agent' : 'rke2-server';
  tree.write(node.name, `/usr/local/lib/systemd/system/${name}.service`, [
    '[Unit]',
    `Description=Rancher Kubernetes Engine v2 (${node.role})`,
    'Documentation=https://github.com/rancher/rke2#readme',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
    '[Service]',
    'Type=notify',
    'EnvironmentFile=-/etc/default/%N',
    'EnvironmentFile=-/etc/sysconfig/%N',
    'EnvironmentFile=-/usr/local/lib/systemd/system/%N.env',
    'KillMode=process',
    'Delegate=yes',
    'LimitNOFILE=1048576',
    'LimitNPROC=infinity',
    'LimitCORE=infinity',
    'TasksMax=infinity',
    'TimeoutStartSec=0',
    'Restart=always',
    'RestartSec=5s',
    `ExecCondition=/bin/sh -c 'if systemctl is-active --quiet ${other}.service; then echo "Error: ${other} is running!"; exit 1; fi'`,
    'ExecStartPre=-/sbin/modprobe br_netfilter',
    'ExecStartPre=-/sbin/modprobe overlay',
    `ExecStart=/usr/local/bin/rke2 ${node.role}`,
    `ExecStopPost=-/bin/sh -c "systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print $1}' | xargs -r kill"`,
    '',
  ].join('\n'));
  tree.write(node.name, `/usr/local/lib/systemd/system/${name}.env`, 'HOME=/root\n');
}

/** The kubelet's strong ciphers of the k3s hardening guide's config.yaml (v1.29 and newer). */
const KUBELET_CIPHERS = 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305';

/** The node's config.yaml (and a drop-in), as the hardening guides write them. */
export function configYaml(spec: RancherSpec, node: RancherNodeSpec, cas: RancherCAs, server: RancherNodeSpec, first: boolean): string {
  const data = dataDir(spec.program);
  const lines = [`# /etc/rancher/${spec.program}/config.yaml`, `node-ip: ${node.ip}`];
  if (spec.program === 'rke2') lines.push(`token: ${cas.token}`);
  if (node.role === 'agent' || !first) lines.push(`server: https://${server.ip}:${spec.program === 'rke2' ? 9345 : 6443}`);
  if (node.role === 'agent') {
    if (spec.hardened && spec.program === 'k3s') lines.push('protect-kernel-defaults: true', 'kubelet-arg:', "  - 'streaming-connection-idle-timeout=5m'", "  - 'make-iptables-util-chains=true'", `  - "tls-cipher-suites=${KUBELET_CIPHERS}"`);
    if (spec.hardened && spec.program === 'rke2') lines.push('profile: "cis"');
    return `${lines.join('\n')}\n`;
  }
  if (spec.program === 'k3s' && first) lines.push('cluster-init: true');
  lines.push('tls-san:', `  - "${spec.program}.example.internal"`);
  if (spec.hardened && spec.program === 'k3s') {
    lines.push(
      'protect-kernel-defaults: true',
      'secrets-encryption: true',
      'kube-apiserver-arg:',
      '  - "enable-admission-plugins=NodeRestriction,EventRateLimit"',
      `  - 'admission-control-config-file=${data}/server/psa.yaml'`,
      `  - 'audit-log-path=${data}/server/logs/audit.log'`,
      `  - 'audit-policy-file=${data}/server/audit.yaml'`,
      "  - 'audit-log-maxage=30'",
      "  - 'audit-log-maxbackup=10'",
      "  - 'audit-log-maxsize=100'",
      "  - 'service-account-extend-token-expiration=false'",
      'kube-controller-manager-arg:',
      "  - 'terminated-pod-gc-threshold=10'",
      'kubelet-arg:',
      "  - 'streaming-connection-idle-timeout=5m'",
      "  - 'make-iptables-util-chains=true'",
      `  - "tls-cipher-suites=${KUBELET_CIPHERS}"`,
    );
  }
  if (spec.hardened && spec.program === 'rke2') lines.push('profile: "cis"', 'kube-apiserver-arg:', "  - 'service-account-extend-token-expiration=false'");
  if (first) lines.push(...(spec.extraConfig ?? []));
  return `${lines.join('\n')}\n`;
}

/** Embedded etcd's config file, as the k3s etcd code writes it (RKE2's self-assessment shows one). */
export function etcdConfig(program: Program, node: RancherNodeSpec, members: RancherNodeSpec[], memberName: (n: RancherNodeSpec) => string): string {
  const data = dataDir(program);
  return [
    `advertise-client-urls: https://${node.ip}:2379`,
    'client-transport-security:',
    `  cert-file: ${data}/server/tls/etcd/server-client.crt`,
    '  client-cert-auth: true',
    `  key-file: ${data}/server/tls/etcd/server-client.key`,
    `  trusted-ca-file: ${data}/server/tls/etcd/server-ca.crt`,
    `data-dir: ${data}/server/db/etcd`,
    'election-timeout: 5000',
    'experimental-initial-corrupt-check: true',
    'heartbeat-interval: 500',
    `initial-advertise-peer-urls: https://${node.ip}:2380`,
    `initial-cluster: ${members.map((m) => `${memberName(m)}=https://${m.ip}:2380`).join(',')}`,
    `initial-cluster-state: ${members.length === 1 ? 'new' : 'existing'}`,
    'listen-client-http-urls: https://127.0.0.1:2382',
    `listen-client-urls: https://127.0.0.1:2379,https://${node.ip}:2379`,
    'listen-metrics-urls: http://127.0.0.1:2381',
    `listen-peer-urls: https://127.0.0.1:2380,https://${node.ip}:2380`,
    'log-outputs:',
    '- stderr',
    'logger: zap',
    `name: ${memberName(node)}`,
    'peer-transport-security:',
    `  cert-file: ${data}/server/tls/etcd/peer-server-client.crt`,
    '  client-cert-auth: true',
    `  key-file: ${data}/server/tls/etcd/peer-server-client.key`,
    `  trusted-ca-file: ${data}/server/tls/etcd/peer-ca.crt`,
    'snapshot-count: 10000',
    '',
  ].join('\n');
}

function encryptionConfigJson(key: string): string {
  return `${JSON.stringify({
    kind: 'EncryptionConfiguration',
    apiVersion: 'apiserver.config.k8s.io/v1',
    resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'aescbckey', secret: key }] } }, { identity: {} }] }],
  })}\n`;
}

/** The KubeletConfiguration drop-in k3s and RKE2 write at each start (v1.32 and later; 00-<program>-defaults.conf). */
function kubeletDefaults(program: Program): string {
  const data = dataDir(program);
  return [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'authentication:',
    '  anonymous:',
    '    enabled: false',
    '  webhook:',
    '    cacheTTL: 2m0s',
    '    enabled: true',
    '  x509:',
    `    clientCAFile: ${data}/agent/client-ca.crt`,
    'authorization:',
    '  mode: Webhook',
    'clusterDNS:',
    '- 10.43.0.10',
    'clusterDomain: cluster.local',
    'failSwapOn: false',
    'healthzBindAddress: 127.0.0.1',
    'kind: KubeletConfiguration',
    `staticPodPath: ${data}/agent/pod-manifests`,
    `tlsCertFile: ${data}/agent/serving-kubelet.crt`,
    `tlsPrivateKeyFile: ${data}/agent/serving-kubelet.key`,
    '',
  ].join('\n');
}

/** RKE2's generated static pod for one component (pkg/podtemplate: command [name], args, hostPath volumes). */
export function rke2Pod(name: string, image: string, args: string[], dirs: string[], files: string[] = []): string {
  const mounts = [
    ...dirs.map((d, i) => `    - mountPath: ${d}\n      name: dir${i}`),
    ...files.map((f, i) => `    - mountPath: ${f}\n      name: file${i}\n      readOnly: true`),
  ];
  const volumes = [
    ...dirs.map((d, i) => `  - hostPath:\n      path: ${d}\n      type: DirectoryOrCreate\n    name: dir${i}`),
    ...files.map((f, i) => `  - hostPath:\n      path: ${f}\n      type: File\n    name: file${i}`),
  ];
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  creationTimestamp: null',
    '  labels:',
    `    component: ${name}`,
    '    tier: control-plane',
    `  name: ${name}`,
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - args:',
    ...args.map((a) => `    - ${a}`),
    '    command:',
    `    - ${name}`,
    '    env:',
    '    - name: FILE_HASH',
    `      value: ${randomBytes(32).toString('hex')}`,
    `    image: ${image}`,
    '    imagePullPolicy: IfNotPresent',
    `    name: ${name}`,
    '    resources:',
    '      requests:',
    '        cpu: 250m',
    '    securityContext:',
    '      privileged: false',
    '    volumeMounts:',
    ...mounts,
    '  hostNetwork: true',
    '  priorityClassName: system-cluster-critical',
    '  volumes:',
    ...volumes,
    'status: {}',
    '',
  ].join('\n');
}

/** The flags RKE2 gives each static pod (the self-assessment's process lines, with this node's address). */
export function rke2PodArgs(component: string, node: RancherNodeSpec, cis: boolean): string[] {
  const d = dataDir('rke2');
  const tls = `${d}/server/tls`;
  switch (component) {
    case 'kube-apiserver':
      return [
        `--admission-control-config-file=/etc/rancher/rke2/rke2-pss.yaml`,
        ...(cis
          ? ['--audit-policy-file=/etc/rancher/rke2/audit-policy.yaml', '--audit-log-maxage=30', '--audit-log-maxbackup=10', '--audit-log-maxsize=100', `--audit-log-path=${d}/server/logs/audit.log`, '--service-account-extend-token-expiration=false']
          : []),
        `--advertise-address=${node.ip}`,
        '--allow-privileged=true',
        '--anonymous-auth=false',
        '--api-audiences=https://kubernetes.default.svc.cluster.local,rke2',
        '--authorization-mode=Node,RBAC',
        '--bind-address=0.0.0.0',
        `--cert-dir=${tls}/temporary-certs`,
        `--client-ca-file=${tls}/client-ca.crt`,
        `--egress-selector-config-file=${d}/server/etc/egress-selector-config.yaml`,
        '--enable-admission-plugins=NodeRestriction',
        '--enable-aggregator-routing=true',
        '--enable-bootstrap-token-auth=true',
        `--encryption-provider-config=${d}/server/cred/encryption-config.json`,
        '--encryption-provider-config-automatic-reload=true',
        `--etcd-cafile=${tls}/etcd/server-ca.crt`,
        `--etcd-certfile=${tls}/etcd/client.crt`,
        `--etcd-keyfile=${tls}/etcd/client.key`,
        '--etcd-servers=https://127.0.0.1:2379',
        `--kubelet-certificate-authority=${tls}/server-ca.crt`,
        `--kubelet-client-certificate=${tls}/client-kube-apiserver.crt`,
        `--kubelet-client-key=${tls}/client-kube-apiserver.key`,
        '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
        '--profiling=false',
        `--proxy-client-cert-file=${tls}/client-auth-proxy.crt`,
        `--proxy-client-key-file=${tls}/client-auth-proxy.key`,
        '--requestheader-allowed-names=system:auth-proxy',
        `--requestheader-client-ca-file=${tls}/request-header-ca.crt`,
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-username-headers=X-Remote-User',
        '--secure-port=6443',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${tls}/service.key`,
        `--service-account-signing-key-file=${tls}/service.current.key`,
        '--service-cluster-ip-range=10.43.0.0/16',
        '--service-node-port-range=30000-32767',
        '--storage-backend=etcd3',
        `--tls-cert-file=${tls}/serving-kube-apiserver.crt`,
        '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
        `--tls-private-key-file=${tls}/serving-kube-apiserver.key`,
      ];
    case 'kube-controller-manager':
      return [
        '--permit-port-sharing=true',
        '--flex-volume-plugin-dir=/var/lib/kubelet/volumeplugins',
        '--terminated-pod-gc-threshold=1000',
        '--allocate-node-cidrs=true',
        `--authentication-kubeconfig=${d}/server/cred/controller.kubeconfig`,
        `--authorization-kubeconfig=${d}/server/cred/controller.kubeconfig`,
        '--bind-address=127.0.0.1',
        '--cluster-cidr=10.42.0.0/16',
        `--cluster-signing-kube-apiserver-client-cert-file=${tls}/client-ca.nochain.crt`,
        `--cluster-signing-kube-apiserver-client-key-file=${tls}/client-ca.key`,
        `--cluster-signing-kubelet-client-cert-file=${tls}/client-ca.nochain.crt`,
        `--cluster-signing-kubelet-client-key-file=${tls}/client-ca.key`,
        `--cluster-signing-kubelet-serving-cert-file=${tls}/server-ca.nochain.crt`,
        `--cluster-signing-kubelet-serving-key-file=${tls}/server-ca.key`,
        `--cluster-signing-legacy-unknown-cert-file=${tls}/server-ca.nochain.crt`,
        `--cluster-signing-legacy-unknown-key-file=${tls}/server-ca.key`,
        '--configure-cloud-routes=false',
        '--controllers=*,tokencleaner,-service,-route,-cloud-node-lifecycle',
        `--kubeconfig=${d}/server/cred/controller.kubeconfig`,
        '--profiling=false',
        `--root-ca-file=${tls}/server-ca.crt`,
        '--secure-port=10257',
        `--service-account-private-key-file=${tls}/service.current.key`,
        '--service-cluster-ip-range=10.43.0.0/16',
        `--tls-cert-file=${tls}/kube-controller-manager/kube-controller-manager.crt`,
        `--tls-private-key-file=${tls}/kube-controller-manager/kube-controller-manager.key`,
        '--use-service-account-credentials=true',
      ];
    case 'kube-scheduler':
      return [
        '--permit-port-sharing=true',
        `--authentication-kubeconfig=${d}/server/cred/scheduler.kubeconfig`,
        `--authorization-kubeconfig=${d}/server/cred/scheduler.kubeconfig`,
        '--bind-address=127.0.0.1',
        `--kubeconfig=${d}/server/cred/scheduler.kubeconfig`,
        '--profiling=false',
        '--secure-port=10259',
        `--tls-cert-file=${tls}/kube-scheduler/kube-scheduler.crt`,
        `--tls-private-key-file=${tls}/kube-scheduler/kube-scheduler.key`,
      ];
    case 'kube-proxy':
      return [
        '--cluster-cidr=10.42.0.0/16',
        '--conntrack-max-per-core=0',
        '--conntrack-tcp-timeout-close-wait=0s',
        '--conntrack-tcp-timeout-established=0s',
        '--healthz-bind-address=127.0.0.1',
        `--hostname-override=${node.name}`,
        `--kubeconfig=${d}/agent/kubeproxy.kubeconfig`,
        '--proxy-mode=iptables',
      ];
    case 'etcd':
      return [`--config-file=${d}/server/db/etcd/config`];
    default:
      return [];
  }
}

function rke2Image(component: string, version: string): string {
  const tag = version.replace('+', '-');
  return component === 'etcd' ? 'index.docker.io/rancher/hardened-etcd:v3.5.16-k3s1-build20241106' : `index.docker.io/rancher/hardened-kubernetes:${tag}-build20250113`;
}

/**
 * The CNI files of the default network: k3s writes flannel's conflist for its containerd
 * (agent/etc/cni/net.d), RKE2's canal chart writes /etc/cni/net.d/10-canal.conflist; the
 * host-local IPAM plugin keeps a lease file per pod address under /var/lib/cni/networks,
 * 0600 as the k3s self-assessment shows them (control 1.1.9).
 */
function writeCni(tree: TreeWriter, spec: RancherSpec, node: RancherNodeSpec): void {
  const portmap = { type: 'portmap', snat: true, capabilities: { portMappings: true } };
  const bandwidth = { type: 'bandwidth', capabilities: { bandwidth: true } };
  const network = spec.program === 'k3s' ? 'cbr0' : 'k8s-pod-network';
  if (spec.program === 'k3s') {
    const flannel = { type: 'flannel', delegate: { hairpinMode: true, forceAddress: true, isDefaultGateway: true } };
    tree.write(node.name, `${dataDir('k3s')}/agent/etc/cni/net.d/10-flannel.conflist`, `${JSON.stringify({ name: network, cniVersion: '1.0.0', plugins: [flannel, portmap, bandwidth] }, null, 2)}\n`, KEY);
  } else {
    const calico = { type: 'calico', log_level: 'info', datastore_type: 'kubernetes', mtu: 1450, ipam: { type: 'host-local', subnet: 'usePodCidr' }, policy: { type: 'k8s' }, kubernetes: { kubeconfig: '/etc/cni/net.d/calico-kubeconfig' } };
    tree.write(node.name, '/etc/cni/net.d/10-canal.conflist', `${JSON.stringify({ name: network, cniVersion: '0.3.1', plugins: [calico, portmap, bandwidth] }, null, 2)}\n`, KEY);
  }
  const leases = `/var/lib/cni/networks/${network}`;
  const index = spec.nodes.indexOf(node);
  tree.write(node.name, `${leases}/10.42.${index}.2`, `${randomBytes(32).toString('hex')}\r\neth0`, KEY);
  tree.write(node.name, `${leases}/last_reserved_ip.0`, `10.42.${index}.2`, KEY);
  tree.write(node.name, `${leases}/lock`, '', KEY);
}

/** Writes one node. Returns the member name of its embedded etcd (servers). */
export async function writeRancherNode(tree: TreeWriter, pki: PkiFactory, spec: RancherSpec, cas: RancherCAs, node: RancherNodeSpec, index: number): Promise<void> {
  const host = node.name;
  const data = dataDir(spec.program);
  const servers = spec.nodes.filter((n) => n.role === 'server');
  const first = servers[0];
  const memberName = (n: RancherNodeSpec) => `${n.name}-${Buffer.from(n.name).toString('hex').slice(-8)}`;
  tree.write(host, '/etc/hostname', `${host}\n`);
  if (spec.program === 'k3s') tree.recordVersion(host, 'k3s', spec.version); // `kaudit collect` records it; no file of a k3s node holds it
  writeUnit(tree, spec, node, cas, first);
  tree.write(host, `/etc/rancher/${spec.program}/config.yaml`, configYaml(spec, node, cas, first, node === first), KEY);

  // The agent side: every node runs a kubelet and kube-proxy.
  const agent = `${data}/agent`;
  tree.write(host, `${agent}/client-ca.crt`, cas.clientCa.certPem, CERT);
  tree.write(host, `${agent}/server-ca.crt`, cas.serverCa.certPem, CERT);
  writeBundle(tree, host, `${agent}/client-kubelet`, await pki.leaf(cas.clientCa, `system:node:${host}`, { organizations: ['system:nodes'], usages: ['clientAuth'] }), cas.clientCa);
  writeBundle(tree, host, `${agent}/serving-kubelet`, await pki.leaf(cas.serverCa, host, { dnsNames: [host, 'localhost'], ipAddresses: [node.ip, '127.0.0.1'], usages: ['serverAuth'] }), cas.serverCa);
  writeBundle(tree, host, `${agent}/client-kube-proxy`, await pki.leaf(cas.clientCa, 'system:kube-proxy', { usages: ['clientAuth'] }), cas.clientCa);
  writeBundle(tree, host, `${agent}/client-${spec.program}-controller`, await pki.leaf(cas.clientCa, `system:${spec.program}-controller`, { usages: ['clientAuth'] }), cas.clientCa);
  const local = 'https://127.0.0.1:6443';
  tree.write(host, `${agent}/kubelet.kubeconfig`, fileKubeconfig(local, `${agent}/server-ca.crt`, `${agent}/client-kubelet.crt`, `${agent}/client-kubelet.key`), KEY);
  tree.write(host, `${agent}/kubeproxy.kubeconfig`, fileKubeconfig(local, `${agent}/server-ca.crt`, `${agent}/client-kube-proxy.crt`, `${agent}/client-kube-proxy.key`), KEY);
  tree.write(host, `${agent}/${spec.program}controller.kubeconfig`, fileKubeconfig(local, `${agent}/server-ca.crt`, `${agent}/client-${spec.program}-controller.crt`, `${agent}/client-${spec.program}-controller.key`), KEY);
  tree.write(host, `${agent}/etc/kubelet.conf.d/00-${spec.program}-defaults.conf`, kubeletDefaults(spec.program), KEY);
  // containerd's image store: a CA bundle and manifests inside image layers are not the node's configuration.
  const layer = `${agent}/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs`;
  tree.write(host, `${layer}/etc/ssl/certs/ca-certificates.crt`, cas.serverCa.certPem);
  tree.write(host, `${layer}/etc/kubernetes/manifests/kube-apiserver.yaml`, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.20.0\n    command: [kube-apiserver, --anonymous-auth=true]\n');
  if (spec.program === 'rke2') {
    tree.write(host, `${data}/data/${spec.version.replace('+', '-')}-1a2b3c4d5e6f/bin/kubelet`, '');
    tree.symlink(host, `${data}/data/current`, `${data}/data/${spec.version.replace('+', '-')}-1a2b3c4d5e6f`);
    tree.write(host, `${agent}/pod-manifests/kube-proxy.yaml`, rke2Pod('kube-proxy', rke2Image('kube-proxy', spec.version), rke2PodArgs('kube-proxy', node, spec.hardened), [`${agent}`], [`${agent}/kubeproxy.kubeconfig`]), KEY);
  }
  writeCni(tree, spec, node);
  if (node.role !== 'server') return;

  const tls = `${data}/server/tls`;
  writeCa(tree, host, `${tls}/server-ca`, cas.serverCa, true);
  writeCa(tree, host, `${tls}/client-ca`, cas.clientCa, true);
  writeCa(tree, host, `${tls}/request-header-ca`, cas.requestHeaderCa);
  writeCa(tree, host, `${tls}/etcd/server-ca`, cas.etcdServerCa);
  writeCa(tree, host, `${tls}/etcd/peer-ca`, cas.etcdPeerCa);
  tree.write(host, `${tls}/service.key`, privateKeyPem(cas.serviceAccount), KEY);
  tree.write(host, `${tls}/service.current.key`, privateKeyPem(cas.serviceAccount), KEY);
  // Keys the server keeps to sign the agents' kubelet certificates (no certificate beside them).
  tree.write(host, `${tls}/client-kubelet.key`, (await pki.leaf(cas.clientCa, 'unused')).keyPem, KEY);
  tree.write(host, `${tls}/serving-kubelet.key`, (await pki.leaf(cas.serverCa, 'unused')).keyPem, KEY);
  writeBundle(tree, host, `${tls}/serving-kube-apiserver`, await pki.leaf(cas.serverCa, 'kube-apiserver', {
    dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', host, `${spec.program}.example.internal`],
    ipAddresses: ['10.43.0.1', '127.0.0.1', node.ip],
    usages: ['serverAuth'],
  }), cas.serverCa);
  const clients: Array<[string, string, string[]]> = [
    ['client-admin', 'system:admin', ['system:masters']],
    ['client-controller', 'system:kube-controller-manager', []],
    ['client-scheduler', 'system:kube-scheduler', []],
    ['client-kube-apiserver', 'system:apiserver', ['system:masters']],
    ['client-kube-proxy', 'system:kube-proxy', []],
    ['client-supervisor', `system:${spec.program}-supervisor`, ['system:masters']],
    [`client-${spec.program}-controller`, `system:${spec.program}-controller`, []],
  ];
  const issued = new Map<string, Issued>();
  for (const [file, cn, orgs] of clients) {
    const leaf = await pki.leaf(cas.clientCa, cn, { organizations: orgs, usages: ['clientAuth'] });
    issued.set(file, leaf);
    writeBundle(tree, host, `${tls}/${file}`, leaf, cas.clientCa);
  }
  writeBundle(tree, host, `${tls}/client-auth-proxy`, await pki.leaf(cas.requestHeaderCa, 'system:auth-proxy', { usages: ['clientAuth'] }), cas.requestHeaderCa);
  const etcdNames = { dnsNames: ['localhost', host], ipAddresses: ['127.0.0.1', node.ip] };
  writeBundle(tree, host, `${tls}/etcd/server-client`, await pki.leaf(cas.etcdServerCa, 'etcd-server', { ...etcdNames, usages: ['serverAuth', 'clientAuth'] }), cas.etcdServerCa);
  writeBundle(tree, host, `${tls}/etcd/peer-server-client`, await pki.leaf(cas.etcdPeerCa, 'etcd-peer', { ...etcdNames, usages: ['serverAuth', 'clientAuth'] }), cas.etcdPeerCa);
  writeBundle(tree, host, `${tls}/etcd/client`, await pki.leaf(cas.etcdServerCa, 'etcd-client', { usages: ['clientAuth'] }), cas.etcdServerCa);

  const cred = `${data}/server/cred`;
  const apiserver = `https://127.0.0.1:${spec.program === 'k3s' ? 6444 : 6443}`;
  for (const [name, file] of [['admin', 'client-admin'], ['controller', 'client-controller'], ['scheduler', 'client-scheduler'], ['api-server', 'client-kube-apiserver'], ['supervisor', 'client-supervisor']]) {
    tree.write(host, `${cred}/${name}.kubeconfig`, fileKubeconfig(apiserver, `${tls}/server-ca.crt`, `${tls}/${file}.crt`, `${tls}/${file}.key`), KEY);
  }
  tree.write(host, `${cred}/encryption-config.json`, encryptionConfigJson(cas.encryptionKey), KEY);
  tree.write(host, `/etc/rancher/${spec.program}/${spec.program}.yaml`, embeddedKubeconfig(local, cas.serverCa, issued.get('client-admin')!, cas.clientCa), KEY);
  tree.write(host, `${data}/server/token`, `${cas.token}\n`, KEY);
  if (spec.hardened && spec.program === 'k3s') {
    tree.write(host, `${data}/server/psa.yaml`, 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1beta1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: "restricted"\n      enforce-version: "latest"\n', KEY);
    tree.write(host, `${data}/server/audit.yaml`, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n', KEY);
  }
  const members = servers.slice(0, servers.indexOf(node) + 1);
  tree.write(host, `${data}/server/db/etcd/config`, etcdConfig(spec.program, node, members, memberName), KEY);
  tree.write(host, `${data}/server/db/etcd/member/snap/db`, randomBytes(64));
  // etcd creates its data folder private (fileutil.PrivateDirMode); the CIS guides check 700.
  tree.setMode(host, `${data}/server/db/etcd`, 0o700);
  if (spec.program === 'rke2') {
    tree.write(host, '/etc/rancher/rke2/rke2-pss.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1beta1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: "restricted"\n', KEY);
    if (spec.hardened) tree.write(host, '/etc/rancher/rke2/audit-policy.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata:\n  creationTimestamp: null\nrules:\n- level: None\n', KEY);
    for (const name of ['kube-controller-manager', 'kube-scheduler']) {
      const leaf = await pki.leaf(cas.serverCa, name, { dnsNames: ['localhost', host], ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
      writeBundle(tree, host, `${tls}/${name}/${name}`, leaf, cas.serverCa);
    }
    const pods = `${agent}/pod-manifests`;
    tree.write(host, `${pods}/etcd.yaml`, rke2Pod('etcd', rke2Image('etcd', spec.version), rke2PodArgs('etcd', node, spec.hardened), [`${data}/server/db/etcd`], [`${tls}/etcd/server-client.crt`, `${tls}/etcd/server-client.key`, `${tls}/etcd/server-ca.crt`, `${tls}/etcd/peer-server-client.crt`, `${tls}/etcd/peer-server-client.key`, `${tls}/etcd/peer-ca.crt`]), KEY);
    tree.write(host, `${pods}/kube-apiserver.yaml`, rke2Pod('kube-apiserver', rke2Image('kube-apiserver', spec.version), rke2PodArgs('kube-apiserver', node, spec.hardened), ['/etc/ssl/certs', `${data}/server/logs`, `${data}/server`, '/etc/rancher/rke2'], [`${data}/server/db/etcd/name`]), KEY);
    tree.write(host, `${pods}/kube-controller-manager.yaml`, rke2Pod('kube-controller-manager', rke2Image('kube-controller-manager', spec.version), rke2PodArgs('kube-controller-manager', node, spec.hardened), ['/etc/ssl/certs', `${data}/server/cred`, `${tls}`]), KEY);
    tree.write(host, `${pods}/kube-scheduler.yaml`, rke2Pod('kube-scheduler', rke2Image('kube-scheduler', spec.version), rke2PodArgs('kube-scheduler', node, spec.hardened), [`${data}/server/cred`, `${tls}`]), KEY);
  }
  void index;
}

/** Writes a whole k3s or RKE2 cluster, with snapshot manifests recording modes and the release. */
export async function writeRancherCluster(tree: TreeWriter, pki: PkiFactory, spec: RancherSpec): Promise<RancherCAs> {
  const cas = await makeRancherCAs(pki, spec.program);
  for (const [index, node] of spec.nodes.entries()) await writeRancherNode(tree, pki, spec, cas, node, index);
  tree.writeSnapshotManifests();
  return cas;
}
