import { ruleTester, type CaseContext } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { base64, unit } from '../../support/hosts.js';
import { lineOf } from '../../support/weave.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const HOUR = 3600_000;

/** A bootstrap token Secret as the API serves it (kubeadm token create). */
function tokenSecret(id: string, expiration?: Date) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'bootstrap.kubernetes.io/token',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    data: {
      'token-id': base64(id),
      'token-secret': base64('0123456789abcdef'),
      'usage-bootstrap-authentication': base64('true'),
      'usage-bootstrap-signing': base64('true'),
      ...(expiration ? { expiration: base64(expiration.toISOString().replace(/\.\d+Z$/, 'Z')) } : {}),
    },
  };
}

const BOOTSTRAP_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: https://10.0.0.10:6443
contexts:
- name: tls-bootstrap-token-user@kubernetes
  context:
    cluster: kubernetes
    user: tls-bootstrap-token-user
current-context: tls-bootstrap-token-user@kubernetes
users:
- name: tls-bootstrap-token-user
  user:
    token: abcdef.0123456789abcdef
`;

const KUBELET_CONF = `apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: https://10.0.0.10:6443
users:
- name: default-auth
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
`;

/** A kubeadm worker's kubelet: bootstrap and own kubeconfig by flag; its client certificate when `joined`. */
async function worker({ tree, pki, vars }: CaseContext, options: { joined: boolean; bootstrapLeft: boolean }): Promise<void> {
  unit(tree, 'w', 'kubelet', ['--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--rotate-certificates=true']);
  if (options.bootstrapLeft) tree.write('w', '/etc/kubernetes/bootstrap-kubelet.conf', BOOTSTRAP_KUBECONFIG, 0o600);
  vars.line = lineOf(BOOTSTRAP_KUBECONFIG, '- name: tls-bootstrap-token-user', lineOf(BOOTSTRAP_KUBECONFIG, 'users:'));
  if (!options.joined) return;
  const ca = await pki.ca('kubernetes');
  const client = await pki.leaf(ca, 'system:node:w', { organizations: ['system:nodes'], usages: ['clientAuth'] });
  tree.write('w', '/etc/kubernetes/kubelet.conf', KUBELET_CONF, 0o600);
  tree.write('w', '/var/lib/kubelet/pki/kubelet-client-current.pem', `${client.certPem}${client.keyPem}`, 0o600);
}

const secretAt = (id: string) => `kubernetes ${API_SERVER}/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}:1`;

ruleTester('bootstrap/long-lived-token', {
  valid: [
    { name: 'live: a token expiring in 23 hours', now: NOW, api: { bootstrapSecrets: [tokenSecret('abcdef', new Date(NOW.getTime() + 23 * HOUR))] }, build: () => undefined },
    { name: 'live: a token that already expired (the token cleaner removes it)', now: NOW, api: { bootstrapSecrets: [tokenSecret('abcdef', new Date(NOW.getTime() - HOUR))] }, build: () => undefined },
    { name: 'node: kubeadm join removed the bootstrap kubeconfig', now: NOW, build: (ctx) => worker(ctx, { joined: true, bootstrapLeft: false }) },
    { name: 'node: still joining (no client certificate yet), the bootstrap kubeconfig is needed', now: NOW, build: (ctx) => worker(ctx, { joined: false, bootstrapLeft: true }) },
  ],
  invalid: [
    {
      name: 'live: a token without expiration',
      now: NOW,
      api: { bootstrapSecrets: [tokenSecret('abcdef')] },
      build: () => undefined,
      findings: [secretAt('abcdef')],
      messages: ['bootstrap token Secret kube-system/bootstrap-token-abcdef has no expiration: it never expires; anyone who holds it can join a node to the cluster'],
      planOnly: 'tokens are deleted in the cluster (kubeadm token delete)',
    },
    {
      name: 'live: a token expiring in 400 days, beside one expiring in 23 hours',
      now: NOW,
      api: { bootstrapSecrets: [tokenSecret('abcdef', new Date(NOW.getTime() + 400 * 24 * HOUR)), tokenSecret('ghijkl', new Date(NOW.getTime() + 23 * HOUR))] },
      build: () => undefined,
      findings: [secretAt('abcdef')],
      messages: ['bootstrap token Secret kube-system/bootstrap-token-abcdef expires on 2027-04-05T12:00:00.000Z, in 400 days'],
      planOnly: 'tokens are deleted in the cluster (kubeadm token delete)',
    },
    {
      name: 'node: the bootstrap kubeconfig left beside the kubelet its own certificate',
      now: NOW,
      build: (ctx) => worker(ctx, { joined: true, bootstrapLeft: true }),
      findings: ['w w/etc/kubernetes/bootstrap-kubelet.conf:{line}'],
      messages: ['/etc/kubernetes/bootstrap-kubelet.conf on w still holds a bootstrap token (id abcdef), although the kubelet has its own client certificate'],
    },
  ],
});
