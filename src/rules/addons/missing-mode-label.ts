import { defineRule } from '../rule.js';
import { asRecord } from '../../collectors/yaml-source.js';

const LABEL = 'addonmanager.kubernetes.io/mode';
const MODES = new Set(['Reconcile', 'EnsureExists']);
const ADDON_DIR = '/etc/kubernetes/addons/';

export default defineRule({
  id: 'addons/missing-mode-label',
  level: 'warning',
  title: 'Addon manifest without a valid addon-manager mode',
  description: 'The addon manager applies only objects labelled addonmanager.kubernetes.io/mode: Reconcile or EnsureExists; others in its folder are silently ignored.',
  fix: 'fix',
  tags: ['addons'],
  check(cluster, context, report) {
    // Without an addon manager the label does nothing: kubespray and k3s apply their folders themselves.
    // The addon manager reads its own host's folder; one seen only through the API may run on any host.
    const liveManager = cluster.liveKube?.workloads.some((w) => /addon-manager/.test(w)) ?? false;
    const managedHosts = new Set(cluster.addonManagers.map((at) => at.host));
    const seen = new Map<string, number>();
    context.each(cluster.manifests, (manifest) => {
      if (!manifest.hostPath.startsWith(ADDON_DIR) || manifest.kind === 'List') return;
      if (!liveManager && !managedHosts.has(manifest.host)) return;
      const mode = asRecord(asRecord(asRecord(manifest.data)?.metadata)?.labels)?.[LABEL];
      if (typeof mode === 'string' && MODES.has(mode)) return;
      const what = `${manifest.kind}${manifest.name ? ` ${manifest.name}` : ''} in ${manifest.hostPath}`;
      const message = mode === undefined ? `${what} has no ${LABEL} label: the addon manager ignores it` : `${what} has ${LABEL}: ${String(mode)}; the addon manager knows Reconcile and EnsureExists`;
      const line = manifest.lines.get(`metadata.labels.${LABEL}`) ?? manifest.lines.get('metadata.labels') ?? manifest.lines.get('metadata') ?? manifest.at.line;
      // Two documents of one file may share kind and name: the ordinal keeps their fingerprints apart.
      const identity = `${manifest.host}:${manifest.hostPath}:${manifest.kind}/${manifest.name ?? ''}`;
      const ordinal = seen.get(identity) ?? 0;
      seen.set(identity, ordinal + 1);
      report({ message, at: { ...manifest.at, line }, key: `${manifest.kind}/${manifest.name ?? ''}#${ordinal}`, fix: { kind: 'addon-mode-label', manifest } });
    });
  },
});
