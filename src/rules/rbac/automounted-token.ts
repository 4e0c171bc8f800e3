import { defineRule } from '../rule.js';
import { describePods, isSystemComponent } from '../lib/pod-security.js';
import type { LiveServiceAccount } from '../../model/types.js';

export default defineRule({
  id: 'rbac/automounted-token',
  level: 'note',
  title: 'Pods mount a service account token without saying they need it',
  description: 'A token mounted into every pod is a credential to the API for whoever gets into the pod; pods that do not call the API should not carry one.',
  fix: 'plan',
  tags: ['rbac', 'security', 'live'],
  cis: ['5.1.6'],
  check(cluster, context, report) {
    const live = cluster.liveKube;
    if (!live?.workloadPods) return;
    const accounts = new Map<string, LiveServiceAccount>((live.serviceAccounts ?? []).map((sa) => [`${sa.namespace}/${sa.name}`, sa]));
    context.each(live.workloadPods, (group) => {
      // Static pods get no token; kube-system's system components need theirs.
      if (group.mirror || isSystemComponent(group)) return;
      const account = accounts.get(`${group.namespace}/${group.serviceAccount}`);
      // The pod's setting wins over its service account's; unset on both means mounted.
      const mounted = group.automount ?? account?.automount ?? (live.serviceAccounts ? true : undefined);
      if (mounted !== true) return;
      const why = group.automount === true ? 'the pod sets automountServiceAccountToken: true' : account?.automount === true ? `service account ${group.serviceAccount} sets automountServiceAccountToken: true` : `neither the pod nor service account ${group.serviceAccount} sets automountServiceAccountToken: false`;
      const target = group.owner ? `${group.owner.kind.toLowerCase()} ${group.owner.name}` : `pod ${group.pod}`;
      report({
        message: `${describePods(group)} mounts a token of service account ${group.namespace}/${group.serviceAccount}: ${why}`,
        at: group.at,
        key: `${group.namespace}/${group.owner ? `${group.owner.kind}/${group.owner.name}` : `Pod/${group.pod}`}`,
        fix: {
          kind: 'plan',
          steps: [
            {
              title: `If ${describePods(group)} does not call the Kubernetes API, set automountServiceAccountToken: false in its pod template (or on service account ${group.serviceAccount}, for every pod that uses it)`,
              commands: [`kubectl -n ${group.namespace} get ${target} -o yaml   # spec.template.spec.automountServiceAccountToken: false (the Deployment, for a ReplicaSet)`, `kubectl -n ${group.namespace} patch serviceaccount ${group.serviceAccount} -p '{"automountServiceAccountToken": false}'`],
            },
          ],
        },
      });
    }, (group) => group.at);
  },
});
