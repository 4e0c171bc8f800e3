import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { clusterRole, clusterRoleBinding, defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles, group, role, roleBinding } from '../../support/cluster-objects.js';

const RBAC = `${API_SERVER}/apis/rbac.authorization.k8s.io/v1`;
const defaults = { clusterRoles: defaultClusterRoles(), clusterRoleBindings: defaultClusterRoleBindings(), roles: defaultRoles(), roleBindings: defaultRoleBindings() };

ruleTester('rbac/secret-access', {
  valid: [
    { name: "a new cluster's default RBAC", api: defaults, build: () => undefined },
    {
      name: 'a role limited to one named Secret, bound to every authenticated user',
      api: { ...defaults, roles: [role('team-1', 'read-one', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['public-ca'], verbs: ['get'] }])], roleBindings: [roleBinding('team-1', 'read-one', { kind: 'Role', name: 'read-one' }, [group('system:authenticated')])] },
      build: () => undefined,
    },
    {
      name: "edit bound to one namespace's service accounts (a narrow group)",
      api: { ...defaults, roleBindings: [roleBinding('team-2', 'sa-edit', { kind: 'ClusterRole', name: 'edit' }, [group('system:serviceaccounts:team-2')])] },
      build: () => undefined,
    },
  ],
  invalid: [
    {
      name: 'a ClusterRoleBinding lets every authenticated user read Secrets cluster-wide',
      api: { ...defaults, clusterRoles: [...defaults.clusterRoles, clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }])], clusterRoleBindings: [...defaults.clusterRoleBindings, clusterRoleBinding('everyone-reads-secrets', 'secret-reader', [group('system:authenticated')])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/clusterrolebindings/everyone-reads-secrets:1`],
      messages: ['ClusterRoleBinding everyone-reads-secrets lets every authenticated user (Group system:authenticated) get, list secrets in all namespaces, through ClusterRole secret-reader'],
      related: [`kubernetes ${RBAC}/clusterroles/secret-reader:1`],
    },
    {
      name: 'through aggregation: a role aggregated into one bound to every service account',
      api: {
        ...defaults,
        clusterRoles: [...defaults.clusterRoles, clusterRole('monitoring', [], { aggregate: { 'example.com/aggregate-to-monitoring': 'true' } }), clusterRole('monitoring-secrets', [{ apiGroups: ['*'], resources: ['secrets'], verbs: ['watch'] }], { labels: { 'example.com/aggregate-to-monitoring': 'true' } })],
        clusterRoleBindings: [...defaults.clusterRoleBindings, clusterRoleBinding('monitoring', 'monitoring', [group('system:serviceaccounts')])],
      },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/clusterrolebindings/monitoring:1`],
      messages: ['ClusterRoleBinding monitoring lets every service account (Group system:serviceaccounts) watch secrets in all namespaces, through ClusterRole monitoring'],
    },
    {
      name: 'a RoleBinding gives the edit ClusterRole to anonymous requests in one namespace',
      api: { ...defaults, roleBindings: [...defaults.roleBindings, roleBinding('team-3', 'open-edit', { kind: 'ClusterRole', name: 'edit' }, [group('system:unauthenticated')])] },
      build: () => undefined,
      findings: [`kubernetes ${RBAC}/namespaces/team-3/rolebindings/open-edit:1`],
      messages: ['RoleBinding team-3/open-edit lets anonymous requests (Group system:unauthenticated) get, list, watch secrets in namespace team-3, through ClusterRole edit'],
    },
  ],
});
