/**
 * A static pod's flag names a file the container cannot open: the mistake that makes a
 * "hardened" apiserver fail to start (a flag added to the manifest without its volume).
 *
 * Which rule reports which case, so that each defect is reported once:
 * - a file outside every hostPath mount of the pod: this rule, whatever the file holds
 *   (fix: the volume and mount; a plan when the file is missing on the host as well);
 * - a file inside a mount but missing on the host: this rule for config files and
 *   kubeconfigs; pki/missing-file for certificates, keys and CA bundles; and
 *   apiserver/no-encryption-at-rest for the encryption config (it must come back with
 *   the same key as the other apiservers'). Those two also report a missing file that is
 *   outside the mounts, since restoring it comes first.
 */
import { defineRule } from '../rule.js';
import type { FileReference } from '../../model/types.js';

/** Files whose absence another rule reports, with a plan that knows what they hold. */
function missingIsReportedElsewhere(ref: FileReference): boolean {
  return ref.purpose === 'cert' || ref.purpose === 'key' || ref.purpose === 'ca' || ref.setting === 'encryption-provider-config' || ref.setting === 'experimental-encryption-provider-config';
}

/** The CIS control a broken file leaves failing, where one judges the file itself. */
const CONTROL_OF_SETTING: Record<string, string[]> = { 'audit-policy-file': ['3.2.1'] };

export default defineRule({
  id: 'pod/unmounted-file',
  level: 'error',
  title: 'A static pod names a file it cannot open',
  description: 'A flag of a static pod that names a file outside its hostPath mounts, or a file missing on the host, stops the component at start: the kubelet restarts it forever.',
  fix: 'fix',
  tags: ['pod', 'availability'],
  check(cluster, context, report) {
    context.each(cluster.fileRefs, (ref) => {
      const owner = ref.owner;
      if (!owner || owner.source !== 'static-pod' || ref.unseen) return;
      if (ref.mounted && ref.exists) return;
      if (!ref.exists && missingIsReportedElsewhere(ref)) return;
      const who = `${owner.kind} --${ref.setting}=${ref.written}`;
      const cis = CONTROL_OF_SETTING[ref.setting] ?? [];
      if (ref.exists) {
        report({
          message: `${who}: no hostPath volume mounts ${ref.written} into the static pod, so ${owner.kind} cannot open it and does not start`,
          at: ref.at,
          key: `${ref.setting}\u0000${ref.written}`,
          fix: { kind: 'mount', component: owner, hostPath: ref.hostPath },
          cis,
        });
        return;
      }
      const mountStep = ref.mounted ? [] : [{ title: `Mount ${ref.written} into the static pod of ${owner.kind} on ${ref.host}: a hostPath volume and a volumeMount at the same path`, commands: [`# edit ${owner.definedAt.file}: spec.volumes[].hostPath.path and spec.containers[0].volumeMounts[].mountPath`] }];
      report({
        message: `${who}: ${ref.hostPath} does not exist on ${ref.host}${ref.mounted ? '' : ' and no hostPath volume mounts it'}, so ${owner.kind} does not start`,
        at: ref.at,
        key: `${ref.setting}\u0000${ref.written}`,
        fix: { kind: 'plan', steps: [{ title: `Restore ${ref.hostPath} on ${ref.host} (from a backup, or another control plane), or remove --${ref.setting} from ${owner.definedAt.file}`, commands: [`ls -l ${ref.hostPath}   # on ${ref.host}`] }, ...mountStep] },
        cis,
      });
    });
  },
});
