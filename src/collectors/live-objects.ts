/**
 * Kubernetes API objects into the model: only the facts the rules read, with the object's
 * URL as its location. Secret values never pass: a bootstrap token keeps its expiry, a
 * DaemonSet where its password is set. Pure functions, used by the live collector page by
 * page, and by the rule tests to load API objects as the collector would.
 */
import { objectName, weaveOfDaemonSet } from '../model/weave.js';
import type {
  Component,
  LabelSelector,
  LiveBinding,
  LiveBootstrapToken,
  LiveContainer,
  LiveKube,
  LiveNamespace,
  LivePodGroup,
  LiveRbacRule,
  LiveRole,
  LiveServiceAccount,
  SourceLocation,
  WeaveNet,
} from '../model/types.js';
import { KUBELET_FIELDS } from './config-files.js';
import { liveAt } from './live-etcd.js';

/** Where objects of the API are: the server's URL, and the host a finding about them is filed under. */
export class ApiPlace {
  constructor(readonly server: string) {}

  at(path: string, host = 'kubernetes'): SourceLocation {
    return liveAt(host, `${this.server.replace(/\/$/, '')}${path}`);
  }
}

type Obj = Record<string, unknown>;

function record(value: unknown): Obj | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function metadata(obj: unknown): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const m = record(record(obj)?.metadata);
  const map = (v: unknown) => Object.fromEntries(Object.entries(record(v) ?? {}).map(([k, x]) => [k, String(x)]));
  return { name: str(m?.name), namespace: str(m?.namespace), labels: map(m?.labels), annotations: map(m?.annotations) };
}

/** An empty LiveKube: lists not read stay undefined. */
export function emptyLiveKube(server: string): LiveKube {
  return { server, nodes: 0, pods: 0, schedulerNames: new Map(), bootstrapTokens: [], endpoints: [], workloads: [], rbac: {} };
}

/** A DaemonSet that runs weave-kube, as a WeaveNet (where its password is set, never the password). */
export function weaveOfLiveDaemonSet(daemonSet: unknown, place: ApiPlace): WeaveNet | undefined {
  const { name, namespace } = metadata(daemonSet);
  const at = place.at(`/apis/apps/v1/namespaces/${namespace}/daemonsets/${name}`);
  const weave = weaveOfDaemonSet(daemonSet, '', () => at);
  return weave ? { source: 'live', host: 'kubernetes', name: objectName(record(daemonSet)?.metadata, namespace), at, ...weave } : undefined;
}

/** A bootstrap token Secret: its name and `expiration`; the token's id and secret are not read. */
export function bootstrapTokenOf(secret: unknown, place: ApiPlace): LiveBootstrapToken {
  const { name, namespace } = metadata(secret);
  const data = record(record(secret)?.data);
  const encoded = str(data?.expiration);
  const expiration = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
  return { name, ...(expiration ? { expiration } : {}), at: place.at(`/api/v1/namespaces/${namespace || 'kube-system'}/secrets/${name}`) };
}

function rulesOf(value: unknown): LiveRbacRule[] {
  return list(value).map((r) => {
    const rule = record(r) ?? {};
    return { apiGroups: strings(rule.apiGroups), resources: strings(rule.resources), verbs: strings(rule.verbs), resourceNames: strings(rule.resourceNames), nonResourceURLs: strings(rule.nonResourceURLs) };
  });
}

function selectorOf(value: unknown): LabelSelector {
  const s = record(value) ?? {};
  return {
    matchLabels: Object.fromEntries(Object.entries(record(s.matchLabels) ?? {}).map(([k, v]) => [k, String(v)])),
    matchExpressions: list(s.matchExpressions).map((e) => ({ key: str(record(e)?.key), operator: str(record(e)?.operator), values: strings(record(e)?.values) })),
  };
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

export function roleOf(obj: unknown, kind: 'Role' | 'ClusterRole', place: ApiPlace): LiveRole {
  const { name, namespace, labels } = metadata(obj);
  const aggregation = record(record(obj)?.aggregationRule);
  const path = kind === 'Role' ? `${RBAC}/namespaces/${namespace}/roles/${name}` : `${RBAC}/clusterroles/${name}`;
  return {
    kind,
    ...(kind === 'Role' ? { namespace } : {}),
    name,
    labels,
    rules: rulesOf(record(obj)?.rules),
    ...(aggregation ? { aggregation: list(aggregation.clusterRoleSelectors).map(selectorOf) } : {}),
    at: place.at(path),
  };
}

export function bindingOf(obj: unknown, kind: 'RoleBinding' | 'ClusterRoleBinding', place: ApiPlace): LiveBinding {
  const { name, namespace, labels } = metadata(obj);
  const roleRef = record(record(obj)?.roleRef) ?? {};
  const path = kind === 'RoleBinding' ? `${RBAC}/namespaces/${namespace}/rolebindings/${name}` : `${RBAC}/clusterrolebindings/${name}`;
  return {
    kind,
    ...(kind === 'RoleBinding' ? { namespace } : {}),
    name,
    labels,
    roleRef: { kind: str(roleRef.kind), name: str(roleRef.name) },
    subjects: list(record(obj)?.subjects).map((s) => {
      const subject = record(s) ?? {};
      return { kind: str(subject.kind), name: str(subject.name), ...(str(subject.namespace) ? { namespace: str(subject.namespace) } : {}) };
    }),
    at: place.at(path),
  };
}

export function serviceAccountOf(obj: unknown, place: ApiPlace): LiveServiceAccount {
  const { name, namespace } = metadata(obj);
  const automount = bool(record(obj)?.automountServiceAccountToken);
  return { namespace, name, ...(automount !== undefined ? { automount } : {}), at: place.at(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}`) };
}

export function namespaceOf(obj: unknown, place: ApiPlace): LiveNamespace {
  const { name, labels } = metadata(obj);
  const podSecurity = Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith('pod-security.kubernetes.io/')));
  return { name, podSecurity, at: place.at(`/api/v1/namespaces/${name}`) };
}

/** API paths of the controllers that own pods. */
const OWNER_PATHS: Record<string, string> = {
  ReplicaSet: 'apis/apps/v1/namespaces/NS/replicasets',
  DaemonSet: 'apis/apps/v1/namespaces/NS/daemonsets',
  StatefulSet: 'apis/apps/v1/namespaces/NS/statefulsets',
  Deployment: 'apis/apps/v1/namespaces/NS/deployments',
  Job: 'apis/batch/v1/namespaces/NS/jobs',
  CronJob: 'apis/batch/v1/namespaces/NS/cronjobs',
  ReplicationController: 'api/v1/namespaces/NS/replicationcontrollers',
};

function containersOf(spec: Obj): LiveContainer[] {
  const kinds = [['containers', 'container'], ['initContainers', 'initContainer'], ['ephemeralContainers', 'ephemeralContainer']] as const;
  return kinds.flatMap(([field, kind]) =>
    list(spec[field]).map((c) => {
      const container = record(c) ?? {};
      const security = record(container.securityContext) ?? {};
      const privileged = bool(security.privileged);
      const escalation = bool(security.allowPrivilegeEscalation);
      return { name: str(container.name), kind, ...(privileged !== undefined ? { privileged } : {}), ...(escalation !== undefined ? { allowPrivilegeEscalation: escalation } : {}) };
    }),
  );
}

/**
 * Pods, grouped by their controller and the facts the rules read: a Deployment of 500
 * replicas is one entry, so memory grows with the workloads, not with the pods.
 */
export class PodGroups {
  private readonly groups = new Map<string, LivePodGroup>();

  constructor(private readonly place: ApiPlace) {}

  add(pod: unknown): void {
    const { name, namespace, annotations } = metadata(pod);
    const spec = record(record(pod)?.spec) ?? {};
    const controller = list(record(record(pod)?.metadata)?.ownerReferences).map(record).find((o) => o?.controller === true);
    const owner = controller ? { kind: str(controller.kind), name: str(controller.name) } : undefined;
    const automount = bool(spec.automountServiceAccountToken);
    const priorityClassName = str(spec.priorityClassName);
    const facts = {
      serviceAccount: str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default',
      ...(automount !== undefined ? { automount } : {}),
      hostPID: spec.hostPID === true,
      hostIPC: spec.hostIPC === true,
      hostNetwork: spec.hostNetwork === true,
      mirror: 'kubernetes.io/config.mirror' in annotations,
      ...(priorityClassName ? { priorityClassName } : {}),
      containers: containersOf(spec),
    };
    const key = `${namespace}\u0000${owner ? `${owner.kind}/${owner.name}` : `Pod/${name}`}\u0000${JSON.stringify(facts)}`;
    const known = this.groups.get(key);
    if (known) {
      known.count++;
      return;
    }
    const ownerPath = owner && OWNER_PATHS[owner.kind];
    const at = this.place.at(ownerPath ? `/${ownerPath.replace('NS', namespace)}/${owner.name}` : `/api/v1/namespaces/${namespace}/pods/${name}`);
    this.groups.set(key, { namespace, ...(owner ? { owner } : {}), pod: name, count: 1, ...facts, at });
  }

  all(): LivePodGroup[] {
    return [...this.groups.values()];
  }
}

/** Go zero values of the KubeletConfiguration fields the model reads that are not strings. */
const KUBELET_ZERO: Record<string, string> = {
  'authentication.anonymous.enabled': 'false',
  'authentication.webhook.enabled': 'false',
  rotateCertificates: 'false',
  serverTLSBootstrap: 'false',
  readOnlyPort: '0',
  makeIPTablesUtilChains: 'false',
  protectKernelDefaults: 'false',
  seccompDefault: 'false',
  eventRecordQPS: '0',
  podPidsLimit: '0',
  streamingConnectionIdleTimeout: '0s',
};

function valueAt(data: unknown, dotted: string): unknown {
  let current: unknown = data;
  for (const part of dotted.split('.')) current = record(current)?.[part];
  return current;
}

/**
 * A node's kubelet from its live configz (`{"kubeletconfig": {...}}`): every field of the
 * model's table is known, a missing one having its zero value (configz omits zero values).
 */
export function kubeletFromConfigz(component: Component, configz: unknown, at: SourceLocation): void {
  const config = record(record(configz)?.kubeletconfig) ?? {};
  component.settings = Object.entries(KUBELET_FIELDS).map(([field, flag]) => {
    const value = valueAt(config, field);
    const text = Array.isArray(value) ? value.map(String).join(',') : value === undefined || value === null || typeof value === 'object' ? (KUBELET_ZERO[field] ?? '') : String(value);
    return { name: flag, value: text, origin: 'config-file' as const, at, sourceKey: field };
  });
  component.settingsKnown = true;
  component.definedAt = at;
}
