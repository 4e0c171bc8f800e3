/**
 * RBAC resolved from the objects themselves (read-only GETs), as the authorizer resolves
 * it: a binding's subjects get the rules of its Role or ClusterRole; a ClusterRole with an
 * aggregationRule also has the rules of every ClusterRole its selectors match; `*` matches
 * any verb, resource and API group; a rule with resourceNames covers only those objects.
 * No SubjectAccessReview and no impersonation, so a read-only account can audit.
 */
import type { LabelSelector, LiveBinding, LiveKube, LiveRbacRule, LiveRole, LiveSubject } from '../../model/types.js';
import type { PlanStep } from '../../fixers/types.js';

/** Subjects that stand for everyone of a kind: granting them anything grants it to all of them. */
export const BROAD_SUBJECTS: Array<{ kind: string; name: string; who: string }> = [
  { kind: 'Group', name: 'system:authenticated', who: 'every authenticated user' },
  { kind: 'Group', name: 'system:unauthenticated', who: 'anonymous requests' },
  { kind: 'User', name: 'system:anonymous', who: 'anonymous requests' },
  { kind: 'Group', name: 'system:serviceaccounts', who: 'every service account' },
];

export function broadSubject(subject: LiveSubject): (typeof BROAD_SUBJECTS)[number] | undefined {
  return BROAD_SUBJECTS.find((b) => b.kind === subject.kind && b.name === subject.name);
}

export function matchesSelector(labels: Record<string, string>, selector: LabelSelector): boolean {
  const byLabel = Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value);
  const byExpression = selector.matchExpressions.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}

/** Resolves roles and their aggregation once per scan. */
export class RbacIndex {
  private readonly clusterRoles = new Map<string, LiveRole>();
  private readonly roles = new Map<string, LiveRole>();
  private readonly resolved = new Map<string, LiveRbacRule[]>();

  constructor(readonly rbac: LiveKube['rbac']) {
    for (const role of rbac.clusterRoles ?? []) this.clusterRoles.set(role.name, role);
    for (const role of rbac.roles ?? []) this.roles.set(`${role.namespace}/${role.name}`, role);
  }

  /** The role a binding refers to (a RoleBinding may name a ClusterRole). */
  roleOf(binding: LiveBinding): LiveRole | undefined {
    if (binding.roleRef.kind === 'ClusterRole') return this.clusterRoles.get(binding.roleRef.name);
    return this.roles.get(`${binding.namespace}/${binding.roleRef.name}`);
  }

  /** A role's rules with those its aggregation selects (cycles stop at the first repeat). */
  rulesOf(role: LiveRole, seen = new Set<string>()): LiveRbacRule[] {
    const key = `${role.kind}/${role.namespace ?? ''}/${role.name}`;
    const cached = this.resolved.get(key);
    if (cached) return cached;
    seen.add(key);
    const rules = [...role.rules];
    for (const selector of role.aggregation ?? []) {
      for (const other of this.clusterRoles.values()) {
        const otherKey = `ClusterRole//${other.name}`;
        if (!seen.has(otherKey) && matchesSelector(other.labels, selector)) rules.push(...this.rulesOf(other, seen));
      }
    }
    this.resolved.set(key, rules);
    return rules;
  }

  bindings(): LiveBinding[] {
    return [...(this.rbac.clusterRoleBindings ?? []), ...(this.rbac.roleBindings ?? [])];
  }
}

/** Whether a rule allows `verb` on `resource` of `apiGroup` for every object (no resourceNames). */
export function allows(rule: LiveRbacRule, verb: string, apiGroup: string, resource: string): boolean {
  const has = (list: string[], value: string) => list.includes('*') || list.includes(value);
  return rule.resourceNames.length === 0 && has(rule.verbs, verb) && has(rule.apiGroups, apiGroup) && has(rule.resources, resource);
}

/** "ClusterRoleBinding x" or "RoleBinding ns/x" */
export function describeBinding(binding: LiveBinding): string {
  return `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name}`;
}

export function describeRole(role: { kind: string; name: string; namespace?: string }): string {
  return `${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}`;
}

/** kubectl's words for a binding: `clusterrolebinding x` or `-n ns rolebinding x`. */
export function kubectlBinding(binding: LiveBinding): string {
  return binding.kind === 'ClusterRoleBinding' ? `clusterrolebinding ${binding.name}` : `-n ${binding.namespace} rolebinding ${binding.name}`;
}

/** Plan: keep a copy of the binding, then drop one subject from it (by its index). */
export function removeSubjectStep(binding: LiveBinding, index: number, why: string): PlanStep {
  const subject = binding.subjects[index];
  return {
    title: `Remove ${subject.kind} ${subject.name} from ${describeBinding(binding)} (${why}); bind the users who need it by name to a narrower role`,
    commands: [`kubectl get ${kubectlBinding(binding)} -o yaml > ${binding.name}.backup.yaml`, `kubectl patch ${kubectlBinding(binding)} --type=json -p '[{"op":"remove","path":"/subjects/${index}"}]'`],
  };
}
