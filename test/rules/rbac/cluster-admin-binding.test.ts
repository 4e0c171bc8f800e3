import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { clusterRoleBinding, defaultClusterRoleBindings, group, serviceAccount } from '../../support/cluster-objects.js';

const at = (name: string) => `kubernetes ${API_SERVER}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}:1`;

ruleTester('rbac/cluster-admin-binding', {
  valid: [
    { name: "a new cluster's bindings: cluster-admin bound by its default binding only", api: { clusterRoleBindings: defaultClusterRoleBindings() }, build: () => undefined },
    { name: 'a binding to the view role', api: { clusterRoleBindings: [clusterRoleBinding('ops-view', 'view', [group('ops')])] }, build: () => undefined },
  ],
  invalid: [
    {
      name: 'cluster-admin given to a CI service account',
      api: { clusterRoleBindings: [...defaultClusterRoleBindings(), clusterRoleBinding('ci-deployer', 'cluster-admin', [serviceAccount('ci', 'deployer')])] },
      build: () => undefined,
      findings: [at('ci-deployer')],
      messages: ['ClusterRoleBinding ci-deployer gives cluster-admin to ServiceAccount ci/deployer'],
    },
    {
      name: "kubeadm's kubeadm:cluster-admins binding is named too (kube-bench: only the binding named cluster-admin passes)",
      api: { clusterRoleBindings: [clusterRoleBinding('kubeadm:cluster-admins', 'cluster-admin', [group('kubeadm:cluster-admins')])] },
      build: () => undefined,
      findings: [at('kubeadm:cluster-admins')],
    },
  ],
});
