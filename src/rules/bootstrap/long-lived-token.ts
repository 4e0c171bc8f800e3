import { defineRule, type Report, type RuleContext } from '../rule.js';
import type { Cluster } from '../../model/cluster.js';
import type { Component, Kubeconfig } from '../../model/types.js';

/** kubeadm's default token TTL: a token meant to join nodes lives a day. */
const MAX_LIFETIME_MS = 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

function kubeconfigOf(cluster: Cluster, kubelet: Component, flag: string): Kubeconfig | undefined {
  const ref = cluster.referenceOf(kubelet, flag);
  return ref?.exists ? cluster.kubeconfigAt(ref.host, ref.hostPath) : undefined;
}

/** The kubelet's own kubeconfig names a client certificate that is there: TLS bootstrap is done. */
function hasOwnClientCertificate(cluster: Cluster, kubelet: Component): boolean {
  const own = kubeconfigOf(cluster, kubelet, 'kubeconfig');
  return !!own?.users.some((u) => u.certHostPath && cluster.certificatesAt(own.host, u.certHostPath).length > 0);
}

function deleteTokenStep(id: string | undefined, where: string) {
  return {
    title: `Delete the bootstrap token ${id ?? `of ${where}`} in the cluster (new nodes get a fresh one from kubeadm token create, valid for 24 hours)`,
    commands: id ? [`kubeadm token delete ${id}`] : ['kubeadm token list', `kubeadm token delete <the token id of ${where}>`],
  };
}

function liveTokens(cluster: Cluster, context: RuleContext, report: (r: Report) => void): void {
  const now = context.now;
  context.each(cluster.liveKube?.bootstrapTokens ?? [], (token) => {
    const id = /^bootstrap-token-([a-z0-9]{6})$/.exec(token.name)?.[1];
    const expires = token.expiration ? new Date(token.expiration) : undefined;
    let why: string;
    if (!expires) why = 'has no expiration: it never expires';
    else if (Number.isNaN(expires.getTime())) why = `has an expiration that is not a time (${token.expiration})`;
    else if (expires.getTime() - now.getTime() > MAX_LIFETIME_MS) why = `expires on ${expires.toISOString()}, in ${Math.round((expires.getTime() - now.getTime()) / DAY_MS)} days`;
    else return;
    report({
      message: `bootstrap token Secret kube-system/${token.name} ${why}; anyone who holds it can join a node to the cluster (kubeadm's default is 24 hours)`,
      at: token.at,
      key: `token:${token.name}`,
      fix: { kind: 'plan', steps: [deleteTokenStep(id, `kube-system/${token.name}`)] },
    });
  }, (token) => token.at);
}

/** A bootstrap kubeconfig with a token, left on a node whose kubelet has its own certificate. */
function leftBootstrapKubeconfigs(cluster: Cluster, context: RuleContext, report: (r: Report) => void): void {
  context.each(cluster.componentsOf('kubelet'), (kubelet) => {
    const bootstrap = kubeconfigOf(cluster, kubelet, 'bootstrap-kubeconfig');
    const user = bootstrap?.users.find((u) => u.hasToken);
    if (!bootstrap || !user || !hasOwnClientCertificate(cluster, kubelet)) return;
    report({
      message: `${bootstrap.hostPath} on ${bootstrap.host} still holds a bootstrap token${user.tokenId ? ` (id ${user.tokenId})` : ''}, although the kubelet has its own client certificate: the file lets whoever reads it join nodes`,
      at: user.at,
      key: `bootstrap-kubeconfig:${bootstrap.hostPath}`,
      fix: [
        { kind: 'remove-file', host: bootstrap.host, hostPath: bootstrap.hostPath, at: bootstrap.at, reason: 'the kubelet has its own client certificate; the bootstrap token is no longer needed (the kubelet starts without the file, as after kubeadm join)' },
        { kind: 'plan', steps: [deleteTokenStep(user.tokenId, `${bootstrap.hostPath} on ${bootstrap.host}`)] },
      ],
    });
  }, (kubelet) => kubelet.definedAt);
}

export default defineRule({
  id: 'bootstrap/long-lived-token',
  level: 'warning',
  title: 'A bootstrap token lives longer than a day',
  description: 'A bootstrap token lets its holder register a node and read the cluster-info it needs; one without expiry, or left on disk after TLS bootstrap, is a standing credential.',
  fix: 'fix',
  tags: ['bootstrap', 'security'],
  check(cluster, context, report) {
    liveTokens(cluster, context, report);
    leftBootstrapKubeconfigs(cluster, context, report);
  },
});
