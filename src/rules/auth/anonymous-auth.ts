import { defineRule } from '../rule.js';
import { describe, effective, isTrue, knowsSettings, usesConfigFile, where } from '../lib/settings.js';
import { setting, type Cluster } from '../../model/cluster.js';
import type { Component } from '../../model/types.js';
import { asArray, asRecord, asString } from '../../collectors/yaml-source.js';

const HEALTH_PATHS = new Set(['/livez', '/readyz', '/healthz']);

/** From 1.32 an AuthenticationConfiguration may allow anonymous requests on the health endpoints only. */
function anonymousLimitedToHealth(cluster: Cluster, apiserver: Component): boolean | undefined {
  const ref = cluster.referenceOf(apiserver, 'authentication-config');
  const config = ref && cluster.manifestsAt(ref.host, ref.hostPath).find((m) => m.kind === 'AuthenticationConfiguration');
  if (!config) return undefined;
  const anonymous = asRecord(asRecord(config.data)?.anonymous);
  if (!anonymous?.enabled) return true;
  const conditions = asArray(anonymous.conditions);
  return conditions.length > 0 && conditions.every((c) => HEALTH_PATHS.has(asString(asRecord(c)?.path) ?? ''));
}

export default defineRule({
  id: 'auth/anonymous-auth',
  level: 'warning',
  title: 'Anonymous requests are allowed',
  description: 'With anonymous auth on, requests without credentials reach the apiserver or kubelet as system:anonymous; one mistaken RBAC binding then opens the cluster to anyone.',
  fix: 'fix',
  tags: ['auth', 'security', 'CIS-1.2.1', 'CIS-4.2.1'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      const limited = anonymousLimitedToHealth(cluster, apiserver);
      if (limited !== undefined) {
        if (!limited) {
          const step = { title: `Limit anonymous access in the AuthenticationConfiguration of ${apiserver.host} to the health endpoints`, commands: ['# anonymous: {enabled: true, conditions: [{path: /livez}, {path: /readyz}, {path: /healthz}]}'] };
          report({ message: `${where(apiserver)}: its AuthenticationConfiguration allows anonymous requests beyond /livez, /readyz and /healthz`, at: setting(apiserver, 'authentication-config')!.at, key: 'anonymous-auth', fix: { kind: 'plan', steps: [step] }, cis: ['1.2.1'] });
        }
        return;
      }
      const value = effective(apiserver, 'anonymous-auth', 'true');
      if (isTrue(value.value)) report({ message: `${where(apiserver)}: ${describe(value)}; set --anonymous-auth=false`, at: value.at, key: 'anonymous-auth', fix: { kind: 'set-flag', component: apiserver, flag: 'anonymous-auth', value: 'false' }, cis: ['1.2.1'] });
    });
    context.each(cluster.componentsOf('kubelet').filter(knowsSettings), (kubelet) => {
      // The flag defaults to true; a KubeletConfiguration (v1beta1) defaults to false.
      const value = effective(kubelet, 'anonymous-auth', usesConfigFile(kubelet) ? 'false' : 'true');
      if (!isTrue(value.value)) return;
      const text = value.isDefault ? describe(value) : setting(kubelet, 'anonymous-auth')?.origin === 'config-file' ? 'authentication.anonymous.enabled: true in its config file' : describe(value);
      report({ message: `${where(kubelet)}: ${text}; anonymous requests reach the kubelet API`, at: value.at, key: 'kubelet-anonymous-auth', fix: { kind: 'set-flag', component: kubelet, flag: 'anonymous-auth', value: 'false' }, cis: ['4.2.1'] });
    });
  },
});
