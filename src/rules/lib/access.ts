/**
 * The template of "who may VERB RESOURCE" controls (CIS 5.1.2 secrets, 5.1.4 pods): a
 * binding that gives a broad group (every authenticated user, anonymous requests, every
 * service account) one of the verbs on the resource. kube-bench asks `kubectl auth can-i
 * VERB RESOURCE --all-namespaces --as=system:authenticated`, i.e. cluster-wide grants;
 * kaudit also names RoleBindings that grant it inside one namespace.
 */
import { defineRule, type Rule } from '../rule.js';
import { RbacIndex, allows, broadSubject, describeBinding, describeRole, removeSubjectStep } from './rbac.js';

export interface AccessRow {
  id: string;
  cis: string;
  title: string;
  description: string;
  verbs: string[];
  apiGroup: string;
  resource: string;
}

export function accessRule(row: AccessRow): Rule {
  return defineRule({
    id: row.id,
    level: 'warning',
    title: row.title,
    description: row.description,
    fix: 'plan',
    tags: ['rbac', 'security', 'live'],
    cis: [row.cis],
    check(cluster, context, report) {
      const rbac = cluster.liveKube?.rbac;
      if (!rbac) return;
      const index = new RbacIndex(rbac);
      context.each(index.bindings(), (binding) => {
        const role = index.roleOf(binding);
        if (!role) return;
        const rules = index.rulesOf(role);
        const verbs = row.verbs.filter((verb) => rules.some((rule) => allows(rule, verb, row.apiGroup, row.resource)));
        if (verbs.length === 0) return;
        binding.subjects.forEach((subject, i) => {
          const broad = broadSubject(subject);
          if (!broad) return;
          const scope = binding.kind === 'ClusterRoleBinding' ? 'in all namespaces' : `in namespace ${binding.namespace}`;
          report({
            message: `${describeBinding(binding)} lets ${broad.who} (${subject.kind} ${subject.name}) ${verbs.join(', ')} ${row.resource} ${scope}, through ${describeRole(role)}`,
            at: binding.at,
            related: [{ ...role.at, message: describeRole(role) }],
            key: `${binding.kind}/${binding.namespace ?? ''}/${binding.name}:${subject.kind}/${subject.name}`,
            fix: { kind: 'plan', steps: [removeSubjectStep(binding, i, `${broad.who} may ${verbs.join(', ')} ${row.resource}`)] },
          });
        });
      }, (binding) => binding.at);
    },
  });
}
