import { defineRule } from '../rule.js';
import { ETCD_DEFAULTS, usesTls } from '../lib/etcd.js';
import { describe, effective, listOf, where } from '../lib/settings.js';

const URL_FLAGS = ['listen-client-urls', 'advertise-client-urls', 'listen-peer-urls', 'initial-advertise-peer-urls'] as const;

export default defineRule({
  id: 'etcd/plaintext-urls',
  level: 'error',
  title: 'etcd traffic in plaintext (http)',
  description: 'Over http, etcd traffic — every Secret of the cluster — crosses the network unencrypted and unauthenticated.',
  fix: 'fix',
  tags: ['etcd', 'security', 'CIS-2.1'],
  check(cluster, _context, report) {
    for (const etcd of cluster.componentsOf('etcd')) {
      for (const flag of URL_FLAGS) {
        const urls = effective(etcd, flag, ETCD_DEFAULTS[flag]);
        const plain = listOf(urls.value).filter((u) => !usesTls(u));
        if (plain.length === 0) continue;
        report({ message: `${where(etcd)}: ${describe(urls)} serves plaintext ${plain.join(', ')}`, at: urls.at, key: flag });
      }
    }
    for (const apiserver of cluster.componentsOf('kube-apiserver')) {
      const servers = effective(apiserver, 'etcd-servers');
      const plain = servers ? listOf(servers.value).filter((u) => !usesTls(u)) : [];
      if (servers && plain.length > 0) {
        report({ message: `${where(apiserver)} talks to etcd in plaintext: --etcd-servers ${plain.join(', ')}`, at: servers.at, key: 'etcd-servers' });
      }
    }
  },
});
