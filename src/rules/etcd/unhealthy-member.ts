import { defineRule } from '../rule.js';
import { quorum } from '../lib/etcd.js';
import { related } from '../lib/pki.js';

export default defineRule({
  id: 'etcd/unhealthy-member',
  level: 'error',
  title: 'A live etcd member does not answer, or quorum is at risk',
  description: 'A member that does not answer is a failure the cluster already spends: one more and it loses quorum, and with it every write of the control plane.',
  fix: 'plan',
  tags: ['etcd', 'availability', 'live'],
  check(cluster, context, report) {
    const live = cluster.liveEtcd;
    if (!live) return;
    const plan = (name: string, url: string) => ({
      kind: 'plan' as const,
      steps: [
        { title: `Find out why ${name} does not answer (its host, its disk, its certificates), and bring it back or replace it`, commands: [`etcdctl --endpoints=${url} endpoint health`, `etcdctl --endpoints=${url} endpoint status -w table`] },
        { title: `If ${name} is gone for good, remove it and add a replacement with --initial-cluster-state=existing`, commands: [`etcdctl member remove <ID of ${name}>`, `etcdctl member add ${name} --peer-urls=<its peer URL>`] },
      ],
    });
    if (live.members.length === 0) {
      report({ message: `no etcd endpoint answered (${live.endpoints.map((e) => `${e.url}: ${e.error ?? 'unhealthy'}`).join('; ')})`, at: live.at, key: 'unreachable', fix: plan('etcd', live.at.file) });
      return;
    }
    const healthy = live.members.filter((m) => live.endpoints.some((e) => m.clientUrls.includes(e.url) && e.reachable && e.healthy));
    const { majority, tolerates } = quorum(live.members.length);
    context.each(live.members.filter((m) => !healthy.includes(m)), (member) => {
      const endpoint = live.endpoints.find((e) => member.clientUrls.includes(e.url));
      const why = endpoint ? (endpoint.reachable ? 'reports itself unhealthy' : `does not answer (${endpoint.error})`) : 'has no client URL to ask';
      const risk = healthy.length < majority ? `: ${healthy.length} of ${live.members.length} healthy, under the majority of ${majority} — the cluster has lost quorum` : `; ${healthy.length} of ${live.members.length} healthy (the cluster tolerates ${tolerates} failure${tolerates === 1 ? '' : 's'})`;
      report({
        message: `etcd member ${member.name} ${why}${risk}`,
        at: endpoint?.at ?? live.at,
        related: healthy.slice(0, 3).map((m) => related(live.endpoints.find((e) => m.clientUrls.includes(e.url))!.at, `healthy member ${m.name}`)),
        key: `unhealthy:${member.name}`,
        fix: plan(member.name, endpoint?.url ?? member.clientUrls[0] ?? ''),
      });
    });
  },
});
