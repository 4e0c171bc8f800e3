import { defineRule } from '../rule.js';

export default defineRule({
  id: 'source/unreadable',
  level: 'error',
  title: 'A live source could not be read',
  description: 'Part of the cluster was not audited: the API refused the credentials (401), forbade the request (403), did not answer in time or could not be reached.',
  fix: 'plan',
  tags: ['live'],
  check(cluster, context, report) {
    context.each(cluster.sourceErrors, (error) => {
      report({
        message: `${error.source}: ${error.message}; that part of the cluster was not audited`,
        at: error.at,
        key: `${error.source}:${error.at.file}`,
        fix: { kind: 'plan', steps: [{ title: `Give kaudit credentials that may read ${error.at.file} (a read-only ClusterRole), and a network path to it`, commands: ['kubectl auth can-i --list   # with the credentials kaudit uses'] }] },
      });
    });
  },
});
