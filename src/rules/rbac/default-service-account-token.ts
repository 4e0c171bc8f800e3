import { defineRule } from '../rule.js';

export default defineRule({
  id: 'rbac/default-service-account-token',
  level: 'warning',
  title: 'A default service account mounts its token into pods',
  description: 'Every pod that names no service account runs as its namespace\'s default one; unless that account sets automountServiceAccountToken: false, each such pod carries an API token it rarely needs.',
  fix: 'plan',
  tags: ['rbac', 'security', 'live'],
  cis: ['5.1.5'],
  check(cluster, context, report) {
    context.each(cluster.liveKube?.serviceAccounts ?? [], (account) => {
      if (account.name !== 'default' || account.automount === false) return;
      const state = account.automount === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false';
      report({
        message: `service account ${account.namespace}/default ${state}: every pod of ${account.namespace} that names no service account gets an API token`,
        at: account.at,
        key: `ServiceAccount/${account.namespace}/default`,
        fix: {
          kind: 'plan',
          steps: [
            {
              title: `Stop ${account.namespace}/default from mounting its token (pods that call the API must get a service account of their own first; running pods keep their token until they restart)`,
              commands: [`kubectl -n ${account.namespace} patch serviceaccount default -p '{"automountServiceAccountToken": false}'`],
            },
          ],
        },
      });
    }, (account) => account.at);
  },
});
