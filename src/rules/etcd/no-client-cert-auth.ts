import { defineRule } from '../rule.js';
import { describe, effective, isTrue, where } from '../lib/settings.js';

/** What each flag leaves open: clients on the client port, other members on the peer port. */
const WHO: Array<[string, string]> = [
  ['client-cert-auth', 'clients are not authenticated: anyone who reaches the client port reads and writes every key'],
  ['peer-client-cert-auth', 'peers are not authenticated: any host that reaches the peer port can join the cluster or read its replication traffic'],
];

export default defineRule({
  id: 'etcd/no-client-cert-auth',
  level: 'error',
  title: 'etcd does not require client certificates',
  description: 'Without client certificate authentication anyone who reaches etcd reads and writes every key; auto-TLS certificates are self-signed and trusted by no one.',
  fix: 'fix',
  tags: ['etcd', 'security', 'CIS-2.2', 'CIS-2.3', 'CIS-2.5', 'CIS-2.6'],
  check(cluster, context, report) {
    const cis: Record<string, string> = { 'client-cert-auth': '2.2', 'auto-tls': '2.3', 'peer-client-cert-auth': '2.5', 'peer-auto-tls': '2.6' };
    // a live member's flags are not known
    context.each(cluster.componentsOf('etcd').filter((c) => c.source !== 'live'), (etcd) => {
      for (const [flag, who] of WHO) {
        const value = effective(etcd, flag, 'false');
        if (!isTrue(value.value)) report({ message: `${where(etcd)}: ${describe(value)}; ${who}`, at: value.at, key: flag, fix: { kind: 'set-flag', component: etcd, flag, value: 'true' }, cis: [cis[flag]] });
      }
      for (const flag of ['auto-tls', 'peer-auto-tls']) {
        const value = effective(etcd, flag);
        if (value && isTrue(value.value)) report({ message: `${where(etcd)}: --${flag}=true uses self-signed certificates`, at: value.at, key: flag, fix: { kind: 'set-flag', component: etcd, flag, value: 'false' }, cis: [cis[flag]] });
      }
    });
  },
});
