import { defineRule } from '../rule.js';
import { describeBinding } from '../lib/rbac.js';

export default defineRule({
  id: 'rbac/cluster-admin-binding',
  level: 'warning',
  title: 'cluster-admin is bound beyond its default binding',
  description: 'cluster-admin can do anything to any object; every ClusterRoleBinding to it other than the default one (system:masters) is a subject with unlimited power that should be justified or narrowed.',
  fix: 'plan',
  tags: ['rbac', 'security', 'live'],
  cis: ['5.1.1'],
  check(cluster, context, report) {
    context.each(cluster.liveKube?.rbac.clusterRoleBindings ?? [], (binding) => {
      // kube-bench's test: a binding to cluster-admin is compliant only when it is the default binding named cluster-admin.
      if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== 'cluster-admin' || binding.name === 'cluster-admin') return;
      const subjects = binding.subjects.map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`);
      report({
        message: `${describeBinding(binding)} gives cluster-admin to ${subjects.length ? subjects.join(', ') : 'no subject'}`,
        at: binding.at,
        key: `ClusterRoleBinding/${binding.name}`,
        fix: {
          kind: 'plan',
          steps: [
            {
              title: `Bind ${subjects.join(', ') || 'its subjects'} to a role with only the rights they need, then delete ${describeBinding(binding)}`,
              commands: [`kubectl get clusterrolebinding ${binding.name} -o yaml > ${binding.name}.backup.yaml`, `kubectl delete clusterrolebinding ${binding.name}`],
            },
          ],
        },
      });
    }, (binding) => binding.at);
  },
});
