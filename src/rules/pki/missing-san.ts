import { defineRule } from '../rule.js';
import { certName, related } from '../lib/pki.js';
import { firstAddress, parseAddress, parseCidr, sameAddress } from '../lib/net.js';
import { setting, type Cluster } from '../../model/cluster.js';
import type { Certificate, Component, SourceLocation } from '../../model/types.js';

/** kube-apiserver's default --service-cluster-ip-range when the flag is absent. */
const DEFAULT_SERVICE_RANGE = '10.0.0.0/24';
const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url.trim()).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

function covers(cert: Certificate, name: string): boolean {
  if (parseAddress(name)) return cert.ipAddresses.some((ip) => sameAddress(ip, name));
  const lower = name.toLowerCase();
  return cert.dnsNames.some((dns) => {
    const d = dns.toLowerCase();
    if (d === lower) return true;
    // A wildcard covers exactly one label: *.example.com matches a.example.com.
    return d.startsWith('*.') && lower.endsWith(d.slice(1)) && !lower.slice(0, -d.length + 1).includes('.');
  });
}

interface Need {
  name: string;
  why: string;
}

function apiserverNeeds(cluster: Cluster, apiserver: Component): Need[] {
  const range = setting(apiserver, 'service-cluster-ip-range');
  const firstRange = (range?.value ?? DEFAULT_SERVICE_RANGE).split(',')[0];
  const cidr = parseCidr(firstRange);
  const needs: Need[] = [];
  if (cidr) {
    const why = range ? `first IP of --service-cluster-ip-range ${range.value}` : `first IP of the default service range ${DEFAULT_SERVICE_RANGE} (--service-cluster-ip-range not set)`;
    needs.push({ name: firstAddress(cidr), why });
  }
  const advertise = setting(apiserver, 'advertise-address');
  if (advertise) needs.push({ name: advertise.value, why: '--advertise-address' });
  const kubelet = cluster.componentsOn(apiserver.host).find((c) => c.kind === 'kubelet');
  const domain = (kubelet && setting(kubelet, 'cluster-domain')?.value) || DEFAULT_CLUSTER_DOMAIN;
  for (const name of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`]) {
    needs.push({ name, why: 'the in-cluster name of the API' });
  }
  return needs;
}

function urlNeeds(component: Component, flag: string): Need[] {
  const value = setting(component, flag)?.value;
  if (!value) return [];
  return value
    .split(',')
    .map(hostOfUrl)
    .filter((host): host is string => !!host)
    .map((name) => ({ name, why: `--${flag}` }));
}

export default defineRule({
  id: 'pki/missing-san',
  level: 'error',
  title: 'Serving certificate lacks a name or IP it is reached by',
  description: 'Clients verify the name they dial against the certificate SANs: a missing one fails the handshake (x509: certificate is valid for …, not …).',
  fix: 'fix',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    const check = (component: Component, certFlag: string, needs: Need[], what: string) => {
      const cert = cluster.certificatesOf(component, certFlag)[0];
      const ref = cluster.referenceOf(component, certFlag);
      if (!cert || !ref) return;
      const missing = needs.filter((n) => !covers(cert, n.name));
      if (missing.length === 0) return;
      const unique = [...new Map(missing.map((m) => [m.name, m])).values()];
      const flagLines = new Map<string, SourceLocation>([[`--${certFlag}`, ref.at]]);
      for (const m of unique) {
        const s = m.why.startsWith('--') ? setting(component, m.why.slice(2)) : m.why.includes('--service-cluster-ip-range ') ? setting(component, 'service-cluster-ip-range') : undefined;
        if (s) flagLines.set(m.why, s.at);
      }
      report({
        message: `${what} certificate ${certName(cert)} of ${component.kind} on ${component.host} lacks ${unique.map((m) => `${m.name} (${m.why})`).join(', ')}`,
        at: cert.at,
        related: [...flagLines].map(([label, at]) => related(at, label)),
        key: `${cert.fingerprint}\u0000${unique.map((m) => m.name).join(',')}`,
        fix: { kind: 'reissue', cert, addNames: unique.map((m) => m.name), why: `missing ${unique.map((m) => m.name).join(', ')}` },
      });
    };
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => check(apiserver, 'tls-cert-file', apiserverNeeds(cluster, apiserver), 'serving'));
    context.each(cluster.componentsOf('etcd'), (etcd) => {
      check(etcd, 'cert-file', urlNeeds(etcd, 'advertise-client-urls'), 'server');
      check(etcd, 'peer-cert-file', urlNeeds(etcd, 'initial-advertise-peer-urls'), 'peer');
    });
  },
});
