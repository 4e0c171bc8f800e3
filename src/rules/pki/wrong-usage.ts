import { defineRule } from '../rule.js';
import { certName, certificateUses, flagText, issuersOf, related, type CertRole } from '../lib/pki.js';
import type { Certificate } from '../../model/types.js';

/** What a certificate in a role lacks; undefined when it is fit. No extendedKeyUsage means any usage, as Go's verifier reads it. */
function lacking(cert: Certificate, role: CertRole): string[] {
  const eku = cert.extendedKeyUsage;
  const has = (usage: string) => !eku || eku.includes(usage) || eku.includes('anyExtendedKeyUsage');
  switch (role) {
    case 'serving':
      return has('serverAuth') ? [] : ['extended key usage serverAuth'];
    case 'client':
      return has('clientAuth') ? [] : ['extended key usage clientAuth'];
    case 'peer':
      return ['serverAuth', 'clientAuth'].filter((u) => !has(u)).map((u) => `extended key usage ${u}`);
    case 'ca': {
      const missing: string[] = [];
      if (!cert.isCA) missing.push('basic constraint CA:TRUE');
      if (cert.keyUsage && !cert.keyUsage.includes('keyCertSign')) missing.push('key usage keyCertSign');
      return missing;
    }
  }
}

const ROLE_NAMES: Record<CertRole, string> = { serving: 'a serving certificate', client: 'a client certificate', peer: 'an etcd peer certificate', ca: 'a CA' };

export default defineRule({
  id: 'pki/wrong-usage',
  level: 'error',
  title: 'Certificate lacks the usage its role needs',
  description: 'TLS peers check key usages: a serving certificate without serverAuth, a client certificate without clientAuth or a CA without CA:TRUE is rejected.',
  fix: 'fix',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    const reported = new Set<string>();
    const emit = (cert: Certificate, role: CertRole, why: string, relatedAt?: Parameters<typeof related>[0]) => {
      const missing = lacking(cert, role);
      const key = `${cert.host}\u0000${cert.hostPath}\u0000${cert.fingerprint}\u0000${role}`;
      if (missing.length === 0 || reported.has(key)) return;
      reported.add(key);
      report({
        message: `certificate ${certName(cert)} is used as ${ROLE_NAMES[role]} (${why}) but lacks ${missing.join(' and ')}`,
        at: cert.at,
        related: relatedAt ? [related(relatedAt, why)] : [],
        key: `${cert.fingerprint}\u0000${role}`,
        fix: { kind: 'reissue', cert, usages: role === 'peer' ? ['serverAuth', 'clientAuth'] : role === 'serving' ? ['serverAuth'] : role === 'client' ? ['clientAuth'] : [], why: `lacks ${missing.join(' and ')}` },
      });
    };
    context.each(certificateUses(cluster), (use) => {
      const who = use.ref.owner ? `${use.ref.owner.kind} ${flagText(use.ref)}` : `kubeconfig ${use.ref.setting}`;
      // A CA file is a bundle: every certificate in it is a trust anchor. Otherwise the first certificate is presented.
      const certs = use.role === 'ca' ? use.certs : use.certs.slice(0, 1);
      for (const cert of certs) emit(cert, use.role, who, use.ref.at);
    });
    // A certificate that signed another acts as a CA, whether or not a flag names it.
    context.each(cluster.certificates, (cert) => {
      for (const issuer of issuersOf(cluster, cert)) emit(issuer, 'ca', `it signed ${certName(cert)}`);
    });
  },
});
