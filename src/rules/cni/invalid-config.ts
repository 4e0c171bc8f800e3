import { defineRule } from '../rule.js';
import { configProblem } from '../lib/cni.js';

export default defineRule({
  id: 'cni/invalid-config',
  level: 'error',
  title: 'CNI network config cannot be loaded',
  description: 'The runtime fails every pod sandbox on a node whose first network config is not valid, and silently skips invalid ones after it.',
  fix: 'plan',
  tags: ['cni', 'availability'],
  check(cluster, context, report) {
    context.each(cluster.cniConfigs, (config) => {
      const problem = configProblem(config);
      if (problem) {
        const steps = [{ title: `Correct ${config.hostPath} on ${config.host} against the CNI specification (or remove it), then restart the container runtime`, commands: [`jq . ${config.hostPath}   # on ${config.host}`] }];
        report({ message: `CNI config ${config.hostPath} ${problem}`, at: config.at, key: 'invalid', fix: { kind: 'plan', steps } });
      }
    });
  },
});
