import { defineRule } from '../rule.js';
import { related } from '../lib/pki.js';
import { cniConfigsByHost, isWeaveLeftover } from '../lib/cni.js';

export default defineRule({
  id: 'cni/leftover-weave-conf',
  level: 'error',
  title: "Weave's old 10-weave.conf shadows 10-weave.conflist",
  description: 'The runtime loads the first config by name: the old 10-weave.conf, without the portmap plugin, wins over 10-weave.conflist, and hostPort stops working.',
  fix: 'fix',
  tags: ['cni'],
  check(cluster, context, report) {
    context.each(cniConfigsByHost(cluster).values(), (configs) => {
      for (const config of configs) {
        if (!isWeaveLeftover(config, configs)) continue;
        const list = configs.find((c) => c.fileName === '10-weave.conflist')!;
        report({
          message: `${config.hostPath} is loaded instead of ${list.hostPath} (the runtime takes the first file by name); remove the leftover .conf`,
          at: config.at,
          related: [related(list.at, 'the config that should be loaded')],
          key: 'weave-leftover',
          fix: { kind: 'remove-file', host: config.host, hostPath: config.hostPath, at: config.at, reason: 'weave 2.4 leftover shadowing 10-weave.conflist' },
        });
      }
    }, (configs) => configs[0]?.at);
  },
});
