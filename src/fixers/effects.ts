/**
 * What a setting change sets off beyond the file it is written in, as data: said beside
 * the change in the dry run, so that an operator knows what else a hardened setting
 * affects before writing it (clients refused, endpoints closed, disk used).
 */
import type { Component, ComponentKind } from '../model/types.js';

type Effect = string | ((value: string, component: Component) => string | undefined);

/** By component kind and flag, for a value written (the CIS value). */
const SETTING_EFFECTS: Partial<Record<ComponentKind, Record<string, Effect>>> = {
  'kube-apiserver': {
    profiling: '/debug/pprof is no longer served by the apiserver',
    'service-account-lookup': 'tokens of deleted service accounts stop working at once instead of at their expiry',
    'service-account-extend-token-expiration': (value) => (value === 'false' ? 'projected service account tokens expire after their own lifetime (1 h by default): clients that never re-read their token file (old client libraries) get 401 after it' : undefined),
    'audit-log-maxage': 'audit log files older than the limit are deleted',
    'audit-log-maxbackup': 'rotated audit log files beyond the limit are deleted',
    'audit-log-maxsize': 'the audit log is rotated at this size (MB)',
    'tls-cipher-suites': 'clients that offer none of these TLS cipher suites (old TLS stacks) can no longer connect to the apiserver',
  },
  'kube-controller-manager': {
    profiling: '/debug/pprof is no longer served by the controller-manager',
    'bind-address': 'its health and metrics endpoints (10257) answer on localhost only: a monitor or load balancer that probes them from another host loses them',
    'use-service-account-credentials': 'each controller calls the API as its own service account: RBAC must grant the system:controller:* roles (the defaults do)',
    'terminated-pod-gc-threshold': (value) => `terminated pods beyond ${value} are deleted, with their status and logs`,
  },
  'kube-scheduler': {
    profiling: '/debug/pprof is no longer served by the scheduler',
    'bind-address': 'its health and metrics endpoints (10259) answer on localhost only: a monitor or load balancer that probes them from another host loses them',
  },
  etcd: {
    'client-cert-auth': 'etcd refuses clients without a certificate from its trusted CA: the apiserver, etcdctl and backup jobs all need one',
    'peer-client-cert-auth': 'members refuse peers without a certificate from the peer CA: every member must present one, or it leaves the cluster',
    'auto-tls': 'etcd no longer serves clients with a self-signed certificate: it needs --cert-file and --key-file',
    'peer-auto-tls': 'members no longer use self-signed peer certificates: each needs --peer-cert-file and --peer-key-file',
  },
  kubelet: {
    'read-only-port': (value) => (value === '0' ? 'the read-only port 10255 closes: monitoring that reads it (old metrics-server, heapster) stops' : undefined),
    'authorization-mode': 'calls to the kubelet API are authorized by the apiserver (SubjectAccessReview): callers need RBAC on nodes/proxy, nodes/log and the like',
    'streaming-connection-idle-timeout': (value) => `idle exec, attach and port-forward sessions end after ${value}`,
    'tls-cipher-suites': 'clients that offer none of these TLS cipher suites can no longer connect to the kubelet',
    'rotate-certificates': 'the kubelet requests new client certificates before its own expire (the CSRs are approved by the controller-manager)',
  },
  'kube-proxy': {
    'metrics-bind-address': 'kube-proxy metrics answer on localhost only: a Prometheus that scrapes them from another host loses them',
  },
};

/** Admission plugins and authorization modes, added or removed. */
const LIST_ITEM_EFFECTS: Record<string, { added?: string; removed?: string }> = {
  AlwaysPullImages: { added: 'every container start pulls its image: pods cannot start while their registry is unreachable, and images preloaded on a node without a pull secret are refused' },
  DenyServiceExternalIPs: { added: 'Services with spec.externalIPs are refused from now on: new ones cannot be created and existing ones cannot be updated unless the field is removed' },
  EventRateLimit: { added: 'the apiserver answers 429 to events beyond the limits of its EventRateLimit configuration: floods of events are dropped' },
  NodeRestriction: { added: 'each kubelet may change only its own Node and the pods bound to it' },
  AlwaysAdmit: { removed: 'the other admission plugins now decide: requests they refuse are refused' },
  ServiceAccount: { removed: 'ServiceAccount admission is back: pods must name a service account that exists, and get its token unless they opt out' },
  NamespaceLifecycle: { removed: 'NamespaceLifecycle admission is back: objects cannot be created in namespaces that do not exist or are being deleted' },
  AlwaysAllow: { removed: 'requests are authorized by the remaining modes: callers that no RBAC binding grants are refused (403)' },
  Node: { added: 'kubelets are authorized by the Node authorizer: each reads only the objects of its own pods' },
  RBAC: { added: 'requests are authorized by RBAC roles and bindings' },
};

export function settingEffect(component: Component, flag: string, value: string): string | undefined {
  const effect = SETTING_EFFECTS[component.kind]?.[flag];
  return typeof effect === 'function' ? effect(value, component) : effect;
}

export function listItemEffect(item: string, change: 'added' | 'removed'): string | undefined {
  return LIST_ITEM_EFFECTS[item]?.[change];
}
