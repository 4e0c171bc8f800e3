import { defineRule } from '../rule.js';
import { contains, formatCidr, parseCidr } from '../lib/net.js';
import { serviceRanges } from '../lib/networks.js';
import { related } from '../lib/pki.js';
import type { FixIntent } from '../../fixers/types.js';
import type { NetworkFile } from '../../model/types.js';

/** The systemd-networkd drop-in that makes the route permanent, when the interface's .network file is known. */
function routeDropIn(files: NetworkFile[], iface: string, destination: string): FixIntent[] {
  const file = files.find((f) => f.matchNames.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(iface)));
  if (!file) {
    return [{ kind: 'plan', steps: [{ title: `Make the route permanent: a [Route] Destination=${destination} drop-in for the systemd-networkd .network file of ${iface}`, commands: [`networkctl status ${iface}   # names the .network file`, 'networkctl reload'] }] }];
  }
  return [{ kind: 'route-drop-in', host: file.host, networkFile: file.hostPath, destination }];
}

export default defineRule({
  id: 'network/missing-service-route',
  level: 'warning',
  title: 'A host without kube-proxy has no route to the service network',
  description: 'Service IPs exist only in kube-proxy rules: a master without kube-proxy (and without a route to a node that has it) cannot reach webhooks, aggregated APIs or any Service.',
  fix: 'plan',
  tags: ['network'],
  check(cluster, context, report) {
    const apiserverRange = serviceRanges(cluster).find((r) => r.component.kind === 'kube-apiserver');
    if (!apiserverRange) return;
    const services = apiserverRange.cidrs;
    context.each(cluster.hosts, (host) => {
      const routes = cluster.routesOn(host.name);
      if (routes.length === 0) return; // the routes of this host are not known
      if (cluster.componentsOn(host.name).some((c) => c.kind === 'kube-proxy')) return;
      for (const service of services) {
        // A default route "covers" every address, but its gateway knows nothing of Service IPs.
        const covered = routes.some((r) => {
          const destination = parseCidr(r.destination);
          return destination && destination.prefix > 0 && contains(destination, service);
        });
        if (covered) continue;
        const iface = routes.find((r) => r.gateway === undefined && !r.destination.endsWith('/0'))?.iface ?? routes[0].iface;
        report({
          message: `${host.name} runs no kube-proxy and has no route to the service network ${formatCidr(service)} (ip route add ${formatCidr(service)} dev ${iface})`,
          at: routes[0].at,
          related: [related(apiserverRange.setting.at, apiserverRange.setting.isDefault ? `the default service range of kube-apiserver on ${apiserverRange.component.host}` : `--service-cluster-ip-range of kube-apiserver on ${apiserverRange.component.host}`)],
          key: `service-route:${formatCidr(service)}`,
          fix: [
            { kind: 'plan', steps: [{ title: `On ${host.name}, route the service network through ${iface} (or run kube-proxy there)`, commands: [`ip route add ${formatCidr(service)} dev ${iface}`] }] },
            ...routeDropIn(cluster.networkFilesOn(host.name), iface, formatCidr(service)),
          ],
        });
      }
    });
  },
});
