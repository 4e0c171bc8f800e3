import { defineRule, type Report } from '../rule.js';
import { formatCidr, overlaps, parseCidr } from '../lib/net.js';
import { POD_INTERFACES, podRanges, serviceRanges, type NetworkSetting } from '../lib/networks.js';
import { related } from '../lib/pki.js';
import { describe } from '../lib/settings.js';
import type { Cluster } from '../../model/cluster.js';

const REPLAN = {
  title: 'Choose service and pod ranges that overlap nothing else, and set them on every component (a new service range needs the kubernetes Service recreated)',
  commands: ['kubectl get svc kubernetes -o wide', 'ip route   # on each host: the networks in use'],
};

function label(n: NetworkSetting): string {
  return `${n.component.kind} on ${n.component.host} ${describe(n.setting)}`;
}

function text(n: NetworkSetting): string {
  return n.cidrs.map(formatCidr).join(',');
}

/** Components that must agree on a range: each one that differs from the first is reported. */
function checkAgreement(settings: NetworkSetting[], what: string, report: (r: Report) => void): void {
  const explicit = settings.filter((s) => !s.setting.isDefault);
  const reference = explicit[0] ?? settings[0];
  for (const other of settings) {
    if (other === reference || text(other) === text(reference)) continue;
    report({
      message: `components disagree on the ${what}: ${label(other)}, but ${label(reference)}`,
      at: other.setting.at,
      related: [related(reference.setting.at, label(reference))],
      key: `${what}:${other.component.kind}`,
      fix: { kind: 'plan', steps: [{ title: `Set the ${what} of ${other.component.kind} on ${other.component.host} to ${text(reference)}, as ${reference.component.kind} has it`, commands: [`# --${other.setting.name}=${text(reference)}`] }] },
    });
  }
}

function hostNetworks(cluster: Cluster) {
  return cluster.routes
    .filter((r) => !POD_INTERFACES.test(r.iface) && !r.destination.endsWith('/0'))
    .map((r) => ({ route: r, cidr: parseCidr(r.destination) }))
    .filter((r) => r.cidr !== undefined);
}

export default defineRule({
  id: 'network/cidr-conflict',
  level: 'error',
  title: 'Service, pod and host networks overlap or disagree',
  description: 'Overlapping ranges send traffic to the wrong place: a Service IP that is also a pod or node address is unreachable; components that disagree on a range program different networks.',
  fix: 'plan',
  tags: ['network'],
  check(cluster, context, report) {
    const services = serviceRanges(cluster);
    const pods = podRanges(cluster);
    checkAgreement(services, 'service network', report);
    checkAgreement(pods, 'pod network', report);
    const service = services.find((s) => s.component.kind === 'kube-apiserver') ?? services[0];
    if (!service) return;
    context.each(pods.slice(0, 1), (pod) => {
      const clash = service.cidrs.find((s) => pod.cidrs.some((p) => overlaps(s, p)));
      if (clash) {
        report({ message: `the service network ${text(service)} overlaps the pod network ${text(pod)}`, at: service.setting.at, related: [related(pod.setting.at, label(pod))], key: 'service-pod', fix: { kind: 'plan', steps: [REPLAN] } });
      }
    });
    const seen = new Set<string>();
    context.each(hostNetworks(cluster), ({ route, cidr }) => {
      for (const [what, setting] of [['service', service], ['pod', pods[0]]] as const) {
        if (!setting || !setting.cidrs.some((c) => overlaps(c, cidr!))) continue;
        const key = `${what}-host:${route.destination}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({
          message: `the ${what} network ${text(setting)} overlaps the host network ${route.destination} (${route.iface} on ${route.host})`,
          at: setting.setting.at,
          related: [related(route.at, `route ${route.destination} dev ${route.iface} on ${route.host}`)],
          key,
          fix: { kind: 'plan', steps: [REPLAN] },
        });
      }
    }, ({ route }) => route.at);
  },
});
