import { ruleTester, type CaseContext, type InvalidCase, type ValidCase } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, kubeconfigText, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { generateKeyPair, privateKeyPem, publicKeyPem, type KeySpec, type PrivateKeyFormat } from '../../../src/pki/issue.js';

const FORMATS: Array<[string, KeySpec, PrivateKeyFormat]> = [
  ['RSA PKCS#1', { algorithm: 'rsa', bits: 2048 }, 'pkcs1'],
  ['RSA PKCS#8', { algorithm: 'rsa', bits: 2048 }, 'pkcs8'],
  ['ECDSA P-256 SEC1', { algorithm: 'ec', curve: 'P-256' }, 'sec1'],
  ['ECDSA P-384 PKCS#8', { algorithm: 'ec', curve: 'P-384' }, 'pkcs8'],
  ['Ed25519 PKCS#8', { algorithm: 'ed25519' }, 'pkcs8'],
];

const ETCD_FLAGS = ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--key-file=/etc/kubernetes/pki/etcd/server.key'];

async function etcdWithKey({ tree, pki }: CaseContext, spec: KeySpec, format: PrivateKeyFormat, matching: boolean): Promise<void> {
  const ca = await pki.ca('etcd-ca', { spec });
  const server = await pki.leaf(ca, 'cp-1', { spec, usages: ['serverAuth', 'clientAuth'] });
  const key = matching ? server.key : await generateKeyPair(spec);
  tree.write('cp-1', '/etc/kubernetes/pki/etcd/server.crt', server.certPem);
  tree.write('cp-1', '/etc/kubernetes/pki/etcd/server.key', privateKeyPem(key, format), 0o600);
  staticPod(tree, 'cp-1', 'etcd', ETCD_FLAGS);
}

const valid: ValidCase[] = FORMATS.map(([name, spec, format]) => ({
  name: `etcd --cert-file and --key-file pair (${name})`,
  build: (ctx) => etcdWithKey(ctx, spec, format, true),
}));
const invalid: InvalidCase[] = FORMATS.map(([name, spec, format]) => ({
  name: `etcd --key-file of another pair (${name})`,
  build: (ctx: CaseContext) => etcdWithKey(ctx, spec, format, false),
  findings: [`cp-1 cp-1/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE + 1}`],
  messages: ['etcd --key-file /etc/kubernetes/pki/etcd/server.key is not the key of that certificate'],
  related: [`cp-1 cp-1/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE}`],
}));

ruleTester('pki/key-mismatch', {
  valid: [
    ...valid,
    {
      name: "a combined cert+key file (kubeadm's kubelet-client-current.pem) named twice by a kubeconfig",
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const client = await pki.leaf(ca, 'system:node:w1', { usages: ['clientAuth'] });
        tree.write('w1', '/var/lib/kubelet/pki/kubelet-client-2026.pem', client.certPem + client.keyPem, 0o600);
        tree.symlink('w1', '/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet-client-2026.pem');
        tree.write('w1', '/etc/kubernetes/kubelet.conf', [
          'apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: default-auth', '  user:',
          '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
          '    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem', '',
        ].join('\n'));
      },
    },
    {
      name: "k3s's keys kept without a certificate (server/tls/client-kubelet.key): nothing names them beside a certificate",
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('k3s-client-ca');
        tree.write('s1', '/var/lib/rancher/k3s/server/tls/client-kubelet.key', (await pki.leaf(ca, 'unused')).keyPem, 0o600);
      },
    },
    {
      name: 'the service-account key pair shared by controller-manager and apiserver',
      build: async ({ tree }) => {
        const sa = await generateKeyPair({ algorithm: 'rsa', bits: 2048 });
        tree.write('cp', '/etc/kubernetes/pki/sa.key', privateKeyPem(sa), 0o600);
        tree.write('cp', '/etc/kubernetes/pki/sa.pub', publicKeyPem(sa));
        staticPod(tree, 'cp', 'kube-apiserver', ['--service-account-key-file=/etc/kubernetes/pki/sa.pub']);
        staticPod(tree, 'cp', 'kube-controller-manager', ['--service-account-private-key-file=/etc/kubernetes/pki/sa.key']);
      },
    },
  ],
  invalid: [
    ...invalid,
    {
      name: 'a combined file whose key is not its certificate\'s, in a kubeconfig',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const client = await pki.leaf(ca, 'system:node:w1', { usages: ['clientAuth'] });
        const other = await generateKeyPair({ algorithm: 'ec', curve: 'P-256' });
        tree.write('w1', '/var/lib/kubelet/pki/kubelet-client-current.pem', client.certPem + privateKeyPem(other), 0o600);
        tree.write('w1', '/etc/kubernetes/kubelet.conf', [
          'apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: default-auth', '  user:',
          '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
          '    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem', '',
        ].join('\n'));
      },
      findings: ['w1 w1/etc/kubernetes/kubelet.conf:8'],
    },
    {
      name: 'an embedded kubeconfig key of another pair',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const admin = await pki.leaf(ca, 'kubernetes-admin', { usages: ['clientAuth'] });
        const other = await pki.leaf(ca, 'kubernetes-admin', { usages: ['clientAuth'] });
        tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', { ...admin, keyPem: other.keyPem }));
      },
      findings: ['cp cp/etc/kubernetes/admin.conf:18'],
    },
    {
      name: 'a key file that holds only a certificate, in a systemd unit',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const apiserver = await pki.leaf(ca, 'kubernetes', { usages: ['serverAuth'] });
        tree.write('c0', '/var/lib/kubernetes/kubernetes.pem', apiserver.certPem);
        tree.write('c0', '/var/lib/kubernetes/kubernetes-key.pem', apiserver.certPem, 0o600);
        unit(tree, 'c0', 'kube-apiserver', ['--tls-cert-file=/var/lib/kubernetes/kubernetes.pem', '--tls-private-key-file=/var/lib/kubernetes/kubernetes-key.pem']);
      },
      findings: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE + 1}`],
      messages: ['holds no private key'],
    },
    {
      name: 'a certificate file that holds only a key (the two paths swapped), in a static pod',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        const server = await pki.leaf(ca, 'cp-1', { usages: ['serverAuth', 'clientAuth'] });
        tree.write('cp-1', '/etc/kubernetes/pki/etcd/server.crt', server.keyPem, 0o600);
        tree.write('cp-1', '/etc/kubernetes/pki/etcd/server.key', server.keyPem, 0o600);
        staticPod(tree, 'cp-1', 'etcd', ETCD_FLAGS);
      },
      findings: [`cp-1 cp-1/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['etcd --cert-file /etc/kubernetes/pki/etcd/server.crt holds no certificate (it holds a private key: the key named where the certificate belongs)'],
      related: [`cp-1 cp-1/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE + 1}`],
    },
    {
      name: 'a kubeconfig user with a client certificate but no key, and one with a key but no certificate',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        const admin = await pki.leaf(ca, 'kubernetes-admin', { usages: ['clientAuth'] });
        tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', admin).replace(/\n {4}client-key-data: .*\n/, '\n'), 0o600);
        tree.write('cp', '/etc/kubernetes/other.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'other', admin).replace(/\n {4}client-certificate-data: .*\n/, '\n'), 0o600);
      },
      findings: ['cp cp/etc/kubernetes/admin.conf:15', 'cp cp/etc/kubernetes/other.conf:15'],
      messages: ['user admin has a client-certificate but no client-key', 'user other has a client-key but no client-certificate'],
    },
    {
      name: 'the controller-manager signs service-account tokens with a key the apiserver does not accept',
      build: async ({ tree }) => {
        const sa = await generateKeyPair({ algorithm: 'rsa', bits: 2048 });
        const other = await generateKeyPair({ algorithm: 'rsa', bits: 2048 });
        tree.write('cp', '/etc/kubernetes/pki/sa.key', privateKeyPem(sa), 0o600);
        tree.write('cp', '/etc/kubernetes/pki/sa.pub', publicKeyPem(other));
        staticPod(tree, 'cp', 'kube-apiserver', ['--service-account-key-file=/etc/kubernetes/pki/sa.pub']);
        staticPod(tree, 'cp', 'kube-controller-manager', ['--service-account-private-key-file=/etc/kubernetes/pki/sa.key']);
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-controller-manager.yaml:${POD_FIRST_FLAG_LINE}`],
      related: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
    },
  ],
});
