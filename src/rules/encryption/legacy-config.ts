import { defineRule } from '../rule.js';
import { encryptionConfigs } from '../lib/encryption.js';
import { where } from '../lib/settings.js';
import { setting } from '../../model/cluster.js';

export default defineRule({
  id: 'encryption/legacy-config',
  level: 'warning',
  title: 'Legacy encryption config format or flag',
  description: 'The experimental flag and the v1 EncryptionConfig format predate apiserver.config.k8s.io/v1 EncryptionConfiguration; newer apiservers reject them.',
  fix: 'fix',
  tags: ['encryption'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      const legacy = setting(apiserver, 'experimental-encryption-provider-config');
      if (legacy) report({ message: `${where(apiserver)} uses --experimental-encryption-provider-config; the flag is --encryption-provider-config`, at: legacy.at, key: 'experimental-flag', fix: { kind: 'remove-flag', component: apiserver, flag: legacy.name, at: legacy.at, renameTo: 'encryption-provider-config' }, cis: setting(apiserver, 'encryption-provider-config') ? [] : ['1.2.27'] });
    });
    context.each(encryptionConfigs(cluster), (config) => {
      if (config.kind === 'EncryptionConfiguration' && config.apiVersion === 'apiserver.config.k8s.io/v1') return;
      report({
        message: `encryption config ${config.hostPath} is kind: ${config.kind}, apiVersion: ${config.apiVersion ?? '(none)'}; write kind: EncryptionConfiguration, apiVersion: apiserver.config.k8s.io/v1`,
        at: { ...config.at, line: config.lines.get('kind') ?? config.at.line },
        key: 'legacy-format',
        fix: { kind: 'encryption-fresh-key', config, legacy: true },
      });
    });
  },
});
