import { defineRule } from '../rule.js';
import { cniConfigsByHost, configProblem, isList, isLoopback, pluginsOf } from '../lib/cni.js';

export default defineRule({
  id: 'cni/no-portmap',
  level: 'warning',
  title: 'The loaded CNI config has no portmap plugin',
  description: 'hostPort needs the portmap plugin with the portMappings capability in the loaded conflist; without it the port is silently not opened.',
  fix: 'fix',
  tags: ['cni'],
  check(cluster, context, report) {
    context.each(cniConfigsByHost(cluster).values(), (configs) => {
      const loaded = configs[0];
      if (!loaded || configProblem(loaded) || isLoopback(loaded)) return;
      const hasPortmap = pluginsOf(loaded).some((p) => p.type === 'portmap' && p.capabilities?.portMappings === true);
      if (hasPortmap) return;
      const why = isList(loaded) ? 'has no portmap plugin with capabilities.portMappings' : 'is a single-plugin .conf, which cannot chain portmap';
      report({ message: `the loaded CNI config ${loaded.hostPath} ${why}: hostPort does not work`, at: loaded.at, key: 'portmap', fix: { kind: 'cni-add-portmap', config: loaded } });
    }, (configs) => configs[0]?.at);
  },
});
