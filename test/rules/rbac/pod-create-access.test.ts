import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { clusterRole, clusterRoleBinding, defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles, group, role, roleBinding } from '../../support/cluster-objects.js';

const RBAC = `${API_SERVER}/apis/rbac.authorization.k8s.io/v1`;
const defaults = { clusterRoles: defaultClusterRoles(), clusterRoleBindings: defaultClusterRoleBindings(), roles: defaultRoles(), roleBindings: defaultRoleBindings() };

ruleTester('rbac/pod-create-access', {
  valid: [
    { name: "a new cluster's default RBAC", api: defaults, build: () => undefined },
    { name: 'get and list pods only, for everyone', api: { ...defaults, clusterRoleBindings: [...defaults.clusterRoleBindings, clusterRoleBinding('everyone-views', 'view', [group('system:authenticated')])] }, build: () => undefined },
  ],
  invalid: [
    {
      name: 'a Role with "*" verbs on pods, bound to every authenticated user in one namespace',
      api: { ...defaults, roles: [...defaults.roles, role('sandbox', 'anything-with-pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])], roleBindings: [...defaults.roleBindings, roleBinding('sandbox', 'everyone', { kind: 'Role', name: 'anything-with-pods' }, [group('system:authenticated')])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/namespaces/sandbox/rolebindings/everyone:1`],
      messages: ['RoleBinding sandbox/everyone lets every authenticated user (Group system:authenticated) create pods in namespace sandbox, through Role sandbox/anything-with-pods'],
    },
    {
      name: 'cluster-admin itself bound to system:authenticated (a wildcard role)',
      api: { clusterRoles: [clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])], clusterRoleBindings: [clusterRoleBinding('oops', 'cluster-admin', [group('system:authenticated')])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/clusterrolebindings/oops:1`],
    },
  ],
});
