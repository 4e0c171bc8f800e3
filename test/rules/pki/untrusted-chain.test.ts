import { ruleTester, type CaseContext } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, kubeconfigText, staticPod, writePair } from '../../support/hosts.js';

/** A stacked control plane: etcd and the apiserver, certificates from the given CAs. */
async function controlPlane({ tree, pki }: CaseContext, options: { etcdClientFromClusterCA?: boolean; peerFromOtherCA?: boolean; withIntermediate?: boolean } = {}) {
  const clusterCa = await pki.ca('kubernetes');
  const etcdCa = await pki.ca('etcd-ca');
  writePair(tree, 'cp', '/etc/kubernetes/pki/ca', clusterCa);
  writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/ca', etcdCa);
  let clientIssuer = options.etcdClientFromClusterCA ? clusterCa : etcdCa;
  let chain = '';
  if (options.withIntermediate) {
    clientIssuer = await pki.leaf(etcdCa, 'etcd-intermediate', { isCA: true });
    chain = clientIssuer.certPem;
  }
  const client = await pki.leaf(clientIssuer, 'kube-apiserver-etcd-client', { usages: ['clientAuth'] });
  tree.write('cp', '/etc/kubernetes/pki/apiserver-etcd-client.crt', client.certPem + chain);
  tree.write('cp', '/etc/kubernetes/pki/apiserver-etcd-client.key', client.keyPem, 0o600);
  writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/server', await pki.leaf(etcdCa, 'cp', { usages: ['serverAuth', 'clientAuth'] }));
  const peerCa = options.peerFromOtherCA ? await pki.ca('other') : etcdCa;
  writePair(tree, 'cp', '/etc/kubernetes/pki/etcd/peer', await pki.leaf(peerCa, 'cp', { usages: ['serverAuth', 'clientAuth'] }));
  staticPod(tree, 'cp', 'kube-apiserver', [
    '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
    '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    '--client-ca-file=/etc/kubernetes/pki/ca.crt',
  ]);
  staticPod(tree, 'cp', 'etcd', [
    '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
    '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
    '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  ]);
  return { clusterCa, etcdCa };
}

ruleTester('pki/untrusted-chain', {
  valid: [
    { name: 'every certificate verifies against its peer\'s CA', build: (ctx) => controlPlane(ctx).then(() => undefined) },
    { name: 'a client certificate that chains through an intermediate in its own file', build: (ctx) => controlPlane(ctx, { withIntermediate: true }).then(() => undefined) },
  ],
  invalid: [
    {
      name: 'the apiserver etcd client certificate is signed by the cluster CA',
      build: (ctx) => controlPlane(ctx, { etcdClientFromClusterCA: true }).then(() => undefined),
      findings: [`cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
      related: [`cp cp/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE + 1}`],
      messages: ['kube-apiserver on cp --etcd-certfile presents certificate "kube-apiserver-etcd-client" (issuer "CN=kubernetes")'],
    },
    {
      name: 'an etcd peer certificate from another CA',
      build: (ctx) => controlPlane(ctx, { peerFromOtherCA: true }).then(() => undefined),
      findings: [`cp cp/etc/kubernetes/manifests/etcd.yaml:${POD_FIRST_FLAG_LINE + 2}`],
    },
    {
      name: 'a kubeconfig client certificate from another CA, and its CA does not verify the serving certificate',
      build: async (ctx) => {
        const { clusterCa } = await controlPlane(ctx);
        const other = await ctx.pki.ca('other');
        writePair(ctx.tree, 'cp', '/etc/kubernetes/pki/apiserver', await ctx.pki.leaf(clusterCa, 'kube-apiserver', { usages: ['serverAuth'] }));
        const text = ctx.tree.read('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml').replace('    - --etcd-certfile', '    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --etcd-certfile');
        ctx.tree.write('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml', text);
        ctx.tree.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', other, 'admin', await ctx.pki.leaf(other, 'kubernetes-admin')));
      },
      findings: ['cp cp/etc/kubernetes/admin.conf:4', 'cp cp/etc/kubernetes/admin.conf:17'],
      messages: ['trusts CA "other", which does not verify the serving certificate of kube-apiserver on cp --tls-cert-file', 'presents certificate "kubernetes-admin"'],
      planOnly: "a kubeconfig's CA is set by its owner (kubectl config set-cluster): a plan",
    },
  ],
});
