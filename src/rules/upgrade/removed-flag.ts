import { defineRule } from '../rule.js';
import { atLeast, parseVersion } from '../lib/versions.js';
import { where } from '../lib/settings.js';
import { REMOVED_FLAGS } from './removed-flags.js';

export default defineRule({
  id: 'upgrade/removed-flag',
  level: 'error',
  title: 'Flag removed or renamed in the component\'s version',
  description: 'A component given a flag its version no longer has exits at start with "unknown flag": the classic failed upgrade.',
  fix: 'fix',
  tags: ['upgrade'],
  check(cluster, context, report) {
    context.each(cluster.components, (component) => {
      const table = REMOVED_FLAGS[component.kind];
      const version = parseVersion(component.version);
      if (!table || !version) return; // without a version, removal cannot be judged
      for (const s of component.settings) {
        const removed = table[s.name];
        if (s.origin !== 'flag' || !removed || !atLeast(version, removed.removedIn)) continue;
        const instead = removed.replacement ? `; use --${removed.replacement}` : '';
        report({
          message: `${where(component)} (${version.text}) is given --${s.name}, removed in ${removed.removedIn}${instead} [${removed.source}]`,
          at: s.at,
          key: s.name,
          fix: { kind: 'remove-flag', component, flag: s.name, at: s.at, ...(removed.replacement && removed.replacement !== 'config' ? { renameTo: removed.replacement } : {}) },
        });
      }
    });
  },
});
