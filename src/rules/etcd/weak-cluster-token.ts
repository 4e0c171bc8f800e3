import { defineRule } from '../rule.js';
import { ETCD_DEFAULTS, etcdClusters } from '../lib/etcd.js';
import { related } from '../lib/pki.js';
import { byHost } from './even-members.js';

const MIN_TOKEN_LENGTH = 16;

export default defineRule({
  id: 'etcd/weak-cluster-token',
  level: 'note',
  title: 'etcd cluster token is missing, default or short',
  description: 'A unique --initial-cluster-token keeps members of one cluster from joining another bootstrapped with the same names and addresses; it matters only when a cluster is created.',
  fix: 'plan',
  tags: ['etcd'],
  check(cluster, context, report) {
    context.each(etcdClusters(cluster), (members) => {
      const weak = byHost(members).filter((m) => m.component.source !== 'live').filter((m) => !m.tokenSet || m.token === ETCD_DEFAULTS['initial-cluster-token'] || m.token.length < MIN_TOKEN_LENGTH);
      if (weak.length === 0) return;
      const [first, ...others] = weak;
      const why = !first.tokenSet ? `is not set (default: ${ETCD_DEFAULTS['initial-cluster-token']})` : first.token === ETCD_DEFAULTS['initial-cluster-token'] ? 'is the default etcd-cluster' : `is ${first.token.length} characters (under ${MIN_TOKEN_LENGTH})`;
      report({
        message: `etcd --initial-cluster-token of ${first.name} on ${first.component.host} ${why}; use a random token when creating a cluster`,
        at: first.tokenAt,
        related: others.map((m) => related(m.tokenAt, `member ${m.name} on ${m.component.host}`)),
        key: `token:${members.map((m) => m.name).sort().join(',')}`,
        fix: { kind: 'plan', steps: [{ title: 'When this cluster is next created (a rebuild, a restore to new members), give it a unique random token', commands: ['--initial-cluster-token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \\n")'] }] },
      });
    }, (members) => members[0]?.component.definedAt);
  },
});
