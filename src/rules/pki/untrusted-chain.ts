import { defineRule, type Report, type RuleContext } from '../rule.js';
import { certName, chainsTo, flagText, related } from '../lib/pki.js';
import { etcdClusters, portOf } from '../lib/etcd.js';
import { listOf } from '../lib/settings.js';
import { setting } from '../../model/cluster.js';
import type { Cluster } from '../../model/cluster.js';
import type { Component, ComponentKind, FileReference } from '../../model/types.js';

interface Side {
  ref: FileReference;
  who: string;
}

function side(cluster: Cluster, component: Component, flag: string): Side | undefined {
  const ref = cluster.referenceOf(component, flag);
  if (!ref || !ref.exists || !ref.mounted) return undefined;
  return { ref, who: `${component.kind} on ${component.host} ${flagText(ref)}` };
}

function sides(cluster: Cluster, kind: ComponentKind, flag: string, among: Component[] = cluster.componentsOf(kind)): Side[] {
  return among.flatMap((c) => side(cluster, c, flag) ?? []);
}

/**
 * The etcd members an apiserver talks to: those serving on a port of its --etcd-servers
 * (and --etcd-servers-overrides). Another etcd cluster of the scan (kOps's events cluster,
 * a CNI's own etcd) is not its peer. When no port tells, every member is.
 */
function etcdOf(cluster: Cluster, apiserver: Component): Component[] {
  const etcds = cluster.componentsOf('etcd');
  const urls = [...listOf(setting(apiserver, 'etcd-servers')?.value ?? ''), ...listOf(setting(apiserver, 'etcd-servers-overrides')?.value ?? '').flatMap((o) => o.split('#')[1]?.split(';') ?? [])];
  const ports = new Set(urls.map(portOf).filter(Boolean));
  const serving = etcds.filter((e) => ['listen-client-urls', 'advertise-client-urls'].some((f) => listOf(setting(e, f)?.value ?? '').some((u) => ports.has(portOf(u)))));
  return serving.length > 0 ? serving : etcds;
}

/**
 * Reports when the certificate one side presents does not chain to the CA the other
 * side trusts. One finding per presented file, naming every trust anchor it fails.
 */
function checkPairs(cluster: Cluster, context: RuleContext, presented: Side[], trusting: Side[], report: (r: Report) => void): void {
  context.each(presented, (p) => {
    const certs = cluster.certificatesAt(p.ref.host, p.ref.hostPath);
    if (certs.length === 0) return;
    const failing = trusting.filter((t) => !chainsTo(certs, cluster.certificatesAt(t.ref.host, t.ref.hostPath)));
    if (failing.length === 0) return;
    const trustedCAs = failing.flatMap((f) => cluster.certificatesAt(f.ref.host, f.ref.hostPath));
    report({
      fix: { kind: 'reissue', cert: certs[0], signers: trustedCAs, why: `not signed by the CA its peer trusts` },
      message: `${p.who} presents certificate ${certName(certs[0])} (issuer "${certs[0].issuer}"), which does not verify against the CA of ${failing.map((f) => f.who).join(', ')}`,
      at: p.ref.at,
      related: failing.map((f) => related(f.ref.at, `${f.who}: the CA that does not trust it`)),
      key: `${p.ref.setting}\u0000${failing.map((f) => `${f.ref.host}:${f.ref.setting}`).join(',')}`,
    });
  }, (p) => p.ref.at);
}

export default defineRule({
  id: 'pki/untrusted-chain',
  level: 'error',
  title: 'Certificate does not verify against the CA its peer trusts',
  description: 'A certificate that its peer cannot verify fails the TLS handshake: the apiserver cannot reach etcd, kubelets cannot join, etcd members cannot talk.',
  fix: 'fix',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    // apiserver → the etcd it talks to, both ways: its client certificate, and the servers' certificates.
    const apiservers = cluster.componentsOf('kube-apiserver');
    for (const apiserver of apiservers) checkPairs(cluster, context, sides(cluster, 'kube-apiserver', 'etcd-certfile', [apiserver]), sides(cluster, 'etcd', 'trusted-ca-file', etcdOf(cluster, apiserver)), report);
    for (const etcd of cluster.componentsOf('etcd')) {
      const clients = apiservers.filter((a) => etcdOf(cluster, a).includes(etcd));
      checkPairs(cluster, context, sides(cluster, 'etcd', 'cert-file', [etcd]), sides(cluster, 'kube-apiserver', 'etcd-cafile', clients), report);
    }
    // etcd members → the other members of their cluster.
    for (const members of etcdClusters(cluster)) {
      const group = members.map((m) => m.component);
      checkPairs(cluster, context, sides(cluster, 'etcd', 'peer-cert-file', group), sides(cluster, 'etcd', 'peer-trusted-ca-file', group), report);
    }
    // apiserver → kubelets, when the apiserver verifies kubelet serving certificates.
    checkPairs(cluster, context, sides(cluster, 'kubelet', 'tls-cert-file'), sides(cluster, 'kube-apiserver', 'kubelet-certificate-authority'), report);
    checkPairs(cluster, context, sides(cluster, 'kube-apiserver', 'kubelet-client-certificate'), sides(cluster, 'kubelet', 'client-ca-file'), report);

    // kubeconfigs: the client certificate against the apiserver's client CA, and the
    // kubeconfig's CA against the apiserver's serving certificate.
    const clientCAs = sides(cluster, 'kube-apiserver', 'client-ca-file');
    const serving = sides(cluster, 'kube-apiserver', 'tls-cert-file');
    context.each(cluster.kubeconfigs, (kubeconfig) => {
      const name = `kubeconfig ${kubeconfig.hostPath} on ${kubeconfig.host}`;
      const refs = kubeconfig.refs.filter((r) => r.exists);
      const clientCerts = refs.filter((r) => r.purpose === 'cert').map((ref) => ({ ref, who: `${name} ${ref.setting}` }));
      checkPairs(cluster, context, clientCerts, clientCAs, report);
      const cas = refs.filter((r) => r.purpose === 'ca').map((ref) => ({ ref, who: `${name} ${ref.setting}` }));
      for (const ca of cas) {
        const trusted = cluster.certificatesAt(ca.ref.host, ca.ref.hostPath);
        const failing = serving.filter((s) => !chainsTo(cluster.certificatesAt(s.ref.host, s.ref.hostPath), trusted));
        if (failing.length === 0 || trusted.length === 0) continue;
        report({
          fix: { kind: 'plan', steps: [{ title: `Set ${ca.ref.setting} of ${kubeconfig.hostPath} on ${kubeconfig.host} to the CA that signed the apiserver's serving certificate`, commands: [`kubectl config set-cluster <cluster> --certificate-authority=<CA of the serving certificate> --embed-certs --kubeconfig=${kubeconfig.hostPath}`] }] },
          message: `${ca.who} trusts CA ${certName(trusted[0])}, which does not verify the serving certificate of ${failing.map((f) => f.who).join(', ')}`,
          at: ca.ref.at,
          related: failing.map((f) => related(f.ref.at, `${f.who}: the certificate it cannot verify`)),
          key: `${ca.ref.setting}\u0000serving`,
        });
      }
    });
  },
});
