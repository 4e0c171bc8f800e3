import { defineRule } from '../rule.js';
import { certName, certificateUses, related } from '../lib/pki.js';
import type { Certificate, ComponentKind } from '../../model/types.js';

function byLocation(a: Certificate, b: Certificate): number {
  return a.at.host.localeCompare(b.at.host) || a.at.file.localeCompare(b.at.file) || (a.at.line ?? 0) - (b.at.line ?? 0);
}

/** The certificates of a shared key, grouped by the identity that uses them. */
function usersOf(certs: Certificate[], uses: Map<Certificate, Array<{ component?: ComponentKind; host: string }>>): Certificate[][] {
  const groups = new Map<string, Certificate[]>();
  for (const cert of certs) {
    const components = [...new Set((uses.get(cert) ?? []).map((u) => u.component).filter(Boolean))].sort();
    const identity = components.length > 0 ? `${components.join('+')}${components.includes('kubelet') ? `@${cert.host}` : ''}` : `subject:${cert.subject}`;
    groups.set(identity, [...(groups.get(identity) ?? []), cert]);
  }
  return [...groups.values()];
}

export default defineRule({
  id: 'pki/shared-keypair',
  level: 'error',
  title: 'One key pair used by several components or hosts',
  description: 'When two identities share a key pair, stealing one compromises both, and neither can be revoked or rotated alone.',
  fix: 'fix',
  tags: ['pki', 'security'],
  check(cluster, context, report) {
    const byKey = new Map<string, Certificate[]>();
    context.each(cluster.certificates, (cert) => {
      if (cert.supersededBy) return; // a rotated-out kubelet certificate is history, not a user of its key
      const list = byKey.get(cert.publicKey.fingerprint) ?? [];
      list.push(cert);
      byKey.set(cert.publicKey.fingerprint, list);
    });
    const usesByCert = new Map<Certificate, Array<{ component?: ComponentKind; host: string }>>();
    context.each(certificateUses(cluster), (use) => {
      if (use.role === 'ca') return;
      // A leaf's file may carry its chain (k3s writes the CA after each leaf): only the first certificate is the identity.
      for (const cert of use.certs.slice(0, 1)) {
        const list = usesByCert.get(cert) ?? [];
        list.push({ component: use.component, host: use.ref.host });
        usesByCert.set(cert, list);
      }
    });
    context.each(byKey, ([fingerprint, certs]) => {
      if (certs.length < 2) return;
      const names = new Set(certs.map((c) => c.subject));
      const uses = certs.flatMap((c) => usesByCert.get(c) ?? []);
      const components = new Set(uses.map((u) => u.component).filter(Boolean));
      const kubeletHosts = new Set(uses.filter((u) => u.component === 'kubelet').map((u) => u.host));
      const reasons: string[] = [];
      if (names.size > 1) reasons.push(`subjects ${[...names].map((n) => `"${n}"`).join(', ')}`);
      if (components.size > 1) reasons.push(`components ${[...components].sort().join(', ')}`);
      if (kubeletHosts.size > 1) reasons.push(`kubelets of ${[...kubeletHosts].sort().join(', ')}`);
      if (reasons.length === 0) return; // copies of one certificate for one identity
      const sorted = [...certs].sort(byLocation);
      const places = new Set(sorted.map((c) => `${c.host}:${c.hostPath}`));
      report({
        message: `one ${sorted[0].publicKey.algorithm.toUpperCase()} key pair is shared by ${reasons.join('; ')} (${places.size} files, first ${certName(sorted[0])})`,
        at: sorted[0].at,
        related: sorted.slice(1).map((c) => related(c.at, `certificate ${certName(c)} with the same key`)),
        key: fingerprint,
        // Every user but the first gets a key pair of its own: a user is a component (on each host, for kubelets) or a subject.
        fix: usersOf(sorted, usesByCert).slice(1).flat().map((cert) => ({ kind: 'reissue' as const, cert, newKey: true, why: 'key pair shared with another identity' })),
      });
    }, ([, certs]) => certs[0]?.at);
  },
});
