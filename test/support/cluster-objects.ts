/**
 * Kubernetes API objects as a kubeadm cluster serves them, for rule tests and the API
 * stand-in: a subset of the apiserver's default RBAC (bootstrap policy, labelled
 * `kubernetes.io/bootstrapping: rbac-defaults`, with kubeadm's own bindings), namespaces
 * with Pod Security labels, service accounts and pods; and builders to plant what the
 * section-5 rules must find.
 */
const DEFAULTS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const RBAC_API = 'rbac.authorization.k8s.io/v1';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

export function clusterRole(name: string, rules: Rule[], options: { labels?: Record<string, string>; aggregate?: Record<string, string> } = {}) {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
    ...(options.aggregate ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: options.aggregate }] } } : {}),
    rules,
  };
}

export function role(namespace: string, name: string, rules: Rule[]) {
  return { apiVersion: RBAC_API, kind: 'Role', metadata: { name, namespace }, rules };
}

type Subject = { kind: string; name: string; namespace?: string; apiGroup?: string };

export function group(name: string): Subject {
  return { kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' };
}

export function serviceAccount(namespace: string, name: string): Subject {
  return { kind: 'ServiceAccount', name, namespace };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[], labels?: Record<string, string>) {
  return { apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: { name, ...(labels ? { labels } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}

export function roleBinding(namespace: string, name: string, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]) {
  return { apiVersion: RBAC_API, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

/** A subset of the apiserver's bootstrap policy and kubeadm's bindings, as a new cluster has them. */
export function defaultClusterRoles() {
  return [
    clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }], { labels: DEFAULTS }),
    clusterRole('admin', [], { labels: DEFAULTS, aggregate: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }),
    clusterRole('edit', [{ apiGroups: [''], resources: ['pods', 'secrets', 'configmaps'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }], { labels: { ...DEFAULTS, 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }),
    clusterRole('view', [{ apiGroups: [''], resources: ['pods', 'configmaps', 'services'], verbs: ['get', 'list', 'watch'] }], { labels: DEFAULTS }),
    clusterRole('system:basic-user', [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] }], { labels: DEFAULTS }),
    clusterRole('system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }], { labels: DEFAULTS }),
    clusterRole('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }], { labels: DEFAULTS }),
    clusterRole('system:node-bootstrapper', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }], { labels: DEFAULTS }),
    clusterRole('system:kube-scheduler', [{ apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get', 'list', 'watch'] }, { apiGroups: [''], resources: ['bindings', 'pods/binding'], verbs: ['create'] }], { labels: DEFAULTS }),
    clusterRole('system:controller:namespace-controller', [{ apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'deletecollection', 'get', 'list'] }], { labels: DEFAULTS }),
  ];
}

export function defaultClusterRoleBindings() {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')], DEFAULTS),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')], DEFAULTS),
    clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')], DEFAULTS),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')], DEFAULTS),
    clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [{ kind: 'User', name: 'system:kube-scheduler', apiGroup: 'rbac.authorization.k8s.io' }], DEFAULTS),
    clusterRoleBinding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group('system:bootstrappers:kubeadm:default-node-token')]),
  ];
}

export function defaultRoles() {
  return [role('kube-system', 'kubeadm:nodes-kubeadm-config', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kubeadm-config'], verbs: ['get'] }])];
}

export function defaultRoleBindings() {
  return [roleBinding('kube-system', 'kubeadm:nodes-kubeadm-config', { kind: 'Role', name: 'kubeadm:nodes-kubeadm-config' }, [group('system:bootstrappers:kubeadm:default-node-token'), group('system:nodes')])];
}

export function namespace(name: string, enforce?: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...(enforce ? { 'pod-security.kubernetes.io/enforce': enforce } : {}) } } };
}

export function account(namespace: string, name: string, automount?: boolean) {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) };
}

export interface PodOptions {
  owner?: { kind: string; name: string };
  serviceAccount?: string;
  automount?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostNetwork?: boolean;
  mirror?: boolean;
  priorityClassName?: string;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  initPrivileged?: boolean;
  nodeName?: string;
  schedulerName?: string;
}

/** A pod as the API serves it (with the fields the admission chain fills in). */
export function pod(namespace: string, name: string, options: PodOptions = {}) {
  const security = { ...(options.privileged !== undefined ? { privileged: options.privileged } : {}), ...(options.allowPrivilegeEscalation !== undefined ? { allowPrivilegeEscalation: options.allowPrivilegeEscalation } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      ...(options.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'f3a1', 'kubernetes.io/config.source': 'file' } } : {}),
      ...(options.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: options.owner.kind, name: options.owner.name, uid: `uid-${options.owner.name}`, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      nodeName: options.nodeName ?? 'node-0',
      schedulerName: options.schedulerName ?? 'default-scheduler',
      serviceAccountName: options.serviceAccount ?? 'default',
      ...(options.automount !== undefined ? { automountServiceAccountToken: options.automount } : {}),
      ...(options.hostPID ? { hostPID: true } : {}),
      ...(options.hostIPC ? { hostIPC: true } : {}),
      ...(options.hostNetwork ? { hostNetwork: true } : {}),
      ...(options.priorityClassName ? { priorityClassName: options.priorityClassName } : {}),
      ...(options.initPrivileged ? { initContainers: [{ name: 'setup', image: 'busybox:1.36', securityContext: { privileged: true } }] } : {}),
      containers: [{ name: 'app', image: 'registry.example.internal/app:1.0', ...(Object.keys(security).length ? { securityContext: security } : {}) }],
    },
    status: { phase: 'Running' },
  };
}
