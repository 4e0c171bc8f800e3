import { defineRule } from '../rule.js';
import { describe, effective, where } from '../lib/settings.js';

export default defineRule({
  id: 'apiserver/master-count-reconciler',
  level: 'warning',
  title: 'Apiserver endpoints reconciled by master count',
  description: 'With the master-count (or none) reconciler the kubernetes Service keeps the addresses of dead apiservers, and clients keep dialling them; the lease reconciler, default since 1.11, removes them.',
  fix: 'fix',
  tags: ['apiserver', 'availability'],
  check(cluster, _context, report) {
    const apiservers = cluster.componentsOf('kube-apiserver');
    for (const apiserver of apiservers) {
      const type = effective(apiserver, 'endpoint-reconciler-type', 'lease');
      if (type.value !== 'master-count' && type.value !== 'none') continue;
      const count = Number(effective(apiserver, 'apiserver-count')?.value ?? '1');
      if (apiservers.length < 2 && count < 2) continue;
      const many = Math.max(apiservers.length, count);
      report({ message: `${where(apiserver)}: ${describe(type)} with ${many} apiservers; use --endpoint-reconciler-type=lease`, at: type.at, key: 'endpoint-reconciler-type', fix: { kind: 'set-flag', component: apiserver, flag: 'endpoint-reconciler-type', value: 'lease' } });
    }
  },
});
