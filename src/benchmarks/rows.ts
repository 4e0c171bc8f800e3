/** Short constructors for benchmark rows, so that a table reads one control a line. */
import type { ComponentKind } from '../model/types.js';
import type { Check, Control, FileTarget, NodeType, Remediation, SettingTest } from './types.js';

export const set = (): SettingTest => ({ op: 'set' });
export const notSet = (): SettingTest => ({ op: 'notset' });
export const eq = (value: string, orUnset = false): SettingTest => ({ op: 'eq', value, ...(orUnset ? { orUnset } : {}) });
export const notEq = (value: string, orUnset = false): SettingTest => ({ op: 'noteq', value, ...(orUnset ? { orUnset } : {}) });
export const atLeast = (value: number, orUnset = false): SettingTest => ({ op: 'gte', value, ...(orUnset ? { orUnset } : {}) });
/** An item of a comma-separated list (admission plugins, authorization modes). */
export const listHas = (value: string): SettingTest => ({ op: 'has', value, list: true });
export const listLacks = (value: string, orUnset = false): SettingTest => ({ op: 'nothave', value, list: true, ...(orUnset ? { orUnset } : {}) });
/** A substring, as kube-bench's `has` (127.0.0.1 in 127.0.0.1:10249). */
export const contains = (value: string, orUnset = false): SettingTest => ({ op: 'has', value, ...(orUnset ? { orUnset } : {}) });
export const lacks = (value: string, orUnset = false): SettingTest => ({ op: 'nothave', value, ...(orUnset ? { orUnset } : {}) });
export const subsetOf = (value: string[]): SettingTest => ({ op: 'valid_elements', value });

export const setting = (component: ComponentKind, settings: string | string[], test: SettingTest, defaultValue?: string): Check => ({
  template: 'setting',
  component,
  settings: typeof settings === 'string' ? [settings] : settings,
  test,
  ...(defaultValue !== undefined ? { default: defaultValue } : {}),
});
export const kubelet = (settings: string | string[], test: SettingTest, flagOnly = false): Check => ({
  template: 'kubelet-setting',
  settings: typeof settings === 'string' ? [settings] : settings,
  test,
  ...(flagOnly ? { flagOnly } : {}),
});
export const gate = (component: ComponentKind, name: string, test: SettingTest, defaultValue: string): Check => ({ template: 'feature-gate', component, gate: name, test, default: defaultValue });
export const mode = (files: FileTarget, bits: number): Check => ({ template: 'file-mode', files, mode: bits });
export const owner = (files: FileTarget, expected: string, absent?: 'pass'): Check => ({ template: 'file-owner', files, owner: expected, ...(absent ? { absent } : {}) });
export const manual = (): Check => ({ template: 'manual' });
export const api = (rule: string): Check => ({ template: 'api', rule });

export const definition = (component: ComponentKind): FileTarget => ({ kind: 'definition', component });

export const setTo = (name: string, value: string): Remediation => ({ kind: 'set', setting: name, value });
export const unset = (name: string): Remediation => ({ kind: 'unset', setting: name });
export const addTo = (name: string, item: string): Remediation => ({ kind: 'add-to-list', setting: name, item });
export const removeFrom = (name: string, item: string): Remediation => ({ kind: 'remove-from-list', setting: name, item });
export const chmod = (bits: number): Remediation => ({ kind: 'chmod', mode: bits });
export const chown = (expected: string): Remediation => ({ kind: 'chown', owner: expected });
export const byHand = (...steps: string[]): Remediation => ({ kind: 'manual', steps });

/** One control. `kubeBench` names the YAML file of kube-bench's cfg/<benchmark>/ that holds its test. */
export function control(
  id: string,
  node: NodeType,
  scored: boolean,
  rule: string,
  text: string,
  check: Check,
  remediation: Remediation | Remediation[] = [],
  kubeBenchFile = `${node}.yaml`,
): Control {
  return { id, text, node, scored, rule, check, remediation: Array.isArray(remediation) ? remediation : [remediation], kubeBench: kubeBenchFile };
}

/** A control CIS leaves to the reader: kube-bench has no test for it (or marks it manual). */
export function manualControl(id: string, node: NodeType, text: string, steps: string[] = []): Control {
  return control(id, node, false, '', text, manual(), steps.length ? [byHand(...steps)] : []);
}
