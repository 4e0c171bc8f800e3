import { defineRule, type Report } from '../rule.js';
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
    for (const user of kubeconfig.users) {
      const cert = kubeconfig.refs.find((r) => r.purpose === 'cert' && r.hostPath === user.certHostPath);
      const key = kubeconfig.refs.find((r) => r.purpose === 'key' && r.hostPath === user.keyHostPath);
      if (cert && key) pairs.push({ cert, key });
    }
  }
  return pairs;
}

/** A certificate file that was read and holds no certificate (a key, or nothing PEM), as opposed to one that could not be read. */
function holdsNoCertificate(cluster: Cluster, ref: FileReference): boolean {
  if (ref.hostPath.includes('#')) return false; // embedded data is parsed where it is read
  const read = cluster.hostNamed(ref.host)?.filesRead?.has(ref.hostPath) ?? false;
  return read && cluster.certificatesAt(ref.host, ref.hostPath).length === 0;
}

/** A kubeconfig user with a client certificate and no key, or a key and no certificate: it cannot authenticate. */
function checkKubeconfigUsers(cluster: Cluster, report: (r: Report) => void): void {
  for (const kubeconfig of cluster.kubeconfigs) {
    for (const user of kubeconfig.users) {
      if (!user.certHostPath === !user.keyHostPath) continue;
      const has = user.certHostPath ? 'client-certificate' : 'client-key';
      const lacks = user.certHostPath ? 'client-key' : 'client-certificate';
      report({
        message: `kubeconfig ${kubeconfig.hostPath} on ${kubeconfig.host}: user ${user.name} has a ${has} but no ${lacks}; it cannot authenticate with it`,
        at: user.at,
        key: `${kubeconfig.hostPath}\u0000${user.name}\u0000${lacks}`,
        fix: { kind: 'plan', steps: [{ title: `Give user ${user.name} of ${kubeconfig.hostPath} on ${kubeconfig.host} its ${lacks} (${lacks}-data), or regenerate the kubeconfig`, commands: [`kubectl config set-credentials ${user.name} --client-certificate=<cert> --client-key=<key> --embed-certs --kubeconfig=${kubeconfig.hostPath}`] }] },
      });
    }
  }
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
      if (!leaf && holdsNoCertificate(cluster, cert)) {
        report({
          message: `${describe(cert)} ${cert.written} holds no certificate${keys.length > 0 ? ` (it holds a private key: the key named where the certificate belongs)` : ''}, beside ${describe(key)} ${key.written}`,
          at: cert.at,
          related: [related(key.at, 'the key it should be the certificate of')],
          key: `${cert.setting}\u0000${cert.written}\u0000no-certificate`,
          fix: { kind: 'plan', steps: [{ title: `Point ${describe(cert)} on ${cert.host} at the certificate of ${key.written} (or issue one for it)`, commands: [`openssl x509 -in ${cert.hostPath} -noout -subject   # must print a certificate`] }] },
        });
        return;
      }
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
    checkKubeconfigUsers(cluster, report);
  },
});
