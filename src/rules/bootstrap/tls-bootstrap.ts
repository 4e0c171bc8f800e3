import { defineRule } from '../rule.js';
import { related } from '../lib/pki.js';
import { describe, effective, isTrue, knowsSettings, where } from '../lib/settings.js';

export default defineRule({
  id: 'bootstrap/tls-bootstrap',
  level: 'warning',
  title: 'Kubelet TLS bootstrap or certificate rotation is broken',
  description: 'A kubelet that bootstraps against an apiserver without bootstrap-token auth never joins; one that does not rotate its certificates drops out of the cluster when they expire.',
  fix: 'fix',
  tags: ['bootstrap', 'availability', 'CIS-4.2.10'],
  check(cluster, context, report) {
    const apiservers = cluster.componentsOf('kube-apiserver');
    const tokenAuth = apiservers.filter((a) => isTrue(effective(a, 'enable-bootstrap-token-auth')?.value));
    context.each(cluster.componentsOf('kubelet').filter(knowsSettings), (kubelet) => {
      const bootstrap = effective(kubelet, 'bootstrap-kubeconfig');
      if (bootstrap && apiservers.length > 0 && tokenAuth.length === 0) {
        report({
          message: `${where(kubelet)} bootstraps with --bootstrap-kubeconfig, but no apiserver has --enable-bootstrap-token-auth=true`,
          at: bootstrap.at,
          related: apiservers.map((a) => related(a.definedAt, `kube-apiserver on ${a.host}`)),
          key: 'bootstrap-token-auth',
          cis: [],
          fix: apiservers.map((a) => ({ kind: 'set-flag' as const, component: a, flag: 'enable-bootstrap-token-auth', value: 'true' })),
        });
      }
      const rotate = effective(kubelet, 'rotate-certificates', 'false');
      // k3s and RKE2 issue the kubelet's client certificate themselves and renew it at start: the kubelet's rotation does not apply;
      // a standalone kubelet (no kubeconfig: it only runs static pods) has no client certificate to rotate.
      // A kubelet known through the API (its configz) is a registered node: it talks to the API.
      const talksToApi = kubelet.source === 'live' || effective(kubelet, 'kubeconfig') !== undefined || bootstrap !== undefined;
      if (!isTrue(rotate.value) && !kubelet.certificatesRenewedBy && talksToApi) {
        // CIS 4.2.10 fails only a rotation turned off explicitly (the kubelet's default, false, passes its test).
        report({ message: `${where(kubelet)}: ${describe(rotate)}; its client certificate is not renewed before it expires`, at: rotate.at, key: 'rotate-certificates', fix: { kind: 'set-flag', component: kubelet, flag: 'rotate-certificates', value: 'true' }, cis: rotate.isDefault ? [] : ['4.2.10'] });
      }
    });
  },
});
