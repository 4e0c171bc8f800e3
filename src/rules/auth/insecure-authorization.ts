import { defineRule } from '../rule.js';
import { describe, effective, isTrue, knowsSettings, listOf, usesConfigFile, where } from '../lib/settings.js';
import type { Component } from '../../model/types.js';
import { atLeast, parseVersion } from '../lib/versions.js';
import type { FixIntent } from '../../fixers/types.js';

/**
 * A standalone kubelet (kubeadm's etcd hosts run one only to start etcd's static pod) with
 * anonymous auth off, no client CA and no webhook authenticates nobody: every request is
 * refused before authorization, so AlwaysAllow grants nothing.
 */
function authenticatesNobody(kubelet: Component): boolean {
  const anonymous = effective(kubelet, 'anonymous-auth', usesConfigFile(kubelet) ? 'false' : 'true');
  const webhook = effective(kubelet, 'authentication-token-webhook', usesConfigFile(kubelet) ? 'true' : 'false');
  return !isTrue(anonymous.value) && !effective(kubelet, 'client-ca-file') && !isTrue(webhook.value);
}

export default defineRule({
  id: 'auth/insecure-authorization',
  level: 'error',
  title: 'Requests are authorized without checks',
  description: 'AlwaysAllow, an apiserver without RBAC, or an insecure port gives every authenticated (or any) caller full control.',
  fix: 'fix',
  tags: ['auth', 'security', 'CIS-1.2.6', 'CIS-1.2.7', 'CIS-1.2.8', 'CIS-4.2.2'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      if (!effective(apiserver, 'authorization-config')) {
        const mode = effective(apiserver, 'authorization-mode', 'AlwaysAllow');
        const modes = listOf(mode.value);
        if (modes.includes('AlwaysAllow') || !modes.includes('RBAC')) {
          const why = modes.includes('AlwaysAllow') ? 'allows every request' : 'has no RBAC';
          // CIS 1.2.6–1.2.8: no AlwaysAllow, Node and RBAC; the fix (Node,RBAC) meets all three.
          const cis = [...(modes.includes('AlwaysAllow') || mode.isDefault ? ['1.2.6'] : []), ...(modes.includes('Node') && !mode.isDefault ? [] : ['1.2.7']), ...(modes.includes('RBAC') ? [] : ['1.2.8'])];
          // The list is edited in place: other modes (Webhook, ABAC) stay where they are.
          const fix: FixIntent[] = [
            ...(modes.includes('AlwaysAllow') ? [{ kind: 'remove-from-list' as const, component: apiserver, flag: 'authorization-mode', item: 'AlwaysAllow' }] : []),
            ...['Node', 'RBAC'].map((item) => ({ kind: 'add-to-list' as const, component: apiserver, flag: 'authorization-mode', item })),
          ];
          report({ message: `${where(apiserver)}: ${describe(mode)} ${why}; use --authorization-mode=Node,RBAC`, at: mode.at, key: 'authorization-mode', fix, cis });
        }
      }
      // The insecure port served without authentication until 1.20 (default 8080).
      const version = parseVersion(apiserver.version);
      const insecureDefault = version && !atLeast(version, '1.20') ? '8080' : undefined;
      const port = effective(apiserver, 'insecure-port') ?? effective(apiserver, 'port', insecureDefault);
      if (port && port.value !== '0') {
        report({ message: `${where(apiserver)}: ${describe(port)} serves the API without authentication or authorization`, at: port.at, key: 'insecure-port', fix: { kind: 'set-flag', component: apiserver, flag: port.name, value: '0' }, cis: [] });
      }
    });
    context.each(cluster.componentsOf('kubelet').filter(knowsSettings), (kubelet) => {
      if (authenticatesNobody(kubelet)) return;
      // The flag defaults to AlwaysAllow; a KubeletConfiguration (v1beta1) defaults to Webhook.
      const mode = effective(kubelet, 'authorization-mode', usesConfigFile(kubelet) ? 'Webhook' : 'AlwaysAllow');
      if (mode.value !== 'AlwaysAllow') return;
      // Webhook authorization asks the apiserver: a kubelet without a kubeconfig would not start with it.
      // Such a kubelet (it only runs static pods) is closed by refusing anonymous requests instead.
      const standalone = !effective(kubelet, 'kubeconfig');
      const fix = standalone ? { kind: 'set-flag' as const, component: kubelet, flag: 'anonymous-auth', value: 'false' } : { kind: 'set-flag' as const, component: kubelet, flag: 'authorization-mode', value: 'Webhook' };
      report({ message: `${where(kubelet)}: ${describe(mode)}; ${standalone ? 'it has no kubeconfig for Webhook: set --anonymous-auth=false so that no request is authorized' : 'use Webhook'}`, at: mode.at, key: 'kubelet-authorization-mode', fix, cis: ['4.2.2'] });
    });
  },
});
