import { defineRule } from '../rule.js';
import { describe, effective, where } from '../lib/settings.js';

export default defineRule({
  id: 'apiserver/master-count-reconciler',
  level: 'warning',
  title: 'Apiserver endpoints reconciled by master count',
  description: 'With the master-count (or none) reconciler the kubernetes Service keeps the addresses of dead apiservers, and clients keep dialling them; the lease reconciler, default since 1.11, removes them.',
  fix: 'fix',
  tags: ['apiserver', 'availability'],
  check(cluster, context, report) {
    const apiservers = cluster.componentsOf('kube-apiserver');
    context.each(apiservers, (apiserver) => {
      const type = effective(apiserver, 'endpoint-reconciler-type', 'lease');
      if (type.value !== 'master-count' && type.value !== 'none') return;
      const count = Number(effective(apiserver, 'apiserver-count')?.value ?? '1');
      if (apiservers.length < 2 && count < 2) return;
      const many = Math.max(apiservers.length, count);
      report({ message: `${where(apiserver)}: ${describe(type)} with ${many} apiservers; use --endpoint-reconciler-type=lease`, at: type.at, key: 'endpoint-reconciler-type', fix: { kind: 'set-flag', component: apiserver, flag: 'endpoint-reconciler-type', value: 'lease' } });
    });
    // Live: the `kubernetes` endpoints against the apiservers that run — a stale address is what master-count leaves.
    const live = cluster.liveKube;
    const advertised = new Set(apiservers.map((a) => effective(a, 'advertise-address')?.value).filter(Boolean));
    if (live && live.endpoints.length > 0 && advertised.size > 0) {
      const stale = live.endpoints.filter((ip) => !advertised.has(ip));
      if (stale.length > 0) {
        report({
          message: `the kubernetes Service endpoints list ${stale.join(', ')}, which no running kube-apiserver advertises: clients are sent to an apiserver that is gone`,
          at: { host: 'kubernetes', root: -1, file: `${live.server.replace(/\/$/, '')}/api/v1/namespaces/default/endpoints/kubernetes`, line: 1 },
          key: `stale-endpoints:${stale.join(',')}`,
          fix: { kind: 'plan', steps: [{ title: 'Run every kube-apiserver with --endpoint-reconciler-type=lease (the default), then let it prune the endpoints', commands: ['kubectl get endpoints kubernetes -o yaml'] }] },
        });
      }
    }
  },
});
