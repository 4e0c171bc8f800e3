import { defineRule } from '../rule.js';
import { certName, isoDate } from '../lib/pki.js';

const DAY = 86_400_000;

export default defineRule({
  id: 'pki/cert-expired',
  level: 'error',
  title: 'Certificate has expired or is not yet valid',
  description: 'A component presenting an expired certificate, or trusting an expired CA, fails every TLS handshake that depends on it.',
  fix: 'fix',
  tags: ['pki', 'security', 'availability'],
  check(cluster, context, report) {
    const { now } = context;
    context.each(cluster.certificates, (cert) => {
      if (cert.supersededBy) return; // a rotated-out kubelet certificate: history, used by nothing
      if (now > cert.notAfter) {
        const days = Math.floor((now.getTime() - cert.notAfter.getTime()) / DAY);
        report({
          message: `certificate ${certName(cert)} expired on ${isoDate(cert.notAfter)} (${days} day${days === 1 ? '' : 's'} ago)`,
          at: cert.at,
          key: cert.fingerprint,
          fix: { kind: 'reissue', cert, why: 'expired' },
        });
      } else if (now < cert.notBefore) {
        report({
          message: `certificate ${certName(cert)} is not valid before ${cert.notBefore.toISOString()}`,
          at: cert.at,
          key: cert.fingerprint,
          fix: { kind: 'reissue', cert, why: 'not yet valid' },
        });
      }
    });
  },
});
