import { ruleTester } from '../../support/rule-tester.js';
import { staticPod, unit, UNIT_FIRST_FLAG_LINE, writePair } from '../../support/hosts.js';

const API_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

ruleTester('pki/missing-san', {
  valid: [
    {
      name: 'an apiserver certificate with every name and IP',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'cp', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { dnsNames: API_NAMES, ipAddresses: ['10.96.0.1', '10.0.0.11'] }));
        staticPod(tree, 'cp', 'kube-apiserver', ['--advertise-address=10.0.0.11', '--service-cluster-ip-range=10.96.0.0/12', '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt']);
      },
    },
    {
      name: 'etcd certificates that cover their URLs by wildcard and by IPv6 in another notation',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'e1', '/etc/etcd/server', await pki.leaf(ca, 'e1', { dnsNames: ['*.etcd.example.internal'], ipAddresses: ['fd00:0:0:0:0:0:0:11'] }));
        unit(tree, 'e1', 'etcd', ['--cert-file=/etc/etcd/server.crt', '--advertise-client-urls=https://e1.etcd.example.internal:2379,https://[fd00::11]:2379', '--peer-cert-file=/etc/etcd/server.crt', '--initial-advertise-peer-urls=https://[fd00::11]:2380']);
      },
    },
  ],
  invalid: [
    {
      name: 'no --service-cluster-ip-range: the default range\'s first IP 10.0.0.1 is needed',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'c0', '/var/lib/kubernetes/ca', ca);
        writePair(tree, 'c0', '/var/lib/kubernetes/kubernetes', await pki.leaf(ca, 'kubernetes', { dnsNames: API_NAMES, ipAddresses: ['10.32.0.1'] }));
        unit(tree, 'c0', 'kube-apiserver', ['--tls-cert-file=/var/lib/kubernetes/kubernetes.crt']);
      },
      findings: ['c0 c0/var/lib/kubernetes/kubernetes.crt:1'],
      messages: ['lacks 10.0.0.1 (first IP of the default service range 10.0.0.0/24 (--service-cluster-ip-range not set))'],
      related: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`],
    },
    {
      name: 'an apiserver certificate copied from another control plane lacks the advertise address and the in-cluster names',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'cp-2', '/etc/kubernetes/pki/ca', ca);
        writePair(tree, 'cp-2', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { dnsNames: ['kubernetes'], ipAddresses: ['10.96.0.1', '10.0.0.11'] }));
        staticPod(tree, 'cp-2', 'kube-apiserver', ['--advertise-address=10.0.0.12', '--service-cluster-ip-range=10.96.0.0/12', '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt']);
      },
      findings: ['cp-2 cp-2/etc/kubernetes/pki/apiserver.crt:1'],
      messages: ['lacks 10.0.0.12 (--advertise-address), kubernetes.default (the in-cluster name of the API), kubernetes.default.svc'],
    },
    {
      name: 'etcd server and peer certificates without the host of their advertised URLs',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'e1', '/etc/ssl/etcd/ssl/ca', ca);
        writePair(tree, 'e1', '/etc/ssl/etcd/ssl/member-e1', await pki.leaf(ca, 'e1', { ipAddresses: ['127.0.0.1'] }));
        tree.write('e1', '/etc/etcd.env', [
          'ETCD_NAME=e1',
          'ETCD_ADVERTISE_CLIENT_URLS=https://10.0.0.31:2379',
          'ETCD_INITIAL_ADVERTISE_PEER_URLS=https://[fd00::31]:2380',
          'ETCD_CERT_FILE=/etc/ssl/etcd/ssl/member-e1.crt',
          'ETCD_PEER_CERT_FILE=/etc/ssl/etcd/ssl/member-e1.crt',
          '',
        ].join('\n'));
      },
      findings: ['e1 e1/etc/ssl/etcd/ssl/member-e1.crt:1', 'e1 e1/etc/ssl/etcd/ssl/member-e1.crt:1'],
      messages: ['peer certificate "e1" of etcd on e1 lacks fd00::31 (--initial-advertise-peer-urls)', 'server certificate "e1" of etcd on e1 lacks 10.0.0.31 (--advertise-client-urls)'],
    },
  ],
});
