import { defineRule } from '../rule.js';
import { describeWeave, weaveNets } from '../lib/weave.js';

export default defineRule({
  id: 'cni/weave-unencrypted',
  level: 'warning',
  title: 'Weave Net does not encrypt traffic between hosts',
  description: 'Without WEAVE_PASSWORD or --password, weave sends pod traffic between hosts in clear and accepts any peer that reaches its port.',
  fix: 'fix',
  tags: ['cni', 'weave', 'security'],
  check(cluster, context, report) {
    context.each(weaveNets(cluster), (weave) => {
      if (weave.password) return;
      report({
        message: `${describeWeave(weave)} runs without encryption (no WEAVE_PASSWORD, no --password): pod traffic between hosts crosses the network in clear`,
        at: weave.container?.at ?? weave.at,
        key: `weave-unencrypted:${weave.name}`,
        fix: { kind: 'weave-password', weave },
      });
    }, (weave) => weave.at);
  },
});
