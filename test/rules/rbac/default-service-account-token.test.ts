import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { account } from '../../support/cluster-objects.js';

ruleTester('rbac/default-service-account-token', {
  valid: [
    { name: 'every default service account sets automountServiceAccountToken: false', api: { serviceAccounts: [account('default', 'default', false), account('team-1', 'default', false), account('team-1', 'api-client')] }, build: () => undefined },
  ],
  invalid: [
    {
      name: 'unset (kube-bench: notset fails) and true',
      api: { serviceAccounts: [account('default', 'default'), account('team-1', 'default', true), account('team-2', 'default', false)] },
      build: () => undefined,
      findings: [`kubernetes ${API_SERVER}/api/v1/namespaces/default/serviceaccounts/default:1`, `kubernetes ${API_SERVER}/api/v1/namespaces/team-1/serviceaccounts/default:1`],
      messages: ['service account default/default does not set automountServiceAccountToken: false', 'service account team-1/default sets automountServiceAccountToken: true'],
    },
  ],
});
