/**
 * A control's remediation (data of the benchmark row) as fix intents. Each kind of the
 * data has a fix kind that writes it where the component reads it (src/fixers/); only
 * `manual` remedies, which need a person's choice, are plan steps.
 */
import type { Control, Remediation } from '../benchmarks/types.js';
import type { FixIntent } from '../fixers/types.js';
import type { Component, Setting } from '../model/types.js';

/** What a remediation is applied to: a component's setting, or a file. */
export interface FixTarget {
  host: string;
  component?: Component;
  /** The setting in force, when written. */
  written?: Setting;
  /** A file the control judges. */
  file?: string;
}

function intentOf(remedy: Remediation, target: FixTarget): FixIntent | undefined {
  const { component, written, file, host } = target;
  switch (remedy.kind) {
    case 'set':
      return component && { kind: 'set-flag', component, flag: remedy.setting, value: remedy.value };
    case 'unset':
      // k3s and RKE2 take a removal over their own defaults too, in their config.yaml.
      return component && written && (written.origin !== 'distribution-default' || component.source === 'distribution') ? { kind: 'remove-flag', component, flag: remedy.setting, at: written.at } : undefined;
    case 'add-to-list':
      return component && { kind: 'add-to-list', component, flag: remedy.setting, item: remedy.item };
    case 'remove-from-list':
      return component && written ? { kind: 'remove-from-list', component, flag: remedy.setting, item: remedy.item } : undefined;
    case 'feature-gate':
      return component && { kind: 'feature-gate', component, gate: remedy.gate, value: remedy.value };
    case 'chmod':
      return file ? { kind: 'chmod', file: { host, hostPath: file }, mode: remedy.mode } : undefined;
    case 'chown':
      return file ? { kind: 'chown', file: { host, hostPath: file }, owner: remedy.owner } : undefined;
    case 'flag-with-file':
      return component && { kind: 'flag-with-file', component, flag: remedy.setting, file: remedy.file };
    case 'manual':
      return { kind: 'plan', steps: remedy.steps.map((title) => ({ title: `${title} (${host})`, commands: remedy.why ? [`# not written by kaudit: ${remedy.why}`] : [] })) };
  }
}

/** The fix intents of a control for one failing setting or file. */
export function fixesFor(control: Control, target: FixTarget): FixIntent[] {
  return control.remediation.flatMap((remedy) => intentOf(remedy, target) ?? []);
}
