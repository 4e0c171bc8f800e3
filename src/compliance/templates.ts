/**
 * The check templates: each judges one benchmark row on one host from the model, and
 * says why, with the evidence (setting and where it is written, file and its mode).
 */
import { resolveComponentPath } from '../collectors/references.js';
import type { Check, Control, FileTarget, SettingTest } from '../benchmarks/types.js';
import { shown } from '../model/secrets.js';
import type { Cluster } from '../model/cluster.js';
import type { Component, FileFacts, SourceLocation } from '../model/types.js';
import { encryptionOf, secretsEntry } from '../rules/lib/encryption.js';
import { selectFiles, type TargetFile } from './files.js';
import { fixesFor } from './remediation.js';
import { describeSetting, kubeletFieldOf, resolveGate, resolveSetting, type Resolved } from './settings.js';
import { passedByDistribution } from './subjects-by-layout.js';
import type { Subject, Subjects } from './subjects.js';
import { expectation, passes } from './tests.js';
import type { Defect, Evidence } from './types.js';

export interface Verdict {
  outcome: 'pass' | 'fail' | 'unknown' | 'none';
  reason: string;
  /** For unknown: what would supply the missing data. */
  supply?: string;
  /** For unknown: the cause, without the file it concerns (controls of one cause are listed together). */
  cause?: string;
  source?: Evidence;
  defects: Defect[];
}

const pass = (reason: string, source?: Evidence): Verdict => ({ outcome: 'pass', reason, ...(source ? { source } : {}), defects: [] });
const none = (reason: string): Verdict => ({ outcome: 'none', reason, defects: [] });
const unknown = (reason: string, supply: string, cause = reason): Verdict => ({ outcome: 'unknown', reason, supply, cause, defects: [] });

function evidenceOf(resolved: Resolved, name: string): Evidence | undefined {
  const w = resolved.written;
  // A distribution default's sourceKey is the document it follows (said in the reason), not a key of the file.
  if (w) return { origin: w.origin, at: w.at, key: w.origin === 'distribution-default' ? `--${w.name}` : w.sourceKey ?? `--${w.name}`, value: shown(w) };
  if (resolved.fallback) return { origin: 'default', key: `--${name}`, value: resolved.fallback.value };
  return undefined;
}

/** How a setting reads in a message: as written, or unset with what the component then runs with: `--profiling is not set (default: true)`. */
function describeResolved(component: Component, name: string, resolved: Resolved): string {
  if (resolved.written) {
    const text = describeSetting(resolved.written, shown(resolved.written));
    return resolved.written.value === '' ? `${text} (written with an empty value)` : text;
  }
  const field = component.kind === 'kubelet' ? kubeletFieldOf(name) : undefined;
  const unset = field ? `--${name} (${field}) is not set` : `--${name} is not set`;
  return resolved.fallback ? `${unset} (${resolved.fallback.whose}: ${resolved.fallback.value})` : unset;
}

/**
 * Where a finding about a setting points: where it is written; for a missing one (or a
 * distribution's default, which the operator overrides in config.yaml), where the flags of
 * the component are written, or the kubelet's config file when it reads one.
 */
function placeFor(component: Component, resolved: Resolved): SourceLocation {
  if (resolved.written && resolved.written.origin !== 'distribution-default') return resolved.written.at;
  if (component.source === 'distribution') return component.flagsAt ?? component.definedAt;
  if (component.kind === 'kubelet') {
    const fromConfig = component.settings.find((s) => s.origin === 'config-file');
    if (fromConfig) return { ...fromConfig.at, line: 1 };
  }
  return component.flagsAt ?? component.definedAt;
}

function componentOf(subject: Subject, check: Check): Component | undefined {
  const kind = check.template === 'kubelet-setting' ? 'kubelet' : 'component' in check ? check.component : undefined;
  return kind ? subject.components.get(kind) : undefined;
}

function settingCheck(control: Control, subject: Subject, component: Component, names: string[], test: SettingTest, options: { flagOnly?: boolean; default?: string }): Verdict {
  const passed = test.op === 'notset' ? names.map((name) => passedByDistribution(subject.places, component, name)).find((why) => why !== undefined) : undefined;
  if (passed) return none(passed);
  const failing: Array<{ name: string; resolved: Resolved }> = [];
  const evidence: Evidence[] = [];
  const described: string[] = [];
  for (const name of names) {
    const resolved = resolveSetting(component, name, options);
    if (resolved.unknown && !resolved.written) return unknown(`${component.kind} --${name}: ${resolved.unknown.why}`, resolved.unknown.supply);
    const value = resolved.written?.value;
    described.push(describeResolved(component, name, resolved));
    const source = evidenceOf(resolved, name);
    if (source) evidence.push(source);
    if (!passes(test, value)) failing.push({ name, resolved });
  }
  const wanted = names.map((name) => expectation(test, `--${name}`)).join(' and ');
  const source = evidence[0];
  if (failing.length === 0) return pass(described.join('; '), source);
  const first = failing[0];
  const message = `${component.kind} on ${subject.host}: ${failing.map((f) => describeResolved(component, f.name, f.resolved)).join('; ')}; CIS ${control.id} wants ${wanted}`;
  // One finding per defect: two controls on one flag (DenyServiceExternalIPs, EventRateLimit) are two defects.
  const key = `setting:${component.kind}:${names.join('+')}:${test.op}${'value' in test && !Array.isArray(test.value) ? `:${test.value}` : ''}`;
  const fixes = failing.flatMap((f) => fixesFor(control, { host: subject.host, component, ...(f.resolved.written ? { written: f.resolved.written } : {}) }));
  return { outcome: 'fail', reason: `${described.join('; ')}; wants ${wanted}`, ...(source ? { source } : {}), defects: [{ message, at: placeFor(component, first.resolved), key, fixes }] };
}

function gateCheck(control: Control, subject: Subject, component: Component, gate: string, test: SettingTest, defaultValue: string): Verdict {
  const resolved = resolveGate(component, gate, defaultValue);
  if (resolved.unknown) return unknown(`${component.kind} feature gate ${gate}: ${resolved.unknown.why}`, resolved.unknown.supply);
  const text = resolved.written ? `${gate}=${resolved.value} in ${describeSetting(resolved.written, resolved.written.value)}` : `the feature gate ${gate} is not set (default: ${defaultValue})`;
  const source: Evidence = resolved.written ? { origin: resolved.written.origin, at: resolved.written.at, key: gate, value: resolved.value ?? '' } : { origin: 'default', key: gate, value: defaultValue };
  if (passes(test, resolved.value)) return pass(text, source);
  const message = `${component.kind} on ${subject.host}: ${text}; CIS ${control.id} wants the gate not turned off`;
  const fixes = fixesFor(control, { host: subject.host, component, ...(resolved.written ? { written: resolved.written } : {}) });
  return { outcome: 'fail', reason: text, source, defects: [{ message, at: placeFor(component, resolved), key: `gate:${component.kind}:${gate}`, fixes }] };
}

function modeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** uid and gid 0 are root whatever the host's passwd says; other numbers stay numbers. */
function ownerMatches(owner: string, expected: string): boolean {
  const normal = owner.split(':').map((part) => (part === '0' ? 'root' : part)).join(':');
  return normal === expected;
}

function noOwnerData(subjects: Subjects, subject: Subject): string {
  const host = subject.info;
  if (!host) return `${subject.host} was not scanned as a host root`;
  if (host.owners === 'snapshot') return 'not in the owners of .kaudit-snapshot.json';
  return 'a copied tree belongs to whoever copied it';
}

function fileCheck(control: Control, subject: Subject, subjects: Subjects, files: FileTarget, judge: { mode: number } | { owner: string; absent?: 'pass' }): Verdict {
  const selection = selectFiles(subjects, subject, files, 'mode' in judge ? 'mode' : 'owner');
  if (selection.kind === 'unknown') return unknown(selection.reason, selection.supply);
  if (selection.kind === 'not-applicable') return none(selection.reason);
  if (selection.kind === 'none' || selection.files.length === 0) {
    const reason = selection.kind === 'none' ? selection.reason : 'no such files on this host';
    return 'absent' in judge && judge.absent === 'pass' ? pass(`${reason} (CIS passes a missing file)`) : none(reason);
  }
  const failing: Array<{ file: TargetFile; facts: FileFacts; shown: string }> = [];
  const unknownFiles: TargetFile[] = [];
  for (const file of selection.files) {
    const facts = file.facts;
    const value = 'mode' in judge ? facts?.mode : facts?.owner;
    if (!facts || value === undefined) {
      unknownFiles.push(file);
      continue;
    }
    const ok = 'mode' in judge ? (facts.mode! & ~judge.mode) === 0 : ownerMatches(facts.owner!, judge.owner);
    if (!ok) failing.push({ file, facts, shown: 'mode' in judge ? modeText(facts.mode!) : facts.owner! });
  }
  const wanted = 'mode' in judge ? `mode ${modeText(judge.mode)} or stricter` : `owner ${judge.owner}`;
  const count = selection.files.length;
  const first = selection.files[0];
  const source: Evidence = { origin: 'file', ...(first.facts ? { at: first.facts.at } : {}), key: first.hostPath, value: ('mode' in judge ? (first.facts?.mode !== undefined ? modeText(first.facts.mode) : undefined) : first.facts?.owner) ?? 'unknown' };
  if (failing.length > 0) {
    const list = failing.slice(0, 3).map((f) => `${f.file.hostPath} ${f.shown}`).join(', ') + (failing.length > 3 ? ` and ${failing.length - 3} more` : '');
    const defects = failing.map((f) => ({
      message: `${f.file.hostPath} on ${subject.host} has ${'mode' in judge ? 'mode' : 'owner'} ${f.shown}; CIS ${control.id} wants ${wanted}`,
      at: f.facts.at,
      key: `file:${'mode' in judge ? 'mode' : 'owner'}:${f.file.hostPath}`,
      fixes: fixesFor(control, { host: subject.host, file: f.file.hostPath }),
    }));
    return { outcome: 'fail', reason: `${list}; wants ${wanted}`, source: { ...source, key: failing[0].file.hostPath, value: failing[0].shown, at: failing[0].facts.at }, defects };
  }
  if (unknownFiles.length > 0) {
    const why = 'mode' in judge ? 'file modes are not known (not in the modes of .kaudit-snapshot.json)' : `file owners are not known (${noOwnerData(subjects, subject)})`;
    return unknown(`${unknownFiles[0].hostPath}${unknownFiles.length > 1 ? ` and ${unknownFiles.length - 1} more` : ''}: ${why}`, `kaudit collect on ${subject.host} (or kaudit scan / there)`, why);
  }
  return pass(count === 1 ? `${first.hostPath} has ${'mode' in judge ? 'mode' : 'owner'} ${source.value}` : `${count} files, all with ${wanted}`, source);
}

function encryptionCheck(control: Control, subject: Subject, cluster: Cluster, component: Component, allowed: string[]): Verdict {
  const setup = encryptionOf(cluster, component);
  const at = component.flagsAt ?? component.definedAt;
  const fail = (reason: string, where: SourceLocation, key: string): Verdict => ({
    outcome: 'fail',
    reason,
    defects: [{ message: `kube-apiserver on ${subject.host}: ${reason}; CIS ${control.id} wants ${allowed.join(', ')} first`, at: where, key, fixes: fixesFor(control, { host: subject.host, component }) }],
  });
  if (!setup) return fail('no --encryption-provider-config: Secrets are stored unencrypted', at, 'encryption:none');
  if (!setup.ref.exists || !setup.ref.mounted || !setup.config) {
    return unknown(`--${setup.ref.setting} names ${setup.ref.written}, which is not in the scanned files${setup.ref.exists ? ' as an EncryptionConfiguration' : ''}`, `a copy of ${setup.ref.hostPath} from ${subject.host}`);
  }
  const entry = secretsEntry(setup.config);
  const source: Evidence = { origin: 'config-file', at: setup.config.at, key: setup.ref.hostPath };
  if (!entry) return fail(`${setup.ref.hostPath} has no entry for secrets`, setup.config.at, 'encryption:no-secrets-entry');
  const first = entry.providers[0]?.type ?? '(none)';
  const line = setup.config.lines.get(entry.providers[0]?.path ?? entry.path);
  if (allowed.includes(first)) return pass(`the first provider for secrets in ${setup.ref.hostPath} is ${first}`, { ...source, value: first });
  return fail(`the first provider for secrets in ${setup.ref.hostPath} is ${first}`, { ...setup.config.at, ...(line ? { line } : {}) }, `encryption:first-provider:${first}`);
}

function auditPolicyCheck(control: Control, subject: Subject, cluster: Cluster, component: Component): Verdict {
  const resolved = resolveSetting(component, 'audit-policy-file');
  if (resolved.unknown) return unknown(resolved.unknown.why, resolved.unknown.supply);
  const fixes = () => fixesFor(control, { host: subject.host, component });
  const written = resolved.written;
  if (!written || written.value === '') {
    const reason = '--audit-policy-file is not set: the apiserver records no audit events';
    return { outcome: 'fail', reason, defects: [{ message: `kube-apiserver on ${subject.host}: ${reason}; CIS ${control.id} wants an audit policy`, at: placeFor(component, resolved), key: 'audit-policy', fixes: fixes() }] };
  }
  const source: Evidence = { origin: written.origin, at: written.at, key: '--audit-policy-file', value: written.value };
  const mapped = resolveComponentPath(component, written.value);
  const broken = (reason: string): Verdict => ({ outcome: 'fail', reason, source, defects: [{ message: `kube-apiserver on ${subject.host}: ${reason}`, at: written.at, key: 'audit-policy', fixes: fixes() }] });
  if (!mapped.mounted) return broken(`--audit-policy-file=${written.value} is not inside any hostPath mount of the static pod: the apiserver cannot read it`);
  const policy = cluster.manifestsAt(subject.host, mapped.hostPath)[0];
  if (!cluster.fileFacts(subject.host, mapped.hostPath)) {
    return unknown(`--audit-policy-file names ${mapped.hostPath}, which is not in the scanned files`, `a copy of ${mapped.hostPath} from ${subject.host}`);
  }
  if (policy?.kind !== 'Policy' || !policy.apiVersion?.startsWith('audit.k8s.io/')) return broken(`--audit-policy-file names ${mapped.hostPath}, which is not an audit.k8s.io Policy`);
  const rules = (policy.data as { rules?: unknown[] }).rules;
  return pass(`--audit-policy-file=${written.value}: an audit Policy with ${Array.isArray(rules) ? rules.length : 0} rules`, source);
}

/** systemd adds up IPAddressDeny= lines; an empty one resets the list. */
function unitDirectiveCheck(control: Control, subject: Subject, component: Component, directive: string, test: SettingTest): Verdict {
  if (component.source !== 'systemd') return none(`${component.kind} does not run from a systemd unit on this host`);
  let values: string[] = [];
  let last: (typeof component.settings)[number] | undefined;
  for (const d of component.serviceDirectives ?? []) {
    if (d.name !== directive) continue;
    values = d.value === '' ? [] : [...values, d.value];
    last = d;
  }
  const value = values.length ? values.join(' ') : undefined;
  const text = value !== undefined ? `${directive}=${value} in ${last!.at.file}` : `the ${component.kind} unit sets no ${directive}=`;
  const source: Evidence | undefined = last ? { origin: 'config-file', at: last.at, key: directive, value: value ?? '' } : undefined;
  if (passes(test, value)) return pass(text, source);
  return {
    outcome: 'fail',
    reason: text,
    ...(source ? { source } : {}),
    defects: [{ message: `${component.kind} on ${subject.host}: ${text}; CIS ${control.id} wants ${directive}=any`, at: last?.at ?? component.definedAt, key: `unit:${component.kind}:${directive}`, fixes: fixesFor(control, { host: subject.host, component }) }],
  };
}

/** Judges one row on one host. Section 5 (`api`) and manual rows are decided by the engine. */
export function judge(control: Control, subject: Subject, subjects: Subjects): Verdict {
  const { check } = control;
  const cluster = subjects.cluster;
  if (check.template === 'file-mode') return fileCheck(control, subject, subjects, check.files, { mode: check.mode });
  if (check.template === 'file-owner') return fileCheck(control, subject, subjects, check.files, { owner: check.owner, ...(check.absent ? { absent: check.absent } : {}) });
  if (check.template === 'api' || check.template === 'manual') return none('judged by the engine');
  const component = check.template === 'encryption-providers' || check.template === 'audit-policy' ? subject.components.get('kube-apiserver') : componentOf(subject, check);
  if (!component) {
    const kind = check.template === 'encryption-providers' || check.template === 'audit-policy' ? 'kube-apiserver' : check.template === 'kubelet-setting' ? 'kubelet' : check.component;
    return none(`no ${kind} on this host`);
  }
  switch (check.template) {
    case 'setting':
      return settingCheck(control, subject, component, check.settings, check.test, check.default !== undefined ? { default: check.default } : {});
    case 'kubelet-setting':
      return settingCheck(control, subject, component, check.settings, check.test, check.flagOnly ? { flagOnly: true } : {});
    case 'feature-gate':
      return gateCheck(control, subject, component, check.gate, check.test, check.default);
    case 'encryption-providers':
      return encryptionCheck(control, subject, cluster, component, check.allowed);
    case 'audit-policy':
      return auditPolicyCheck(control, subject, cluster, component);
    case 'unit-directive':
      return unitDirectiveCheck(control, subject, component, check.directive, check.test);
  }
}
