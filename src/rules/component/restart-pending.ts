import { defineRule } from '../rule.js';
import { related } from '../lib/pki.js';
import { shown } from '../../model/secrets.js';
import type { Component, Setting } from '../../model/types.js';

function lastByName(settings: Setting[]): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (const s of settings) out.set(s.name, s);
  return out;
}

export interface Difference {
  name: string;
  defined?: Setting;
  running?: Setting;
}

/**
 * What the definition will run that differs from what runs now: every setting seen
 * running whose effective value differs, and every flag or variable the definition sets
 * that does not run. Settings a component reads from its own config file are not on a
 * command line; a default of kaudit's distribution tables that the running component does
 * not show is no difference either (the running release may simply not pass it).
 */
export function differences(component: Component): Difference[] {
  if (!component.running) return [];
  const defined = lastByName(component.settings);
  const running = lastByName(component.running.settings);
  const out: Difference[] = [];
  for (const [name, r] of running) {
    const d = defined.get(name);
    if (d?.value !== r.value) out.push({ name, ...(d ? { defined: d } : {}), running: r });
  }
  for (const [name, d] of defined) {
    if (running.has(name) || d.origin === 'config-file' || d.origin === 'distribution-default') continue;
    out.push({ name, defined: d });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function describe(diff: Difference): string {
  const flag = `--${diff.name}`;
  if (!diff.defined) return `${flag}=${shown(diff.running!)} runs but is no longer set`;
  if (!diff.running) return `${flag}=${shown(diff.defined)} is set but does not run`;
  return `${flag} runs as ${shown(diff.running)}, set to ${shown(diff.defined)}`;
}

function restartCommand(component: Component): string {
  const where = component.definedAt.file;
  if (component.source === 'static-pod') return `# the kubelet restarts a static pod when its manifest changes; if ${component.kind} on ${component.host} still runs the old flags: crictl ps --name ${component.kind} && crictl stop <container-id>`;
  if (component.source === 'distribution') return `systemctl restart ${component.binary === 'rke2' ? 'rke2-server' : component.binary === 'k3s' ? 'k3s' : component.binary}   # on ${component.host}; ${where} is read at start`;
  const unit = /([^/]+\.service)(\.d\/|$)/.exec(where)?.[1] ?? `${component.kind}.service`;
  return `systemctl daemon-reload && systemctl restart ${unit}   # on ${component.host}`;
}

export default defineRule({
  id: 'component/restart-pending',
  level: 'note',
  title: 'A component runs with settings its definition no longer has',
  description: 'The running process (or the manifest its distribution generated at the last start) differs from what its static pod, unit or config now defines: the change takes effect only at the next restart, and until then the cluster runs the old settings.',
  fix: 'plan',
  tags: ['components', 'upgrades'],
  check(cluster, context, report) {
    context.each(cluster.components, (component) => {
      const diffs = differences(component);
      if (diffs.length === 0) return;
      const running = component.running!;
      const what = running.source === 'process' ? `its running process${running.pid !== undefined ? ` (pid ${running.pid})` : ''}` : 'what its distribution generated at the last start';
      report({
        message: `${component.kind} on ${component.host} needs a restart: ${what} differs from its definition (${diffs.map(describe).join('; ')})`,
        at: component.definedAt,
        related: [related(running.at, `what runs now`), ...diffs.flatMap((d) => (d.defined ? [related(d.defined.at, `--${d.name} as defined`)] : []))],
        key: `${component.kind}:${diffs.map((d) => d.name).join(',')}`,
        fix: { kind: 'plan', steps: [{ title: `Restart ${component.kind} on ${component.host} so that it runs what ${component.definedAt.file} defines`, commands: [restartCommand(component)] }] },
      });
    });
  },
});
