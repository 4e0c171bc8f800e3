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
/** A remediation that needs a person's choice: the steps, and why kaudit cannot write it (said in the docs and the plan). */
export const planOnly = (why: string, ...steps: string[]): Remediation => ({ kind: 'manual', steps, why });
export const flagWithFile = (name: string, file: 'audit-policy' | 'audit-log' | 'event-rate-limit'): Remediation => ({ kind: 'flag-with-file', setting: name, file });
export const featureGate = (name: string, value: string): Remediation => ({ kind: 'feature-gate', gate: name, value });

/**
 * Why a control's fix is left to a person, shared by the benchmark versions. Each is a
 * case where writing a value would stop a component or lock someone out unless a person
 * first makes a choice that the configuration does not show.
 */
export const WHY_PLAN = {
  certificate: 'it needs a certificate and key issued for this identity by the right CA; kaudit re-issues certificates it finds but does not mint new identities, and a flag naming the wrong pair stops the component',
  clientCa: 'it needs the CA that signs the client certificates the component must accept; naming another CA locks those clients out',
  etcdCa: "it needs the CA that signed etcd's certificates; naming another CA makes every connection to etcd fail",
  etcdOwnCa: 'it needs a CA of its own for etcd and every etcd certificate re-issued under it, member by member (kaudit fix does that for pki/shared-ca when the etcd CA is the cluster CA)',
  kubeletCa: "the apiserver can verify kubelets only once their serving certificates are signed by that CA (serverTLSBootstrap and approved CSRs); turned on before, exec, logs and port-forward fail",
  serviceAccountKey: 'the key must pair with the one that signs service account tokens on every control plane; another key makes every token issued so far invalid',
  tokenFile: 'removing the static token file locks its users out: they must first move to client certificates, OIDC or a webhook',
  hostname: 'removing it changes the name the node registers under: the kubelet would register a new Node and leave the old one behind',
  podPids: 'the limit depends on what the workloads run: too low a limit makes their processes fail to fork',
  rootCa: "it needs the CA bundle that verifies the apiserver's serving certificate; pods given another one cannot reach the API",
  seccomp: 'the workloads must first be tested under the RuntimeDefault profile: a system call it blocks stops them',
  ipAddressDeny: 'the allow list depends on which networks must reach the kubelet (the apiservers, monitoring, node and pod networks); a wrong one cuts the node off',
} as const;

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
