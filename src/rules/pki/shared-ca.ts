import { defineRule } from '../rule.js';
import { certName, related } from '../lib/pki.js';

export default defineRule({
  id: 'pki/shared-ca',
  level: 'warning',
  title: 'etcd trusts the same CA as the Kubernetes API',
  description: 'When etcd trusts the cluster CA, every client certificate that CA signs (every kubelet, every user) can read and write etcd directly, bypassing RBAC.',
  fix: 'fix',
  tags: ['pki', 'security', 'CIS-2.7'],
  cis: ['2.7'],
  check(cluster, context, report) {
    const apiserverCAs = cluster.componentsOf('kube-apiserver').flatMap((apiserver) => {
      const ref = cluster.referenceOf(apiserver, 'client-ca-file');
      return ref ? cluster.certificatesOf(apiserver, 'client-ca-file').map((cert) => ({ cert, ref })) : [];
    });
    if (apiserverCAs.length === 0) return;
    context.each(cluster.componentsOf('etcd'), (etcd) => {
      const sharing = ['trusted-ca-file', 'peer-trusted-ca-file'].flatMap((flag) => {
        const ref = cluster.referenceOf(etcd, flag);
        // By a set of key and name: two bundles of thousands of CAs are compared in linear time.
        const trusted = new Set(cluster.certificatesOf(etcd, flag).map((t) => `${t.publicKey.fingerprint}\u0000${t.subject}`));
        const same = apiserverCAs.filter(({ cert }) => trusted.has(`${cert.publicKey.fingerprint}\u0000${cert.subject}`));
        return ref && same.length > 0 ? [{ flag, ref, same }] : [];
      });
      if (sharing.length === 0) return;
      const [first, ...others] = sharing;
      const apiserverRefs = new Map(sharing.flatMap(({ same }) => same.map(({ ref }) => [ref, ref])));
      report({
        message: `etcd on ${etcd.host} (${sharing.map((s) => `--${s.flag}`).join(', ')}) trusts CA ${certName(first.same[0].cert)}, which is also the kube-apiserver --client-ca-file: any client certificate of the cluster CA can talk to etcd`,
        at: first.ref.at,
        related: [
          ...others.map((o) => related(o.ref.at, `etcd --${o.flag}`)),
          ...[...apiserverRefs.keys()].map((apiRef) => related(apiRef.at, `kube-apiserver on ${apiRef.host} --client-ca-file`)),
        ],
        key: 'etcd-trusts-cluster-ca',
        fix: { kind: 'new-etcd-ca' },
      });
    });
  },
});
