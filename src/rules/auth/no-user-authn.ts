import { defineRule } from '../rule.js';
import { effective, where } from '../lib/settings.js';

const AUTHENTICATORS = ['client-ca-file', 'oidc-issuer-url', 'authentication-token-webhook-config-file', 'authentication-config'];

export default defineRule({
  id: 'auth/no-user-authn',
  level: 'warning',
  title: 'No authenticator for users',
  description: 'Without client certificates, OIDC or a webhook, users can only authenticate with static files or service-account tokens.',
  fix: 'plan',
  tags: ['auth', 'security', 'CIS-1.2.25'],
  cis: ['1.2.25'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      if (AUTHENTICATORS.some((flag) => effective(apiserver, flag))) return;
      const steps = [{ title: `Give kube-apiserver on ${apiserver.host} a client CA for certificate users, and OIDC or a webhook for people`, commands: ['--client-ca-file=<CA bundle>', '--oidc-issuer-url=<issuer> --oidc-client-id=<client id>'] }];
      report({ message: `${where(apiserver)} has no user authenticator (--${AUTHENTICATORS.join(', --')})`, at: apiserver.flagsAt ?? apiserver.definedAt, key: 'authenticators', fix: { kind: 'plan', steps } });
    });
  },
});
