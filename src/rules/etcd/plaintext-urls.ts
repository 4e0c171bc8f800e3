import { defineRule } from '../rule.js';
import { ETCD_DEFAULTS, isPlaintextNetwork } from '../lib/etcd.js';
import { describe, effective, listOf, where } from '../lib/settings.js';

const URL_FLAGS = ['listen-client-urls', 'advertise-client-urls', 'listen-peer-urls', 'initial-advertise-peer-urls'] as const;

export default defineRule({
  id: 'etcd/plaintext-urls',
  level: 'error',
  title: 'etcd traffic in plaintext (http)',
  description: 'Over http, etcd traffic — every Secret of the cluster — crosses the network unencrypted and unauthenticated.',
  fix: 'fix',
  tags: ['etcd', 'security', 'CIS-2.1'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('etcd'), (etcd) => {
      for (const flag of URL_FLAGS) {
        const urls = effective(etcd, flag, ETCD_DEFAULTS[flag]);
        const plain = listOf(urls.value).filter(isPlaintextNetwork);
        if (plain.length === 0) continue;
        const https = listOf(urls.value).map((u) => u.replace(/^http:\/\//i, 'https://')).join(',');
        const hasCerts = effective(etcd, flag.includes('peer') ? 'peer-cert-file' : 'cert-file') !== undefined;
        const fix = hasCerts
          ? { kind: 'set-flag' as const, component: etcd, flag, value: https }
          : { kind: 'plan' as const, steps: [{ title: `Issue etcd ${flag.includes('peer') ? 'peer' : 'server'} certificates for ${etcd.host}, set --${flag.includes('peer') ? 'peer-cert-file/--peer-key-file' : 'cert-file/--key-file'}, then --${flag}=${https}`, commands: [`# etcd on ${etcd.host}: --${flag}=${https}`] }] };
        report({ message: `${where(etcd)}: ${describe(urls)} serves plaintext ${plain.join(', ')}`, at: urls.at, key: flag, fix });
      }
    });
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      const servers = effective(apiserver, 'etcd-servers');
      const plain = servers ? listOf(servers.value).filter(isPlaintextNetwork) : [];
      if (servers && plain.length > 0) {
        const https = listOf(servers.value).map((u) => u.replace(/^http:\/\//i, 'https://')).join(',');
        report({ message: `${where(apiserver)} talks to etcd in plaintext: --etcd-servers ${plain.join(', ')}`, at: servers.at, key: 'etcd-servers', fix: { kind: 'set-flag', component: apiserver, flag: 'etcd-servers', value: https } });
      }
    });
  },
});
