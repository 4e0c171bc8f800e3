import { defineRule } from '../rule.js';
import { certName, flagText, privateKeysAt, related } from '../lib/pki.js';
import type { Cluster } from '../../model/cluster.js';
import type { ComponentKind, FileReference, SourceLocation } from '../../model/types.js';

/** Certificate flags and the flag that names their key. */
const PAIRS: Partial<Record<ComponentKind, Array<[string, string]>>> = {
  'kube-apiserver': [
    ['tls-cert-file', 'tls-private-key-file'],
    ['etcd-certfile', 'etcd-keyfile'],
    ['kubelet-client-certificate', 'kubelet-client-key'],
    ['proxy-client-cert-file', 'proxy-client-key-file'],
  ],
  'kube-controller-manager': [
    ['cluster-signing-cert-file', 'cluster-signing-key-file'],
    ['tls-cert-file', 'tls-private-key-file'],
  ],
  'kube-scheduler': [['tls-cert-file', 'tls-private-key-file']],
  etcd: [
    ['cert-file', 'key-file'],
    ['peer-cert-file', 'peer-key-file'],
  ],
  kubelet: [['tls-cert-file', 'tls-private-key-file']],
};

interface Pair {
  cert: FileReference;
  key: FileReference;
}

function pairsOf(cluster: Cluster): Pair[] {
  const pairs: Pair[] = [];
  for (const component of cluster.components) {
    for (const [certFlag, keyFlag] of PAIRS[component.kind] ?? []) {
      const cert = cluster.referenceOf(component, certFlag);
      const key = cluster.referenceOf(component, keyFlag);
      if (cert && key) pairs.push({ cert, key });
    }
  }
  for (const kubeconfig of cluster.kubeconfigs) {
    const cert = kubeconfig.refs.filter((r) => r.purpose === 'cert');
    const keys = kubeconfig.refs.filter((r) => r.purpose === 'key');
    cert.forEach((c, i) => keys[i] && pairs.push({ cert: c, key: keys[i] }));
  }
  return pairs;
}

function describe(ref: FileReference): string {
  return ref.owner ? `${ref.owner.kind} ${flagText(ref)}` : ref.setting;
}

/** The service-account key pair: the controller-manager signs tokens that every apiserver must verify. */
function checkServiceAccountKeys(cluster: Cluster, report: (r: { message: string; at: SourceLocation; related: Array<SourceLocation & { message: string }>; key: string }) => void): void {
  const apiservers = cluster.componentsOf('kube-apiserver');
  for (const manager of cluster.componentsOf('kube-controller-manager')) {
    const signingRef = cluster.referenceOf(manager, 'service-account-private-key-file');
    const signing = signingRef?.exists ? privateKeysAt(cluster, signingRef.host, signingRef.hostPath)[0]?.publicKey : undefined;
    if (!signingRef || !signing) continue;
    for (const apiserver of apiservers) {
      const verifyRef = cluster.referenceOf(apiserver, 'service-account-key-file');
      if (!verifyRef?.exists) continue;
      const accepted = cluster.keysAt(verifyRef.host, verifyRef.hostPath).map((k) => k.publicKey?.fingerprint);
      const certKeys = cluster.certificatesAt(verifyRef.host, verifyRef.hostPath).map((c) => c.publicKey.fingerprint);
      if (accepted.length + certKeys.length === 0 || [...accepted, ...certKeys].includes(signing.fingerprint)) continue;
      report({
        message: `kube-controller-manager on ${manager.host} signs service-account tokens with a key that kube-apiserver on ${apiserver.host} does not accept (--service-account-key-file ${verifyRef.written})`,
        at: signingRef.at,
        related: [related(verifyRef.at, 'the apiserver verifies tokens with this key')],
        key: `service-account\u0000${apiserver.host}`,
      });
    }
  }
}

export default defineRule({
  id: 'pki/key-mismatch',
  level: 'error',
  title: 'Key file does not belong to its certificate',
  description: 'A component configured with a certificate and a key that are not a pair cannot complete a TLS handshake, and fails at start.',
  fix: 'plan',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    context.each(pairsOf(cluster), ({ cert, key }) => {
      if (!cert.exists || !key.exists || !cert.mounted || !key.mounted) return; // pki/missing-file says so
      const leaf = cluster.certificatesAt(cert.host, cert.hostPath)[0];
      const keys = privateKeysAt(cluster, key.host, key.hostPath);
      if (!leaf || keys.some((k) => !k.publicKey)) return; // unreadable or encrypted: cannot judge
      if (keys.some((k) => k.publicKey!.fingerprint === leaf.publicKey.fingerprint)) return;
      const why = keys.length === 0 ? 'holds no private key' : 'is not the key of that certificate';
      report({
        message: `${describe(key)} ${key.written} ${why}: ${describe(cert)} ${cert.written} is certificate ${certName(leaf)}`,
        at: key.at,
        related: [related(cert.at, 'the certificate it should match')],
        key: `${key.setting}\u0000${key.written}`,
        fix: {
          kind: 'plan',
          steps: [{
            title: `Find the key of ${cert.written} on ${cert.host} (or re-issue the certificate for ${key.written}) and point ${describe(key)} at it`,
            commands: [`openssl x509 -in ${cert.hostPath} -pubkey -noout | sha256sum`, `openssl pkey -in ${key.hostPath} -pubout | sha256sum   # must print the same`],
          }],
        },
      });
    }, ({ cert }) => cert.at);
    checkServiceAccountKeys(cluster, report);
  },
});
