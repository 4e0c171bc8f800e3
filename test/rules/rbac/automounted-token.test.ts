import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { account, pod } from '../../support/cluster-objects.js';

const accounts = [account('team-1', 'default', false), account('team-1', 'api-client', true), account('team-2', 'default'), account('kube-system', 'coredns')];

ruleTester('rbac/automounted-token', {
  valid: [
    { name: 'a pod of a service account that does not automount', api: { serviceAccounts: accounts, pods: [pod('team-1', 'web-1', { owner: { kind: 'ReplicaSet', name: 'web-5d8f' } })] }, build: () => undefined },
    { name: 'the pod says false, its service account true (the pod wins)', api: { serviceAccounts: accounts, pods: [pod('team-1', 'batch-1', { serviceAccount: 'api-client', automount: false })] }, build: () => undefined },
    { name: 'the pod says false, its service account unset (kube-bench\'s stated condition)', api: { serviceAccounts: accounts, pods: [pod('team-2', 'batch-2', { automount: false })] }, build: () => undefined },
    { name: "static pods (mirrors get no token) and kube-system's system components", api: { serviceAccounts: accounts, pods: [pod('kube-system', 'kube-apiserver-cp-1', { mirror: true, priorityClassName: 'system-node-critical' }), pod('kube-system', 'coredns-1', { owner: { kind: 'ReplicaSet', name: 'coredns-76f75df574' }, serviceAccount: 'coredns', priorityClassName: 'system-cluster-critical' })] }, build: () => undefined },
  ],
  invalid: [
    {
      name: 'pods of an unset default account, and of an account that says true',
      api: { serviceAccounts: accounts, pods: [pod('team-2', 'web-1', { owner: { kind: 'ReplicaSet', name: 'web-7c9d' } }), pod('team-2', 'web-2', { owner: { kind: 'ReplicaSet', name: 'web-7c9d' } }), pod('team-1', 'client', { serviceAccount: 'api-client' })] },
      build: () => undefined,
      findings: [`kubernetes ${API_SERVER}/api/v1/namespaces/team-1/pods/client:1`, `kubernetes ${API_SERVER}/apis/apps/v1/namespaces/team-2/replicasets/web-7c9d:1`],
      messages: [
        'Pod team-1/client mounts a token of service account team-1/api-client: service account api-client sets automountServiceAccountToken: true',
        'ReplicaSet team-2/web-7c9d (2 pods, e.g. web-1) mounts a token of service account team-2/default: neither the pod nor service account default sets automountServiceAccountToken: false',
      ],
    },
    {
      name: 'a kube-system pod that is no system component',
      api: { serviceAccounts: [account('kube-system', 'default')], pods: [pod('kube-system', 'debug')] },
      build: () => undefined,
      findings: [`kubernetes ${API_SERVER}/api/v1/namespaces/kube-system/pods/debug:1`],
    },
  ],
});
