import { defineRule } from '../rule.js';
import { ENCRYPTION_FLAGS, encryptionOf } from '../lib/encryption.js';
import { setting } from '../../model/cluster.js';
import { where } from '../lib/settings.js';

export default defineRule({
  id: 'apiserver/no-encryption-at-rest',
  level: 'error',
  title: 'Secrets are not encrypted at rest',
  description: 'Without an encryption provider config, Secrets are stored in etcd (and its backups) in plaintext.',
  fix: 'fix',
  tags: ['apiserver', 'security', 'CIS-1.2.27'],
  check(cluster, context, report) {
    context.each(cluster.componentsOf('kube-apiserver'), (apiserver) => {
      const setup = encryptionOf(cluster, apiserver);
      // Named but not visible (a live apiserver: the file is on its node): an unknown says so.
      if (!setup && ENCRYPTION_FLAGS.some((flag) => setting(apiserver, flag))) return;
      if (!setup) {
        report({ message: `${where(apiserver)} has no --encryption-provider-config: Secrets are stored in etcd in plaintext`, at: apiserver.flagsAt ?? apiserver.definedAt, key: 'encryption-provider-config', fix: { kind: 'encryption-config', apiserver }, cis: ['1.2.27', '1.2.28'] });
      } else if (!setup.ref.exists && !setup.ref.unseen) {
        // Present but outside the static pod's mounts: pod/unmounted-file writes the mount.
        const why = `which does not exist on ${apiserver.host}${setup.ref.mounted ? '' : ' (nor does a hostPath volume mount it)'}`;
        const step = { title: `Restore ${setup.ref.written} on ${apiserver.host}${setup.ref.mounted ? '' : ' and mount it into the static pod'} (the same file as on the other apiservers: the key must match the data in etcd)`, commands: [`scp <another control plane>:${setup.ref.hostPath} ${setup.ref.hostPath}`] };
        report({ message: `${where(apiserver)}: --${setup.ref.setting} names ${setup.ref.written}, ${why}`, at: setup.ref.at, key: 'encryption-provider-config:missing', fix: { kind: 'plan', steps: [step] }, cis: [] });
      }
    });
  },
});
