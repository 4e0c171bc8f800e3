import { defineRule } from '../rule.js';
import { flagText } from '../lib/pki.js';

export default defineRule({
  id: 'pki/missing-file',
  level: 'error',
  title: 'Certificate, key or CA file named by a setting is missing',
  description: 'A component whose certificate, key or CA file is missing does not start.',
  fix: 'plan',
  tags: ['pki', 'availability'],
  check(cluster, context, report) {
    context.each(cluster.fileRefs, (ref) => {
      if (ref.purpose !== 'cert' && ref.purpose !== 'key' && ref.purpose !== 'ca') return;
      // A file that exists but is outside the static pod's mounts: pod/unmounted-file (it writes the mount).
      if (ref.exists || ref.unseen) return;
      const who = ref.owner ? `${ref.owner.kind} ${flagText(ref)}` : `kubeconfig field ${ref.setting}`;
      const message = `${who} names ${ref.written}, which does not exist on ${ref.host}${ref.mounted ? '' : ', and no hostPath volume mounts it into the static pod'}`;
      const steps = [
        { title: `Restore ${ref.hostPath} on ${ref.host} (from a backup, or re-issue it), or point ${who} at the file that exists`, commands: [`ls -l ${ref.hostPath}   # on ${ref.host}`] },
        ...(ref.mounted ? [] : [{ title: `Mount ${ref.hostPath} into the static pod of ${who} on ${ref.host}: add a hostPath volume and a volumeMount that cover it`, commands: [`# edit ${ref.at.file}: spec.volumes[].hostPath.path and spec.containers[0].volumeMounts[].mountPath`] }]),
      ];
      report({ message, at: ref.at, key: `${ref.setting}\u0000${ref.written}`, fix: { kind: 'plan', steps } });
    });
  },
});
