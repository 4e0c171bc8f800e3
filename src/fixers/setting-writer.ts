/**
 * Writes a setting where the component reads it, as the collector resolves it
 * (src/collectors/config-files.ts), so the next scan finds it in force:
 * - where it is written already: the flag, the env variable, or the field of the config
 *   file or kubelet drop-in that holds it (the kubelet's flag beats its files);
 * - else the config file the component reads: etcd's --config-file (it ignores every
 *   other flag then), kube-proxy's --config (its flags bound to the configuration are
 *   ignored), the kubelet's --config (for the settings a KubeletConfiguration holds);
 * - else its command line (flags.ts).
 * List fields (tlsCipherSuites) are written as YAML lists, never as one string.
 */
import type { ChangeSet, FileRef } from './changeset.js';
import { settingEffect } from './effects.js';
import { setFlag } from './flags.js';
import type { TextEdit } from './text.js';
import { setYamlPath, yamlScalar, yamlValueRange } from './yaml-edit.js';
import { KUBELET_COLLECTION_FIELDS, KUBELET_FIELDS, KUBE_PROXY_FIELDS } from '../collectors/config-files.js';
import { setting } from '../model/cluster.js';
import type { Component, SourceLocation } from '../model/types.js';

/** etcd's TLS settings sit in two sections of its config file (etcd.conf.yml); the rest are top-level keys named as the flags. */
const ETCD_TLS_KEYS = new Set(['cert-file', 'key-file', 'client-cert-auth', 'trusted-ca-file', 'auto-tls', 'crl-file', 'allowed-cn', 'allowed-hostname']);

function etcdConfigPath(flag: string): string[] {
  if (flag.startsWith('peer-') && ETCD_TLS_KEYS.has(flag.slice(5))) return ['peer-transport-security', flag.slice(5)];
  if (ETCD_TLS_KEYS.has(flag)) return ['client-transport-security', flag];
  return [flag];
}

const reverse = (fields: Record<string, string>) => new Map(Object.entries(fields).map(([field, flag]) => [flag, field]));
const KUBELET_FIELD = reverse({ ...KUBELET_FIELDS, ...KUBELET_COLLECTION_FIELDS });
const KUBE_PROXY_FIELD = reverse(KUBE_PROXY_FIELDS);
/** Config fields that hold a list: the flag's comma-separated value becomes a YAML list. */
const LIST_FIELDS = new Set(['tlsCipherSuites', 'clusterDNS']);

/** The config file a component reads instead of (or besides) its flags, and the field of a setting in it. */
export function configFieldOf(component: Component, flag: string): { hostPath: string; path: string[] } | 'ignored' | undefined {
  const read = (name: string) => component.configSources?.find((s) => s.setting === name && s.state === 'read');
  if (component.kind === 'etcd') {
    const source = read('config-file');
    return source ? { hostPath: source.hostPath, path: etcdConfigPath(flag) } : undefined;
  }
  if (component.kind === 'kube-proxy') {
    const source = read('config');
    if (!source) return undefined;
    const field = KUBE_PROXY_FIELD.get(flag);
    // A flag that has no field of KubeProxyConfiguration is ignored beside --config.
    return field ? { hostPath: source.hostPath, path: field.split('.') } : 'ignored';
  }
  if (component.kind === 'kubelet') {
    const source = read('config');
    const field = KUBELET_FIELD.get(flag);
    return source && field ? { hostPath: source.hostPath, path: field.split('.') } : undefined;
  }
  return undefined;
}

function indentOfLine(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function listLines(items: string[], indent: string): string {
  return items.map((item) => `\n${indent}- ${yamlScalar(item)}`).join('');
}

/** Replaces the value of an existing key with a block list, keeping the key and what follows. */
function replaceWithList(text: string, path: string[], items: string[]): TextEdit | undefined {
  const range = yamlValueRange(text, path);
  if (!range) return undefined;
  const colon = text.lastIndexOf(':', range.start - 1);
  if (colon < 0) return undefined;
  const end = text[range.end - 1] === '\n' ? range.end - 1 : range.end;
  // A block list keeps its indentation; a scalar or flow list is replaced by a compact block list under its key.
  const startsOwnLine = text.slice(colon + 1, range.start).includes('\n');
  const indent = startsOwnLine ? indentOfLine(text, range.start) : indentOfLine(text, colon);
  return { start: colon + 1, end, text: listLines(items, indent) };
}

/** Inserts a missing key holding a block list (setYamlPath places the key; the list replaces its placeholder). */
function insertList(text: string, path: string[], items: string[]): TextEdit | undefined {
  const placeholder = 'kaudit-list-placeholder';
  const edit = setYamlPath(text, path, placeholder);
  if (!edit) return undefined;
  const at = edit.text.lastIndexOf(`: ${placeholder}`);
  const lineStart = edit.text.lastIndexOf('\n', at) + 1;
  const indent = /^[ \t]*/.exec(edit.text.slice(lineStart))![0];
  return { ...edit, text: `${edit.text.slice(0, at)}:${listLines(items, indent)}${edit.text.slice(at + placeholder.length + 2)}` };
}

function yamlEdit(text: string, path: string[], value: string): TextEdit | undefined {
  if (!LIST_FIELDS.has(path[path.length - 1])) return setYamlPath(text, path, value);
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  return yamlValueRange(text, path) ? replaceWithList(text, path, items) : insertList(text, path, items);
}

/** Sets a field of a YAML config file (kubelet, etcd, kube-proxy). */
function setConfigField(cs: ChangeSet, ref: FileRef, path: string[], value: string, ruleId: string): boolean {
  const text = cs.text(ref);
  const edit = text === undefined ? undefined : yamlEdit(text, path, value);
  if (!edit) {
    cs.skipped.push({ file: ref.file, message: `cannot place ${path.join('.')} in it` });
    return false;
  }
  return cs.edit(ref, edit, ruleId);
}

/** Whether a file is one of the config files the component reads (kubelet config and drop-ins, etcd's, kube-proxy's). */
function readsConfigFile(cs: ChangeSet, component: Component, at: SourceLocation): boolean {
  const real = cs.refAt(at).real;
  return component.configSources?.some((s) => s.state === 'read' && cs.ref(component.host, s.hostPath).real === real) ?? false;
}

/**
 * Sets a setting of a component where the component reads it. False when it cannot be
 * written (the caller plans it): a file that cannot be parsed, a layout without a place
 * for flags. A flag kube-proxy would ignore beside --config is planned here.
 */
export function writeSetting(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  const written = setting(component, flag);
  if (written?.origin === 'config-file' && written.sourceKey && readsConfigFile(cs, component, written.at)) {
    return written.value === value || setConfigField(cs, cs.refAt(written.at), written.sourceKey.split('.'), value, ruleId);
  }
  if (written) return setFlag(cs, component, flag, value, ruleId);
  const field = configFieldOf(component, flag);
  if (field === 'ignored') {
    const config = component.configSources?.find((c) => c.state === 'read')?.hostPath;
    cs.addPlan({ title: `Set ${flag} in the config file ${config} of ${component.kind} on ${component.host}: beside --config the flag would be ignored, and kaudit knows no field for it`, commands: [`# --${flag}=${value}`] }, ruleId);
    return true;
  }
  if (field) return setConfigField(cs, cs.ref(component.host, field.hostPath), field.path, value, ruleId);
  return setFlag(cs, component, flag, value, ruleId);
}

/** Runs a fix and returns the files whose edits it added to (for side effects said beside those changes). */
export function changedBy(cs: ChangeSet, fix: () => unknown): FileRef[] {
  const from = cs.edited.length;
  fix();
  return [...new Map(cs.edited.slice(from).map((ref) => [ref.real, ref])).values()];
}

/** writeSetting, with what the new value sets off said beside the files it changed. */
export function writeSettingWithEffects(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  let done = false;
  const refs = changedBy(cs, () => {
    done = writeSetting(cs, component, flag, value, ruleId);
  });
  const effect = settingEffect(component, flag, value);
  if (effect) for (const ref of refs) cs.sideEffect(ref, effect);
  return done;
}
