/**
 * A cluster as kubernetes-the-hard-way (the v1.21.0 guide) builds it: three controllers
 * running etcd and the control plane from systemd units, three workers with containerd,
 * kubelet and kube-proxy, certificates from one cfssl CA, kubeconfigs with embedded
 * certificates, the bridge CNI config. Files are written anew in the guide's shapes, with
 * the heredoc variables expanded as the shell would; certificates are issued at test time.
 */
import { randomBytes } from 'node:crypto';
import { BRIDGE_CONF, LOOPBACK_CONF } from './cni.js';
import { kubeconfigText } from './hosts.js';
import type { Issued, PkiFactory } from './pki.js';
import { procNetRoute } from './routes.js';
import type { TreeWriter } from './tree.js';

export const CONTROLLERS = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
export const WORKERS = [0, 1, 2].map((i) => ({ name: `worker-${i}`, ip: `10.240.0.2${i}`, podCidr: `10.200.${i}.0/24` }));
const PUBLIC_ADDRESS = '203.0.113.10';
const VERSION = '1.21.0';
const RSA = { algorithm: 'rsa' as const, bits: 2048 };

function unitFile(description: string, execStart: string[], extra: string[] = []): string {
  return [
    '[Unit]',
    `Description=${description}`,
    'Documentation=https://github.com/kubernetes/kubernetes',
    '',
    '[Service]',
    ...extra,
    `ExecStart=${execStart[0]} \\`,
    ...execStart.slice(1).map((flag, i, all) => `  ${flag}${i < all.length - 1 ? ' \\' : ''}`),
    'Restart=on-failure',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** cfssl's "kubernetes" profile: every certificate may serve and be a client, for one year. */
async function cfssl(pki: PkiFactory, ca: Issued, cn: string, o: string, hosts: string[] = []): Promise<Issued> {
  const isIp = (h: string) => /^[\d.]+$/.test(h);
  return pki.leaf(ca, cn, {
    organizations: [o],
    spec: RSA,
    usages: ['serverAuth', 'clientAuth'],
    dnsNames: hosts.filter((h) => !isIp(h)),
    ipAddresses: hosts.filter(isIp),
    validForDays: 365,
  });
}

function writePem(tree: TreeWriter, host: string, base: string, issued: Issued): void {
  tree.write(host, `${base}.pem`, issued.certPem, 0o644);
  tree.write(host, `${base}-key.pem`, issued.keyPem, 0o600);
}

export async function writeHardWayCluster(tree: TreeWriter, pki: PkiFactory): Promise<void> {
  const ca = await pki.ca('Kubernetes', { organizations: ['Kubernetes'], spec: RSA, validForDays: 1825 });
  // The guide's KUBERNETES_HOSTNAMES, as it wrote them.
  const kubernetes = await cfssl(pki, ca, 'kubernetes', 'Kubernetes', [
    '10.32.0.1', ...CONTROLLERS.map((c) => c.ip), PUBLIC_ADDRESS, '127.0.0.1',
    'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster', 'kubernetes.svc.cluster.local',
  ]);
  const serviceAccount = await cfssl(pki, ca, 'service-accounts', 'Kubernetes');
  const controllerManager = await cfssl(pki, ca, 'system:kube-controller-manager', 'system:kube-controller-manager');
  const scheduler = await cfssl(pki, ca, 'system:kube-scheduler', 'system:kube-scheduler');
  const proxy = await cfssl(pki, ca, 'system:kube-proxy', 'system:node-proxier');
  const encryptionKey = randomBytes(32).toString('base64');
  const initialCluster = CONTROLLERS.map((c) => `${c.name}=https://${c.ip}:2380`).join(',');

  for (const controller of CONTROLLERS) {
    const host = controller.name;
    for (const dir of ['/etc/etcd', '/var/lib/kubernetes']) {
      tree.write(host, `${dir}/ca.pem`, ca.certPem, 0o644);
      writePem(tree, host, `${dir}/kubernetes`, kubernetes);
    }
    tree.write(host, '/var/lib/kubernetes/ca-key.pem', ca.keyPem, 0o600);
    writePem(tree, host, '/var/lib/kubernetes/service-account', serviceAccount);
    tree.write(host, '/var/lib/kubernetes/encryption-config.yaml', [
      'kind: EncryptionConfig', 'apiVersion: v1', 'resources:', '  - resources:', '      - secrets', '    providers:',
      '      - aescbc:', '          keys:', '            - name: key1', `              secret: ${encryptionKey}`, '      - identity: {}', '',
    ].join('\n'), 0o600);
    tree.write(host, '/var/lib/kubernetes/kube-controller-manager.kubeconfig', kubeconfigText('https://127.0.0.1:6443', ca, 'system:kube-controller-manager', controllerManager), 0o600);
    tree.write(host, '/var/lib/kubernetes/kube-scheduler.kubeconfig', kubeconfigText('https://127.0.0.1:6443', ca, 'system:kube-scheduler', scheduler), 0o600);
    tree.write(host, '/etc/kubernetes/config/kube-scheduler.yaml', 'apiVersion: kubescheduler.config.k8s.io/v1beta1\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: "/var/lib/kubernetes/kube-scheduler.kubeconfig"\nleaderElection:\n  leaderElect: true\n');

    tree.write(host, '/etc/systemd/system/etcd.service', unitFile('etcd', [
      '/usr/local/bin/etcd',
      `--name ${controller.name}`,
      '--cert-file=/etc/etcd/kubernetes.pem',
      '--key-file=/etc/etcd/kubernetes-key.pem',
      '--peer-cert-file=/etc/etcd/kubernetes.pem',
      '--peer-key-file=/etc/etcd/kubernetes-key.pem',
      '--trusted-ca-file=/etc/etcd/ca.pem',
      '--peer-trusted-ca-file=/etc/etcd/ca.pem',
      '--peer-client-cert-auth',
      '--client-cert-auth',
      `--initial-advertise-peer-urls https://${controller.ip}:2380`,
      `--listen-peer-urls https://${controller.ip}:2380`,
      `--listen-client-urls https://${controller.ip}:2379,https://127.0.0.1:2379`,
      `--advertise-client-urls https://${controller.ip}:2379`,
      '--initial-cluster-token etcd-cluster-0',
      `--initial-cluster ${initialCluster}`,
      '--initial-cluster-state new',
      '--data-dir=/var/lib/etcd',
    ], ['Type=notify']));
    tree.write(host, '/etc/systemd/system/kube-apiserver.service', unitFile('Kubernetes API Server', [
      '/usr/local/bin/kube-apiserver',
      `--advertise-address=${controller.ip}`,
      '--allow-privileged=true',
      '--apiserver-count=3',
      '--audit-log-path=/var/log/audit.log',
      '--authorization-mode=Node,RBAC',
      '--bind-address=0.0.0.0',
      '--client-ca-file=/var/lib/kubernetes/ca.pem',
      '--enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota',
      '--etcd-cafile=/var/lib/kubernetes/ca.pem',
      '--etcd-certfile=/var/lib/kubernetes/kubernetes.pem',
      '--etcd-keyfile=/var/lib/kubernetes/kubernetes-key.pem',
      `--etcd-servers=${CONTROLLERS.map((c) => `https://${c.ip}:2379`).join(',')}`,
      '--event-ttl=1h',
      '--encryption-provider-config=/var/lib/kubernetes/encryption-config.yaml',
      '--kubelet-certificate-authority=/var/lib/kubernetes/ca.pem',
      '--kubelet-client-certificate=/var/lib/kubernetes/kubernetes.pem',
      '--kubelet-client-key=/var/lib/kubernetes/kubernetes-key.pem',
      "--runtime-config='api/all=true'",
      '--service-account-key-file=/var/lib/kubernetes/service-account.pem',
      '--service-account-signing-key-file=/var/lib/kubernetes/service-account-key.pem',
      `--service-account-issuer=https://${PUBLIC_ADDRESS}:6443`,
      '--service-cluster-ip-range=10.32.0.0/24',
      '--service-node-port-range=30000-32767',
      '--tls-cert-file=/var/lib/kubernetes/kubernetes.pem',
      '--tls-private-key-file=/var/lib/kubernetes/kubernetes-key.pem',
      '--v=2',
    ]));
    tree.write(host, '/etc/systemd/system/kube-controller-manager.service', unitFile('Kubernetes Controller Manager', [
      '/usr/local/bin/kube-controller-manager',
      '--bind-address=0.0.0.0',
      '--cluster-cidr=10.200.0.0/16',
      '--cluster-name=kubernetes',
      '--cluster-signing-cert-file=/var/lib/kubernetes/ca.pem',
      '--cluster-signing-key-file=/var/lib/kubernetes/ca-key.pem',
      '--kubeconfig=/var/lib/kubernetes/kube-controller-manager.kubeconfig',
      '--leader-elect=true',
      '--root-ca-file=/var/lib/kubernetes/ca.pem',
      '--service-account-private-key-file=/var/lib/kubernetes/service-account-key.pem',
      '--service-cluster-ip-range=10.32.0.0/24',
      '--use-service-account-credentials=true',
      '--v=2',
    ]));
    tree.write(host, '/etc/systemd/system/kube-scheduler.service', unitFile('Kubernetes Scheduler', [
      '/usr/local/bin/kube-scheduler',
      '--config=/etc/kubernetes/config/kube-scheduler.yaml',
      '--v=2',
    ]));
    tree.write(host, '/proc/net/route', procNetRoute([['ens4', '0.0.0.0/0', '10.240.0.1'], ['ens4', '10.240.0.0/24']]));
    const versions = { 'kube-apiserver': VERSION, 'kube-controller-manager': VERSION, 'kube-scheduler': VERSION, etcd: '3.4.15' };
    tree.write(host, '/.kaudit-snapshot.json', `${JSON.stringify({ versions }, null, 2)}\n`);
  }

  for (const worker of WORKERS) {
    const host = worker.name;
    const kubelet = await cfssl(pki, ca, `system:node:${worker.name}`, 'system:nodes', [worker.name, `198.51.100.2${worker.name.slice(-1)}`, worker.ip]);
    writePem(tree, host, `/var/lib/kubelet/${worker.name}`, kubelet);
    tree.write(host, '/var/lib/kubernetes/ca.pem', ca.certPem, 0o644);
    tree.write(host, '/var/lib/kubelet/kubeconfig', kubeconfigText(`https://${PUBLIC_ADDRESS}:6443`, ca, `system:node:${worker.name}`, kubelet), 0o600);
    tree.write(host, '/var/lib/kube-proxy/kubeconfig', kubeconfigText(`https://${PUBLIC_ADDRESS}:6443`, ca, 'system:kube-proxy', proxy), 0o600);
    tree.write(host, '/var/lib/kubelet/kubelet-config.yaml', [
      'kind: KubeletConfiguration', 'apiVersion: kubelet.config.k8s.io/v1beta1', 'authentication:', '  anonymous:', '    enabled: false', '  webhook:', '    enabled: true',
      '  x509:', '    clientCAFile: "/var/lib/kubernetes/ca.pem"', 'authorization:', '  mode: Webhook', 'clusterDomain: "cluster.local"', 'clusterDNS:', '  - "10.32.0.10"',
      `podCIDR: "${worker.podCidr}"`, 'resolvConf: "/run/systemd/resolve/resolv.conf"', 'runtimeRequestTimeout: "15m"',
      `tlsCertFile: "/var/lib/kubelet/${worker.name}.pem"`, `tlsPrivateKeyFile: "/var/lib/kubelet/${worker.name}-key.pem"`, '',
    ].join('\n'));
    tree.write(host, '/var/lib/kube-proxy/kube-proxy-config.yaml', 'kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nclientConnection:\n  kubeconfig: "/var/lib/kube-proxy/kubeconfig"\nmode: "iptables"\nclusterCIDR: "10.200.0.0/16"\n');
    tree.write(host, '/etc/cni/net.d/10-bridge.conf', BRIDGE_CONF.replace('10.200.0.0/24', worker.podCidr));
    tree.write(host, '/etc/cni/net.d/99-loopback.conf', LOOPBACK_CONF);
    tree.write(host, '/etc/systemd/system/containerd.service', unitFile('containerd container runtime', ['/bin/containerd'], ['ExecStartPre=/sbin/modprobe overlay']));
    tree.write(host, '/etc/systemd/system/kubelet.service', unitFile('Kubernetes Kubelet', [
      '/usr/local/bin/kubelet',
      '--config=/var/lib/kubelet/kubelet-config.yaml',
      '--container-runtime=remote',
      '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock',
      '--image-pull-progress-deadline=2m',
      '--kubeconfig=/var/lib/kubelet/kubeconfig',
      '--network-plugin=cni',
      '--register-node=true',
      '--v=2',
    ]));
    tree.write(host, '/etc/systemd/system/kube-proxy.service', unitFile('Kubernetes Kube Proxy', ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/kube-proxy-config.yaml']));
    tree.write(host, '/proc/net/route', procNetRoute([['ens4', '0.0.0.0/0', '10.240.0.1'], ['ens4', '10.240.0.0/24'], ['cnio0', worker.podCidr]]));
    tree.write(host, '/.kaudit-snapshot.json', `${JSON.stringify({ versions: { kubelet: VERSION, 'kube-proxy': VERSION } }, null, 2)}\n`);
  }
}
