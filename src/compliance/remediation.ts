/**
 * A control's remediation (data of the benchmark row) as fix intents: set-flag,
 * remove-flag and chmod where those kinds already write the change safely; a plan step
 * with the real names and paths for the rest (admission plugin lists, feature gates,
 * chown, files with their mounts), until `kaudit fix` has kinds for them.
 */
import { KUBELET_COLLECTION_FIELDS } from '../collectors/config-files.js';
import type { Control, Remediation } from '../benchmarks/types.js';
import type { FixIntent, PlanStep } from '../fixers/types.js';
import type { Cluster } from '../model/cluster.js';
import type { Component, Setting } from '../model/types.js';
import { kubeletFieldOf } from './settings.js';

/** What a remediation is applied to: a component's setting, or a file. */
export interface FixTarget {
  host: string;
  component?: Component;
  /** The setting in force, when written. */
  written?: Setting;
  /** A file the control judges. */
  file?: string;
}

const COLLECTION_FLAGS = new Set(Object.values(KUBELET_COLLECTION_FIELDS));

function where(component: Component): string {
  return `${component.kind} on ${component.host} (${component.definedAt.file})`;
}

/** Whether set-flag writes this setting where the component reads it. */
function settable(component: Component, name: string, written: Setting | undefined): boolean {
  // k3s and RKE2 take any flag, over their own defaults, as a `<component>-arg` entry of config.yaml.
  if (component.source === 'distribution') return true;
  if (written) return written.origin !== 'distribution-default' && !(written.origin === 'config-file' && COLLECTION_FLAGS.has(name));
  if (component.source === 'live' || component.source === 'process') return false;
  const readsConfig = component.configSources?.some((s) => s.state === 'read');
  // etcd ignores flags beside --config-file, kube-proxy beside --config: a new flag would not count.
  if ((component.kind === 'etcd' || component.kind === 'kube-proxy') && readsConfig) return false;
  // A kubelet with a config file gets the field there: only for fields that hold one scalar.
  if (component.kind === 'kubelet' && readsConfig) return kubeletFieldOf(name) !== undefined && !COLLECTION_FLAGS.has(name);
  return true;
}

function step(title: string, ...commands: string[]): FixIntent {
  const planStep: PlanStep = { title, commands };
  return { kind: 'plan', steps: [planStep] };
}

function settingName(component: Component, name: string): string {
  const field = component.kind === 'kubelet' ? kubeletFieldOf(name) : undefined;
  return field ? `${field} (--${name})` : `--${name}`;
}

function intentOf(remedy: Remediation, target: FixTarget, cluster: Cluster): FixIntent | undefined {
  const { component, written, file, host } = target;
  switch (remedy.kind) {
    case 'set':
      if (!component) return undefined;
      if (settable(component, remedy.setting, written)) return { kind: 'set-flag', component, flag: remedy.setting, value: remedy.value };
      return step(`Set ${settingName(component, remedy.setting)} to ${remedy.value} for ${where(component)}`, `# ${remedy.setting}=${remedy.value}`);
    case 'unset':
      if (!component || !written) return undefined;
      if (written.origin === 'flag' || component.source === 'distribution') return { kind: 'remove-flag', component, flag: remedy.setting, at: written.at };
      return step(`Remove ${settingName(component, remedy.setting)} from ${written.at.file} (${where(component)})`);
    case 'add-to-list': {
      if (!component) return undefined;
      const items = written ? `${written.value},${remedy.item}` : remedy.item;
      return step(`Add ${remedy.item} to --${remedy.setting} of ${where(component)}`, `# --${remedy.setting}=${items}`);
    }
    case 'remove-from-list': {
      if (!component || !written) return undefined;
      const rest = written.value.split(',').filter((item) => item.trim() !== remedy.item).join(',');
      return step(`Remove ${remedy.item} from --${remedy.setting} of ${where(component)}`, rest ? `# --${remedy.setting}=${rest}` : `# remove --${remedy.setting}`);
    }
    case 'feature-gate':
      if (!component) return undefined;
      return step(`Set the feature gate ${remedy.gate}=${remedy.value} (or drop ${remedy.gate}=false) for ${where(component)}`, `# --feature-gates=${remedy.gate}=${remedy.value}`);
    case 'chmod': {
      if (!file) return undefined;
      // The fixer's chmod takes a key file; other files are changed by hand until it takes any file.
      const key = cluster.keysAt(host, file).find((k) => k.isPrivate && k.embeddedIn === undefined);
      if (key) return { kind: 'chmod', key, mode: remedy.mode };
      return step(`On ${host}: chmod ${remedy.mode.toString(8)} ${file}`, `chmod ${remedy.mode.toString(8)} ${file}`);
    }
    case 'chown':
      if (!file) return undefined;
      return step(`On ${host}: chown ${remedy.owner} ${file}`, `chown ${remedy.owner} ${file}`);
    case 'flag-with-file':
      if (!component) return undefined;
      return step(`Write the ${remedy.file} file for ${where(component)}, set --${remedy.setting} to it and, in a static pod, mount its folder`);
    case 'manual':
      return { kind: 'plan', steps: remedy.steps.map((title) => ({ title: `${title} (${host})`, commands: [] })) };
  }
}

/** The fix intents of a control for one failing setting or file. */
export function fixesFor(control: Control, target: FixTarget, cluster: Cluster): FixIntent[] {
  return control.remediation.flatMap((remedy) => intentOf(remedy, target, cluster) ?? []);
}
