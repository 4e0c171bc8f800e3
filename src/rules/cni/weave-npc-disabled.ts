import { defineRule } from '../rule.js';
import { describeWeave, weaveNets } from '../lib/weave.js';
import type { Cluster } from '../../model/cluster.js';

/** NetworkPolicy objects the scan knows of: in the live API, and in scanned manifest folders. */
function networkPolicies(cluster: Cluster): { count: number; examples: string[] } {
  const files = cluster.manifests.filter((m) => m.kind === 'NetworkPolicy');
  const live = cluster.liveKube?.networkPolicies ?? { count: 0, examples: [] };
  return { count: live.count + files.length, examples: [...live.examples, ...files.map((m) => `${m.name ?? m.hostPath} in ${m.hostPath}`)].slice(0, 3) };
}

export default defineRule({
  id: 'cni/weave-npc-disabled',
  level: 'warning',
  title: 'Weave Net runs without its network policy controller',
  description: 'Without weave-npc the API accepts NetworkPolicy objects and nothing enforces them: every pod can still reach every other.',
  fix: 'fix',
  tags: ['cni', 'weave', 'security'],
  check(cluster, context, report) {
    const policies = networkPolicies(cluster);
    context.each(weaveNets(cluster), (weave) => {
      if (!weave.npc) return;
      const why = [...(weave.npc.container ? [] : ['no weave-npc container']), ...weave.npc.disabledBy.map((d) => d.how)];
      if (why.length === 0) return;
      const loud = policies.count > 0;
      const consequence = loud
        ? `${policies.count} NetworkPolicy object${policies.count === 1 ? ' is' : 's are'} in the cluster (${policies.examples.join(', ')}) and none is enforced`
        : 'NetworkPolicy objects would be accepted but not enforced';
      report({
        message: `${describeWeave(weave)} runs without its network policy controller (${why.join(', ')}): ${consequence}`,
        at: weave.npc.disabledBy[0]?.at ?? weave.container?.at ?? weave.at,
        key: `weave-npc:${weave.name}`,
        // Policies that exist and do nothing are a hole people believe is closed.
        ...(loud ? { level: 'error' as const } : {}),
        fix: { kind: 'weave-npc', weave, networkPolicies: policies.count },
      });
    }, (weave) => weave.at);
  },
});
