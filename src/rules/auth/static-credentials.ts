import { defineRule } from '../rule.js';
import { effective, where } from '../lib/settings.js';

export default defineRule({
  id: 'auth/static-credentials',
  level: 'warning',
  title: 'Static token or password file',
  description: 'Static tokens and passwords never expire, cannot be revoked without restarting every apiserver, and sit in plaintext on the control-plane disks.',
  fix: 'plan',
  tags: ['auth', 'security', 'CIS-1.2.2'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      for (const flag of ['token-auth-file', 'basic-auth-file']) {
        const value = effective(apiserver, flag);
        if (value) {
          const steps = [{ title: `Move the users of ${value.value} on ${apiserver.host} to client certificates, OIDC or a webhook authenticator, then remove --${flag}`, commands: [`kubeadm kubeconfig user --client-name=<user>   # a client certificate kubeconfig per user`] }];
          report({ message: `${where(apiserver)} authenticates users from a static file: --${flag}=${value.value}`, at: value.at, key: flag, fix: { kind: 'plan', steps }, cis: flag === 'token-auth-file' ? ['1.2.2'] : [] });
        }
      }
    });
  },
});
