/**
 * Flag edits for components a distribution starts (k3s, RKE2: `source: distribution`).
 * They are written where the distribution reads them, never in files it regenerates:
 * the `<component>-arg` list of config.yaml (or of the drop-in that holds it), or the
 * unit's command line when that list is given there (a command-line list replaces the
 * files' list: docs.k3s.io/installation/configuration). kOps's etcd is configured in the
 * cluster spec, which nodeup renders: its fixes are plan steps.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ChangeSet } from './changeset.js';
import { lineRange, lineStarts } from './text.js';
import { ARG_KEYS } from '../collectors/layouts/rancher-defaults.js';
import { RANCHER_LAYOUTS } from '../collectors/layouts/index.js';
import { setting } from '../model/cluster.js';
import type { Component, Setting } from '../model/types.js';

function argKeyOf(component: Component): string | undefined {
  return Object.entries(ARG_KEYS).find(([, kind]) => kind === component.kind)?.[0];
}

function layoutOf(component: Component) {
  return RANCHER_LAYOUTS.find((l) => l.program === component.binary);
}

function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** kOps: etcd-manager passes ETCD_* variables of its pod through; the pod is rendered from the cluster spec. */
function kopsPlan(cs: ChangeSet, component: Component, flag: string, value: string | undefined, ruleId: string): true {
  const variable = `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
  cs.addPlan(
    {
      title: `Give etcd on ${component.host} ${value === undefined ? `no ${variable}` : `${variable}=${value}`} through etcd-manager's environment in the kOps cluster spec, then roll the control plane`,
      commands: [
        'kops edit cluster   # spec.etcdClusters[].manager.env:',
        value === undefined ? `#   remove - name: ${variable}` : `#   - name: ${variable}\n#     value: "${value}"`,
        'kops update cluster --yes && kops rolling-update cluster --instance-group-roles=control-plane --yes',
      ],
    },
    ruleId,
  );
  return true;
}

/** The `<component>-arg` value of a config file as a block sequence, when it is one. */
function blockSequence(text: string, key: string): { node: YAMLSeq; map: YAMLMap } | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const map = doc.contents as YAMLMap;
  const pair = map.items.find((p) => isScalar(p.key) && (String(p.key.value) === key || String(p.key.value) === `${key}+`));
  if (!pair || !isSeq(pair.value) || (pair.value as YAMLSeq).flow) return undefined;
  return { node: pair.value as YAMLSeq, map };
}

/** Appends `- "flag=value"` to the list of a config file, in the list's own indentation. */
function appendToList(cs: ChangeSet, component: Component, file: string, key: string, item: string, ruleId: string): boolean {
  const ref = cs.ref(component.host, file);
  const text = cs.text(ref);
  if (text === undefined) return false;
  const list = blockSequence(text, key);
  if (!list) {
    cs.skipped.push({ file: ref.file, message: `${key} is not a block list; add ${quoted(item)} to it by hand` });
    return false;
  }
  const last = list.node.items[list.node.items.length - 1] as Node | undefined;
  if (!last?.range) return false;
  const starts = lineStarts(text);
  const lastLine = text.slice(0, Math.max(last.range[0], last.range[1] - 1)).split('\n').length;
  const firstLine = text.slice(0, (list.node.items[0] as Node).range![0]).split('\n').length;
  const indent = /^(\s*)-/.exec(text.slice(starts[firstLine - 1], lineRange(text, firstLine, starts).end))?.[1] ?? '  ';
  const { end } = lineRange(text, lastLine, starts);
  return cs.edit(ref, { start: end, end, text: `\n${indent}- ${quoted(item)}` }, ruleId);
}

/** Adds the key with one item at the end of config.yaml, or creates config.yaml with it. */
function addKey(cs: ChangeSet, component: Component, configPath: string, key: string, item: string, ruleId: string): boolean {
  const ref = cs.ref(component.host, configPath);
  const text = cs.text(ref);
  const block = `${key}:\n  - ${quoted(item)}\n`;
  if (text === undefined) {
    cs.create(ref, `# Written by kaudit fix: ${component.binary} reads this file when it starts.\n${block}`, 0o600, false, ruleId);
    return true;
  }
  return cs.edit(ref, { start: text.length, end: text.length, text: `${text.endsWith('\n') || text === '' ? '' : '\n'}${block}` }, ruleId);
}

/** Replaces `name=old` of one `<component>-arg` entry where it is written (a list item, or the unit's command line). */
function rewriteEntry(cs: ChangeSet, s: Setting, value: string, ruleId: string): boolean {
  const ref = cs.refAt(s.at);
  const text = cs.text(ref);
  if (text === undefined || s.at.line === undefined) return false;
  const { start, end } = lineRange(text, s.at.line);
  const line = text.slice(start, end);
  const match = new RegExp(`(^|[\\s"'=-])(${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[+-]?=)([^\\s"']*)`).exec(line);
  if (!match) {
    cs.skipped.push({ file: ref.file, message: `${s.name} not found on line ${s.at.line}` });
    return false;
  }
  const valueStart = start + match.index + match[1].length + match[2].length;
  return cs.edit(ref, { start: valueStart, end: valueStart + match[3].length, text: value }, ruleId);
}

/** Where the `<component>-arg` list is read from: the unit's command line when it gives one there, else the config file that holds it. */
function argList(cs: ChangeSet, component: Component, key: string): { onCommandLine: boolean; file?: string } {
  const host = cs.cluster.hosts.find((h) => h.name === component.host);
  const entries = host?.distribution?.settings.filter((s) => s.name === key) ?? [];
  const last = entries[entries.length - 1];
  if (!last) return { onCommandLine: false };
  if (last.origin === 'flag') return { onCommandLine: true, file: last.at.file };
  const prefix = host?.prefix ? `${host.prefix}/` : '';
  return { onCommandLine: false, file: `/${last.at.file.slice(prefix.length)}` };
}

/** The config file the node reads (`--config` / K3S_CONFIG_FILE move it). */
function configFileOf(cs: ChangeSet, component: Component, fallback: string): string {
  const host = cs.cluster.hosts.find((h) => h.name === component.host);
  const config = host?.distribution?.settings.filter((s) => s.name === 'config').pop()?.value;
  return config ? (config.startsWith('/') ? config : `/${config}`) : fallback;
}

/** Sets a flag of a distribution's component where the distribution reads it. */
export function setDistributionFlag(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  const layout = layoutOf(component);
  if (!layout) return kopsPlan(cs, component, flag, value, ruleId);
  const key = argKeyOf(component)!;
  const existing = setting(component, flag);
  if (existing?.sourceKey === key && existing.value === value) return true;
  if (existing?.sourceKey === key) return rewriteEntry(cs, existing, value, ruleId);
  const item = `${flag}=${value}`;
  const list = argList(cs, component, key);
  if (list.onCommandLine) {
    cs.addPlan({ title: `The unit on ${component.host} gives --${key} on its command line, which replaces config.yaml's list: add --${key}=${item} there`, commands: [`systemctl edit ${layout.units.server}   # ExecStart=… --${key}=${item}`, `systemctl restart ${layout.units.server}`] }, ruleId);
    return true;
  }
  const configPath = configFileOf(cs, component, layout.configFile);
  const done = list.file ? appendToList(cs, component, list.file, key, item, ruleId) : addKey(cs, component, configPath, key, item, ruleId);
  if (done) cs.addPlan({ title: `Restart ${layout.program} on ${component.host}: it reads ${list.file ?? configPath} when it starts`, commands: [`systemctl restart ${component.kind === 'kubelet' || component.kind === 'kube-proxy' ? `${layout.units.server} (or ${layout.units.agent} on an agent)` : layout.units.server}`] }, ruleId);
  return done;
}

/** Removes a flag of a distribution's component: its `<component>-arg` entry, or a plan when the distribution itself sets it. */
export function removeDistributionFlag(cs: ChangeSet, component: Component, s: Setting, ruleId: string): boolean {
  const layout = layoutOf(component);
  if (!layout) return kopsPlan(cs, component, s.name, undefined, ruleId);
  const key = argKeyOf(component);
  if (s.sourceKey !== key || s.at.line === undefined) {
    cs.addPlan({ title: `${layout.program} sets --${s.name} of ${component.kind} on ${component.host} itself; override it with a ${key} entry in ${layout.configFile}`, commands: [`# ${key}:\n#   - "${s.name}=<value>"`] }, ruleId);
    return true;
  }
  const ref = cs.refAt(s.at);
  const text = cs.text(ref);
  if (text === undefined) return false;
  const { start, end } = lineRange(text, s.at.line);
  const line = text.slice(start, end);
  if (/^\s*-\s/.test(line)) return cs.edit(ref, { start, end: Math.min(text.length, end + 1), text: '' }, ruleId);
  // On the unit's command line: drop the `--<key>=name=value` word.
  const word = new RegExp(`\\s*['"]?--${key}[= ]['"]?${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=[^\\s'"]*['"]?`).exec(line);
  if (!word) return false;
  return cs.edit(ref, { start: start + word.index, end: start + word.index + word[0].length, text: '' }, ruleId);
}

/** k3s encrypts Secrets when `secrets-encryption: true`; it writes and rotates the key itself. */
export function enableSecretsEncryption(cs: ChangeSet, component: Component, ruleId: string): boolean {
  const layout = layoutOf(component);
  if (!layout) return false;
  const ref = cs.ref(component.host, configFileOf(cs, component, layout.configFile));
  const text = cs.text(ref);
  if (text === undefined) {
    cs.create(ref, `# Written by kaudit fix: ${layout.program} reads this file when it starts.\nsecrets-encryption: true\n`, 0o600, false, ruleId);
  } else {
    const existing = /^secrets-encryption:\s*(\S+)\s*$/m.exec(text);
    const edit = existing
      ? { start: existing.index + existing[0].indexOf(existing[1]), end: existing.index + existing[0].indexOf(existing[1]) + existing[1].length, text: 'true' }
      : { start: text.length, end: text.length, text: `${text.endsWith('\n') || text === '' ? '' : '\n'}secrets-encryption: true\n` };
    if (!cs.edit(ref, edit, ruleId)) return false;
  }
  cs.addPlan({ title: `Restart ${layout.program} on every server, then re-encrypt the existing Secrets`, commands: [`systemctl restart ${layout.units.server}`, `${layout.program} secrets-encrypt status`, `${layout.program} secrets-encrypt reencrypt`] }, ruleId);
  return true;
}
