/**
 * The template of CIS 5.2.2–5.2.6 (privileged, hostPID, hostIPC, hostNetwork,
 * allowPrivilegeEscalation), after kube-bench's cfg/cis-1.12/policies.yaml: a pod fails
 * when the field is explicitly true (unset passes). Exceptions, and only these: a namespace
 * explicitly labelled `pod-security.kubernetes.io/enforce: privileged` (its owner chose to
 * allow it), and kube-system's system components — static pods (mirror pods) and pods of
 * the priority classes Kubernetes reserves for them (system-node-critical,
 * system-cluster-critical). An unlabelled namespace is no exception.
 */
import { defineRule, type Rule } from '../rule.js';
import type { Cluster } from '../../model/cluster.js';
import type { LiveContainer, LiveNamespace, LivePodGroup } from '../../model/types.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const SYSTEM_PRIORITY = new Set(['system-node-critical', 'system-cluster-critical']);

export function isSystemComponent(group: LivePodGroup): boolean {
  return group.namespace === 'kube-system' && (group.mirror || SYSTEM_PRIORITY.has(group.priorityClassName ?? ''));
}

/** "DaemonSet kube-system/weave-net (3 pods)" or "Pod team-1/debug". */
export function describePods(group: LivePodGroup): string {
  if (!group.owner) return `Pod ${group.namespace}/${group.pod}`;
  return `${group.owner.kind} ${group.namespace}/${group.owner.name} (${group.count} pod${group.count === 1 ? '' : 's'}, e.g. ${group.pod})`;
}

export function containerText(container: LiveContainer): string {
  return `${container.kind === 'container' ? 'container' : container.kind === 'initContainer' ? 'init container' : 'ephemeral container'} ${container.name}`;
}

export interface PodRow {
  id: string;
  cis: string;
  title: string;
  description: string;
  /** The Pod Security Standard level that forbids it (baseline forbids all but allowPrivilegeEscalation). */
  level: 'baseline' | 'restricted';
  /** What in the pods fails the control ("container app is privileged"); empty when they pass. */
  violations(group: LivePodGroup): string[];
}

function namespaceIndex(cluster: Cluster): Map<string, LiveNamespace> | undefined {
  const namespaces = cluster.liveKube?.namespaces;
  return namespaces ? new Map(namespaces.map((ns) => [ns.name, ns])) : undefined;
}

export function podSecurityRule(row: PodRow): Rule {
  return defineRule({
    id: row.id,
    level: 'warning',
    title: row.title,
    description: row.description,
    fix: 'plan',
    tags: ['pod-security', 'security', 'live'],
    cis: [row.cis],
    check(cluster, context, report) {
      const groups = cluster.liveKube?.workloadPods;
      // Without the namespaces' labels the exceptions are unknown: an unknown says so.
      const namespaces = namespaceIndex(cluster);
      if (!groups || !namespaces) return;
      context.each(groups, (group) => {
        const namespace = namespaces.get(group.namespace);
        const enforce = namespace?.podSecurity[ENFORCE];
        if (enforce === 'privileged' || isSystemComponent(group)) return;
        const violations = row.violations(group);
        if (violations.length === 0) return;
        report({
          message: `${describePods(group)}: ${violations.join('; ')}; namespace ${group.namespace} ${enforce ? `enforces the ${enforce} Pod Security level` : 'has no Pod Security label'}, and only an explicit privileged label or a kube-system system component is an exception`,
          at: group.at,
          ...(namespace ? { related: [{ ...namespace.at, message: `namespace ${group.namespace}` }] } : {}),
          key: `${group.namespace}/${group.owner ? `${group.owner.kind}/${group.owner.name}` : `Pod/${group.pod}`}`,
          fix: {
            kind: 'plan',
            steps: [
              { title: `Change ${describePods(group)} so that it does without it (its pod template, or the pod), if the workload allows`, commands: [`kubectl -n ${group.namespace} get ${group.owner ? `${group.owner.kind.toLowerCase()} ${group.owner.name}` : `pod ${group.pod}`} -o yaml`] },
              {
                title: `Make namespace ${group.namespace} refuse such pods with Pod Security admission (${row.level}); the dry run lists the pods that would be refused, and running pods are not stopped`,
                commands: [`kubectl label --dry-run=server --overwrite namespace ${group.namespace} ${ENFORCE}=${row.level}`, `kubectl label --overwrite namespace ${group.namespace} ${ENFORCE}=${row.level}`],
              },
            ],
          },
        });
      }, (group) => group.at);
    },
  });
}
