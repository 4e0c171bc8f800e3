import { ruleTester } from '../../support/rule-tester.js';
import { kubeconfigText, staticPod, writePair } from '../../support/hosts.js';

ruleTester('pki/wrong-usage', {
  valid: [
    {
      name: 'serving, client and peer certificates with their usages, CAs with CA:TRUE and keyCertSign',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/ca', ca);
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/server', await pki.leaf(ca, 'cp', { usages: ['serverAuth', 'clientAuth'] }));
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/peer', await pki.leaf(ca, 'cp', { usages: ['serverAuth', 'clientAuth'] }));
        staticPod(tree, 'cp', 'etcd', ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt']);
      },
    },
    {
      name: 'a certificate without extendedKeyUsage may serve any purpose (as Go verifies it)',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/peer', await pki.leaf(ca, 'cp'));
        staticPod(tree, 'cp', 'etcd', ['--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt']);
      },
    },
  ],
  invalid: [
    {
      name: 'an apiserver serving certificate with clientAuth only',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'cp', '/etc/kubernetes/pki/ca', ca);
        writePair(tree, 'cp', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { usages: ['clientAuth'] }));
        staticPod(tree, 'cp', 'kube-apiserver', ['--tls-cert-file=/etc/kubernetes/pki/apiserver.crt']);
      },
      findings: ['cp cp/etc/kubernetes/pki/apiserver.crt:1'],
      messages: ['is used as a serving certificate (kube-apiserver --tls-cert-file) but lacks extended key usage serverAuth'],
    },
    {
      name: 'an etcd peer certificate with serverAuth only',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('etcd-ca');
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/ca', ca);
        writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/peer', await pki.leaf(ca, 'cp', { usages: ['serverAuth'] }));
        staticPod(tree, 'cp', 'etcd', ['--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt']);
      },
      findings: ['cp cp/etc/kubernetes/pki/etcd/peer.crt:1'],
      messages: ['lacks extended key usage clientAuth'],
    },
    {
      name: 'a kubeconfig client certificate with serverAuth only',
      build: async ({ tree, pki }) => {
        const ca = await pki.ca('kubernetes');
        writePair(tree, 'cp', '/etc/kubernetes/pki/ca', ca);
        tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', await pki.leaf(ca, 'kubernetes-admin', { usages: ['serverAuth'] })));
      },
      findings: ['cp cp/etc/kubernetes/admin.conf:17'],
    },
    {
      name: 'a client CA without CA:TRUE, and a CA without keyCertSign that signed a certificate',
      build: async ({ tree, pki }) => {
        const noBasicConstraints = await pki.ca('no-bc-ca', { omitBasicConstraints: true });
        tree.write('cp', '/etc/kubernetes/pki/ca.crt', noBasicConstraints.certPem);
        staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']);
        const leafSigner = await pki.leaf(noBasicConstraints, 'front-proxy-ca');
        writePair(tree, 'cp', '/etc/kubernetes/pki/front-proxy-ca', leafSigner);
        writePair(tree, 'cp', '/etc/kubernetes/pki/front-proxy-client', await pki.leaf(leafSigner, 'front-proxy-client'));
      },
      findings: ['cp cp/etc/kubernetes/pki/ca.crt:1', 'cp cp/etc/kubernetes/pki/front-proxy-ca.crt:1'],
      planOnly: 'a CA is never re-signed: replacing it is a plan',
      messages: ['lacks basic constraint CA:TRUE', /"front-proxy-ca" is used as a CA \(it signed "front-proxy-client"\) but lacks basic constraint CA:TRUE and key usage keyCertSign/],
    },
  ],
});
