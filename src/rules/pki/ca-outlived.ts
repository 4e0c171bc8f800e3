import { defineRule } from '../rule.js';
import { certName, isoDate, issuersOf, related } from '../lib/pki.js';

export default defineRule({
  id: 'pki/ca-outlived',
  level: 'warning',
  title: 'Certificate outlives the CA that signed it',
  description: 'A certificate stops verifying the day its CA expires, whatever its own notAfter says: its real lifetime is shorter than it looks.',
  fix: 'plan',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    context.each(cluster.certificates, (cert) => {
      const issuers = issuersOf(cluster, cert);
      if (issuers.length === 0) return;
      const latest = issuers.reduce((a, b) => (b.notAfter > a.notAfter ? b : a));
      if (cert.notAfter <= latest.notAfter) return;
      report({
        message: `certificate ${certName(cert)} is valid until ${isoDate(cert.notAfter)}, after its CA ${certName(latest)} expires on ${isoDate(latest.notAfter)}`,
        at: cert.at,
        related: [related(latest.at, `the CA ${certName(latest)}`)],
        key: cert.fingerprint,
        fix: {
          kind: 'plan',
          steps: [{ title: `Plan the rotation of the CA "${latest.subject}" before ${isoDate(latest.notAfter)}; until then, re-issue ${cert.hostPath} on ${cert.host} to end before it`, commands: ['# https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/'] }],
        },
      });
    });
  },
});
