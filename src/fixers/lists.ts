/**
 * Settings that hold a list or a map — admission plugins, authorization modes, feature
 * gates, cipher suites — edited in place: the items already there stay, in their order;
 * items are added at the end or taken out. Several fixes of one run may change one such
 * setting (1.2.3, 1.2.9 and 1.2.11 each add a plugin to --enable-admission-plugins), so
 * the changes are gathered while the run works them out and written once at its end.
 */
import type { ChangeSet } from './changeset.js';
import { listItemEffect, settingEffect } from './effects.js';
import { planLiveSetting } from './live.js';
import { removeFlag } from './flags.js';
import { changedBy, configFieldOf, writeSetting } from './setting-writer.js';
import { setYamlPath } from './yaml-edit.js';
import { setting } from '../model/cluster.js';
import type { Component, Setting } from '../model/types.js';

const APISERVER_LISTS = new Set(['enable-admission-plugins', 'disable-admission-plugins', 'authorization-mode']);

/** Whether fixes of a setting are gathered and written once (its value is a list or map). */
export function isListSetting(component: Component, flag: string): boolean {
  return flag === 'feature-gates' || flag === 'tls-cipher-suites' || (component.kind === 'kube-apiserver' && APISERVER_LISTS.has(flag));
}

type ListChange = { set: string } | { add: string } | { remove: string } | { gate: string; value: string };

interface Pending {
  component: Component;
  flag: string;
  /** A whole new value (set-flag), replacing what is written. */
  set?: string;
  add: string[];
  remove: string[];
  gates: Map<string, string>;
  ruleId: string;
}

const runs = new WeakMap<ChangeSet, Map<string, Pending>>();

/** Gathers one change of a list setting; written by applyListEdits at the end of the run. */
export function queueListEdit(cs: ChangeSet, component: Component, flag: string, change: ListChange, ruleId: string): void {
  const pending = runs.get(cs) ?? new Map<string, Pending>();
  runs.set(cs, pending);
  const key = `${component.host}\u0000${component.kind}\u0000${component.definedAt.file}\u0000${flag}`;
  const entry: Pending = pending.get(key) ?? { component, flag, add: [], remove: [], gates: new Map(), ruleId };
  pending.set(key, entry);
  if ('set' in change) entry.set = change.set;
  else if ('add' in change) entry.add.push(change.add);
  else if ('remove' in change) entry.remove.push(change.remove);
  else entry.gates.set(change.gate, change.value);
}

function itemsOf(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** The setting a list change edits: the last written one of that name (for gates, not a config file's map: queued gates go to the flag). */
function writtenList(component: Component, flag: string): Setting | undefined {
  for (let i = component.settings.length - 1; i >= 0; i--) {
    const s = component.settings[i];
    if (s.name === flag && !(flag === 'feature-gates' && s.origin === 'config-file')) return s;
  }
  return undefined;
}

/** The value after the gathered changes: removals, then additions at the end, then gates set (in place when present). */
function finalValue(entry: Pending, current: string): string {
  if (entry.gates.size > 0) {
    const pairs = itemsOf(entry.set ?? current).map((pair) => pair.split('=').map((p) => p.trim()) as [string, string]);
    for (const [gate, value] of entry.gates) {
      const at = pairs.findIndex(([key]) => key === gate);
      if (at >= 0) pairs[at] = [gate, value];
      else pairs.push([gate, value]);
    }
    return pairs.map(([key, value]) => `${key}=${value}`).join(',');
  }
  const items = itemsOf(entry.set ?? current).filter((item) => !entry.remove.includes(item));
  for (const item of entry.add) if (!items.includes(item)) items.push(item);
  return items.join(',');
}

function sayEffects(cs: ChangeSet, entry: Pending, before: string, after: string, refs: ReturnType<typeof changedBy>): void {
  const was = new Set(itemsOf(before));
  const now = new Set(itemsOf(after));
  const effects = [
    ...[...now].filter((i) => !was.has(i)).map((i) => listItemEffect(i, 'added')),
    ...[...was].filter((i) => !now.has(i)).map((i) => listItemEffect(i, 'removed')),
    settingEffect(entry.component, entry.flag, after),
  ];
  for (const ref of refs) for (const effect of effects) if (effect) cs.sideEffect(ref, effect);
}

/** Writes every gathered list change once; `onAdded` hears of items added (EventRateLimit needs its configuration). */
export function applyListEdits(cs: ChangeSet, onAdded: (component: Component, flag: string, item: string, ruleId: string) => void): void {
  for (const entry of runs.get(cs)?.values() ?? []) {
    const written = writtenList(entry.component, entry.flag);
    const current = written?.value ?? '';
    const value = finalValue(entry, current);
    if (value === current) continue;
    if (entry.component.definedAt.root < 0) {
      // Seen through a live source: no file of it in the scan, the change is a step on its node.
      planLiveSetting(cs, { kind: 'set-flag', component: entry.component, flag: entry.flag, value }, entry.ruleId);
      continue;
    }
    const authorizationConfig = entry.flag === 'authorization-mode' ? setting(entry.component, 'authorization-config') : undefined;
    if (authorizationConfig) {
      // The apiserver refuses --authorization-mode beside --authorization-config: the authorizers are listed in that file.
      cs.addPlan({ title: `List the authorizers ${value.split(',').join(', ')} in the AuthorizationConfiguration ${authorizationConfig.value} of kube-apiserver on ${entry.component.host} (--authorization-mode cannot be set beside --authorization-config)`, commands: [`# authorizers: [{type: Node, name: node}, {type: RBAC, name: rbac}]`] }, entry.ruleId);
      continue;
    }
    const refs = changedBy(cs, () => {
      if (value === '' && written) removeFlag(cs, written, entry.ruleId);
      else if (!writeSetting(cs, entry.component, entry.flag, value, entry.ruleId)) {
        cs.addPlan({ title: `Set --${entry.flag}=${value} for ${entry.component.kind} on ${entry.component.host}`, commands: [`# ${entry.component.kind} runs from ${entry.component.definedAt.file}`] }, entry.ruleId);
      }
    });
    sayEffects(cs, entry, current, value, refs);
    for (const item of itemsOf(value)) if (!itemsOf(current).includes(item)) onAdded(entry.component, entry.flag, item, entry.ruleId);
  }
  runs.delete(cs);
}

/**
 * One feature gate, where the component's gates are written: a config file's featureGates
 * map when the gate is set there (or when the component reads a config file and sets it
 * nowhere), else its --feature-gates flag (gathered with the run's other gates).
 */
export function setFeatureGate(cs: ChangeSet, component: Component, gate: string, value: string, ruleId: string): void {
  if (component.definedAt.root < 0) return queueListEdit(cs, component, 'feature-gates', { gate, value }, ruleId);
  let holder: Setting | undefined;
  for (const s of component.settings) {
    if (s.name !== 'feature-gates') continue;
    if (itemsOf(s.value).some((pair) => pair.split('=')[0].trim() === gate)) holder = s;
  }
  const field = holder ? undefined : configFieldOf(component, 'feature-gates');
  const file = holder?.origin === 'config-file' ? cs.refAt(holder.at) : field && field !== 'ignored' ? cs.ref(component.host, field.hostPath) : undefined;
  if (!file) {
    queueListEdit(cs, component, 'feature-gates', { gate, value }, ruleId);
    return;
  }
  const text = cs.text(file);
  const edit = text === undefined ? undefined : setYamlPath(text, [holder?.sourceKey ?? 'featureGates', gate], value);
  if (!edit) {
    cs.skipped.push({ file: file.file, message: `cannot place featureGates.${gate} in it` });
    return;
  }
  cs.edit(file, edit, ruleId);
}
