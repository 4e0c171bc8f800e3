import { defineRule } from '../rule.js';
import { describeRole } from '../lib/rbac.js';
import type { LiveRbacRule, LiveRole } from '../../model/types.js';

const FIELDS = ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const;

/** The apiserver's own default roles: it recreates them at every start (RBAC auto-reconciliation). */
function isDefaultRole(role: LiveRole): boolean {
  return role.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

function wildcards(rule: LiveRbacRule): string[] {
  return FIELDS.filter((field) => rule[field].includes('*'));
}

export default defineRule({
  id: 'rbac/wildcard-rule',
  level: 'warning',
  title: 'A Role or ClusterRole grants with a wildcard',
  description: 'A `*` in verbs, resources or API groups grants what exists today and every resource or verb added later, including ones nobody reviewed.',
  fix: 'plan',
  tags: ['rbac', 'security', 'live'],
  cis: ['5.1.3'],
  check(cluster, context, report) {
    const rbac = cluster.liveKube?.rbac;
    context.each([...(rbac?.clusterRoles ?? []), ...(rbac?.roles ?? [])], (role) => {
      // Aggregated roles carry the rules of the roles they select: those are judged themselves.
      if (isDefaultRole(role) || role.aggregation) return;
      role.rules.forEach((rule, i) => {
        const fields = wildcards(rule);
        if (fields.length === 0) return;
        const kubectl = role.kind === 'ClusterRole' ? `clusterrole ${role.name}` : `-n ${role.namespace} role ${role.name}`;
        report({
          message: `${describeRole(role)}: rule ${i + 1} grants "*" in ${fields.join(', ')}`,
          at: role.at,
          key: `${role.kind}/${role.namespace ?? ''}/${role.name}:${i}`,
          fix: { kind: 'plan', steps: [{ title: `Replace the wildcards of rule ${i + 1} of ${describeRole(role)} with the ${fields.join(', ')} it needs`, commands: [`kubectl edit ${kubectl}`] }] },
        });
      });
    }, (role) => role.at);
  },
});
