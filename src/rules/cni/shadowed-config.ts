import { defineRule } from '../rule.js';
import { related } from '../lib/pki.js';
import { cniConfigsByHost, configProblem, isList, isLoopback, isWeaveLeftover, versionRank } from '../lib/cni.js';
import type { CniConfig } from '../../model/types.js';

/** Why `later` is a better config than the one loaded, if it is. */
function better(loaded: CniConfig, later: CniConfig): string | undefined {
  if (configProblem(later)) return undefined;
  if (configProblem(loaded)) return 'the loaded one is invalid';
  if (isList(later) && !isList(loaded)) return 'it is a plugin list (.conflist), the loaded one a single plugin';
  if (versionRank(later) > versionRank(loaded)) return 'it has a newer cniVersion';
  return undefined;
}

export default defineRule({
  id: 'cni/shadowed-config',
  level: 'warning',
  title: 'An older or incomplete CNI config is loaded first',
  description: 'Only the first network config by file name is used: a stale file sorted before the current one decides how every pod is networked.',
  fix: 'fix',
  tags: ['cni'],
  check(cluster, context, report) {
    context.each(cniConfigsByHost(cluster).values(), (configs) => {
      const networks = configs.filter((c) => !isLoopback(c));
      const [loaded, ...rest] = networks;
      if (!loaded || isWeaveLeftover(loaded, configs)) return; // cni/leftover-weave-conf says it
      const shadowed = rest.map((c) => ({ config: c, why: better(loaded, c) })).filter((s) => s.why);
      if (shadowed.length === 0) return;
      report({
        message: `${loaded.hostPath} is loaded first and shadows ${shadowed.map((s) => `${s.config.fileName} (${s.why})`).join(', ')}`,
        at: loaded.at,
        related: shadowed.map((s) => related(s.config.at, 'shadowed config')),
        key: 'shadowed',
        fix: { kind: 'remove-file', host: loaded.host, hostPath: loaded.hostPath, at: loaded.at, reason: `shadows ${shadowed.map((s) => s.config.fileName).join(', ')}` },
      });
    }, (configs) => configs[0]?.at);
  },
});
