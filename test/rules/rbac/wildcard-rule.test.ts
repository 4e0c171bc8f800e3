import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { clusterRole, defaultClusterRoles, defaultRoles, role } from '../../support/cluster-objects.js';

const RBAC = `${API_SERVER}/apis/rbac.authorization.k8s.io/v1`;

ruleTester('rbac/wildcard-rule', {
  valid: [
    { name: "the apiserver's default roles (rbac-defaults, reconciled at every start) and aggregated roles", api: { clusterRoles: defaultClusterRoles(), roles: defaultRoles() }, build: () => undefined },
    { name: 'explicit verbs and resources', api: { clusterRoles: [clusterRole('deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch'] }])] }, build: () => undefined },
  ],
  invalid: [
    {
      name: 'a ClusterRole with verbs ["*"] (kube-bench: `["*"]` in the rules)',
      api: { clusterRoles: [...defaultClusterRoles(), clusterRole('ci-admin', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods'], verbs: ['*'] }])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/clusterroles/ci-admin:1`],
      messages: ['ClusterRole ci-admin: rule 2 grants "*" in verbs'],
    },
    {
      name: 'a Role with resources and apiGroups "*"',
      api: { roles: [role('team-1', 'everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] }])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/namespaces/team-1/roles/everything:1`],
      messages: ['Role team-1/everything: rule 1 grants "*" in apiGroups, resources'],
    },
  ],
});
