import { defineRule } from '../rule.js';
import { etcdClusters, memberNames } from '../lib/etcd.js';
import { related } from '../lib/pki.js';
import { effective, listOf, where } from '../lib/settings.js';

function endpointKey(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname.replace(/^\[|\]$/g, '')}:${parsed.port || '2379'}`;
  } catch {
    return url;
  }
}

const LOOPBACK = /^(127\.|localhost$|::1$)/;

export default defineRule({
  id: 'etcd/single-endpoint',
  level: 'warning',
  title: 'The apiserver talks to one remote etcd member only',
  description: 'An apiserver with one --etcd-servers endpoint on another host goes down with that member, though the etcd cluster survives.',
  fix: 'fix',
  tags: ['etcd', 'availability'],
  check(cluster, context, report) {
    const clusters = etcdClusters(cluster);
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      const servers = effective(apiserver, 'etcd-servers');
      if (!servers) return;
      const endpoints = listOf(servers.value);
      if (endpoints.length !== 1) return;
      const key = endpointKey(endpoints[0]);
      if (LOOPBACK.test(key.split(':')[0]) || key.startsWith('::1')) return; // stacked etcd on the apiserver's own host
      const members = clusters.find((c) => c.some((m) => m.clientUrls.some((u) => endpointKey(u) === key)));
      const target = members?.find((m) => m.clientUrls.some((u) => endpointKey(u) === key));
      // An endpoint no member advertises is a proxy or load balancer: it fails over on its own.
      if (!members || !target || target.component.host === apiserver.host) return;
      const size = memberNames(members).length;
      if (size < 2) return;
      report({
        message: `${where(apiserver)} uses one etcd endpoint, ${endpoints[0]} (member ${target.name} on ${target.component.host}), of a ${size}-member cluster: list every member's client URL`,
        at: servers.at,
        related: [related(target.component.definedAt, `etcd member ${target.name}`)],
        key: 'etcd-servers',
        fix: { kind: 'set-flag', component: apiserver, flag: 'etcd-servers', value: members.flatMap((m) => m.clientUrls).join(',') },
      });
    });
  },
});
