import { defineRule } from '../rule.js';
import { certName, isoDate } from '../lib/pki.js';

const DAY = 86_400_000;

export default defineRule({
  id: 'pki/cert-expiring',
  level: 'warning',
  title: 'Certificate expires within the expiry window',
  description: 'A certificate that expires soon takes its component down on that day unless it is renewed first.',
  fix: 'fix',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    const { now, expiryWindowDays } = context;
    const horizon = now.getTime() + expiryWindowDays * DAY;
    context.each(cluster.certificates, (cert) => {
      const notAfter = cert.notAfter.getTime();
      if (notAfter < now.getTime() || notAfter > horizon || now < cert.notBefore || cert.supersededBy) return;
      const days = Math.floor((notAfter - now.getTime()) / DAY);
      report({
        message: `certificate ${certName(cert)} expires on ${isoDate(cert.notAfter)}, in ${days} day${days === 1 ? '' : 's'} (window: ${expiryWindowDays} days)`,
        at: cert.at,
        key: cert.fingerprint,
        fix: { kind: 'reissue', cert, why: `expires on ${isoDate(cert.notAfter)}` },
      });
    });
  },
});
