/**
 * Kubernetes API objects (as the API serves them) loaded into the model through the live
 * collector's own converters: RuleTester cases for live objects, without a server.
 */
import type { Cluster } from '../../src/model/cluster.js';
import { encryptionPrefix, liveAt } from '../../src/collectors/live-etcd.js';
import { ApiPlace, PodGroups, bindingOf, bootstrapTokenOf, emptyLiveKube, namespaceOf, roleOf, serviceAccountOf, weaveOfLiveDaemonSet } from '../../src/collectors/live-objects.js';

export const API_SERVER = 'https://10.0.0.1:6443';

export interface ApiObjects {
  daemonSets?: unknown[];
  bootstrapSecrets?: unknown[];
  networkPolicies?: string[];
  pods?: unknown[];
  namespaces?: unknown[];
  serviceAccounts?: unknown[];
  roles?: unknown[];
  clusterRoles?: unknown[];
  roleBindings?: unknown[];
  clusterRoleBindings?: unknown[];
  /** Values stored under /registry/secrets/ of a live etcd (key → the value's bytes). */
  etcdSecrets?: Record<string, Buffer>;
}

export const ETCD_ENDPOINT = 'https://10.0.0.11:2379';

export function loadApiObjects(cluster: Cluster, objects: ApiObjects): void {
  if (objects.etcdSecrets) {
    // As the etcd collector keeps them: the key and the value's prefix, nothing more.
    const secrets = Object.entries(objects.etcdSecrets).map(([key, value]) => {
      const encryptedWith = encryptionPrefix(value.toString('base64'));
      return { key, ...(encryptedWith ? { encryptedWith } : {}), at: liveAt('etcd', `${ETCD_ENDPOINT}${key}`) };
    });
    cluster.liveEtcd = { endpoints: [], members: [], at: liveAt('etcd', ETCD_ENDPOINT), secrets };
  }
  const place = new ApiPlace(API_SERVER);
  const live = emptyLiveKube(API_SERVER);
  cluster.liveKube = live;
  for (const ds of objects.daemonSets ?? []) {
    const weave = weaveOfLiveDaemonSet(ds, place);
    if (weave) cluster.weaveNets.push(weave);
  }
  live.bootstrapTokens = (objects.bootstrapSecrets ?? []).map((s) => bootstrapTokenOf(s, place));
  if (objects.networkPolicies) live.networkPolicies = { count: objects.networkPolicies.length, examples: objects.networkPolicies.slice(0, 3) };
  if (objects.pods) {
    const groups = new PodGroups(place);
    for (const pod of objects.pods) groups.add(pod);
    live.workloadPods = groups.all();
  }
  if (objects.namespaces) live.namespaces = objects.namespaces.map((n) => namespaceOf(n, place));
  if (objects.serviceAccounts) live.serviceAccounts = objects.serviceAccounts.map((s) => serviceAccountOf(s, place));
  if (objects.roles) live.rbac.roles = objects.roles.map((r) => roleOf(r, 'Role', place));
  if (objects.clusterRoles) live.rbac.clusterRoles = objects.clusterRoles.map((r) => roleOf(r, 'ClusterRole', place));
  if (objects.roleBindings) live.rbac.roleBindings = objects.roleBindings.map((b) => bindingOf(b, 'RoleBinding', place));
  if (objects.clusterRoleBindings) live.rbac.clusterRoleBindings = objects.clusterRoleBindings.map((b) => bindingOf(b, 'ClusterRoleBinding', place));
}
