/**
 * The options of a k3s or RKE2 node, merged as the binary merges them
 * (k3s-io/k3s pkg/configfilearg/parser.go, docs.k3s.io/installation/configuration):
 *   environment variables (K3S_TOKEN…) < config.yaml < config.yaml.d/*.yaml in name order
 *   (a later file's key replaces the earlier value; `key+:` appends to it) < the unit's
 *   command line (whose repeatable flags replace the whole list of the files).
 * Each value keeps where it is written; secret values are marked.
 */
import { isSecretSetting, hasUrlPassword } from '../model/secrets.js';
import type { SourceLocation } from '../model/types.js';
import { asArray, asRecord, type YamlDocument } from './yaml-source.js';

export interface OptionValue {
  text: string;
  at: SourceLocation;
}

export interface OptionEntry {
  name: string;
  /** A scalar gives one value; a list (or appended scalars) several. */
  values: OptionValue[];
  /** Where the key is written last (the file and line a change of it belongs to). */
  at: SourceLocation;
  /** Where it comes from: a config file, the unit's command line, or an environment variable. */
  from: 'config-file' | 'flag' | 'env';
  /** Written as a YAML list (or appended to): a repeatable option. */
  list: boolean;
  secret: boolean;
  /** The config file that holds it, when it comes from one (host path). */
  file?: string;
}

export type RancherOptions = Map<string, OptionEntry>;

/** One config file, parsed: its first document, and how to locate a line of it. */
export interface ConfigFile {
  hostPath: string;
  doc: YamlDocument | undefined;
  at(line: number | undefined): SourceLocation;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isSecret(name: string, values: OptionValue[]): boolean {
  return values.some((v) => isSecretSetting(name, v.text) || hasUrlPassword(v.text));
}

/** The values of one key of a config file: each list item at its own line. */
function valuesOf(file: ConfigFile, key: string, value: unknown): { values: OptionValue[]; list: boolean } {
  const doc = file.doc!;
  if (Array.isArray(value)) {
    return { values: asArray(value).map((item, i) => ({ text: scalarText(item), at: file.at(doc.lines.get(`${key}.${i}`) ?? doc.lines.get(key)) })), list: true };
  }
  const text = scalarText(value);
  // An empty scalar appended is nothing (k3s's toSlice drops it); set alone it is an empty value.
  return { values: [{ text, at: file.at(doc.lines.get(key)) }], list: false };
}

/** Merges config.yaml and its drop-ins (already in name order) as k3s does. */
export function mergeConfigFiles(files: ConfigFile[], options: RancherOptions = new Map()): RancherOptions {
  for (const file of files) {
    const data = asRecord(file.doc?.data);
    if (!data) continue;
    for (const [rawKey, value] of Object.entries(data)) {
      const append = rawKey.endsWith('+');
      const name = append ? rawKey.slice(0, -1) : rawKey;
      const { values, list } = valuesOf(file, rawKey, value);
      const old = options.get(name);
      const at = file.at(file.doc!.lines.get(rawKey));
      const kept = append && old ? [...old.values, ...values.filter((v) => v.text !== '' || list)] : values;
      options.set(name, { name, values: kept, at, from: 'config-file', list: list || (append && !!old), secret: isSecret(name, kept), file: file.hostPath });
    }
  }
  return options;
}

/**
 * Lays the unit's command-line flags over the merged config: a flag given on the command
 * line replaces the config's value, the whole list for a repeatable one.
 */
export function applyCommandLine(options: RancherOptions, flags: Array<{ name: string; value: string; at: SourceLocation }>): RancherOptions {
  const byName = new Map<string, OptionValue[]>();
  for (const flag of flags) byName.set(flag.name, [...(byName.get(flag.name) ?? []), { text: flag.value, at: flag.at }]);
  for (const [name, values] of byName) {
    const list = values.length > 1 || (options.get(name)?.list ?? false);
    options.set(name, { name, values, at: values[values.length - 1].at, from: 'flag', list, secret: isSecret(name, values) });
  }
  return options;
}

/** Environment variables the binary reads in place of flags that neither the files nor the command line set. */
const SPECIAL_VARIABLES: Record<string, string> = {
  URL: 'server',
  KUBECONFIG_MODE: 'write-kubeconfig-mode',
  KUBECONFIG_OUTPUT: 'write-kubeconfig',
  CONFIG_FILE: 'config',
};

/** `K3S_DATASTORE_ENDPOINT` → `datastore-endpoint` (urfave/cli's EnvVar names of k3s's flags). */
export function optionOfVariable(variable: string, prefix: string): string | undefined {
  if (!variable.startsWith(prefix)) return undefined;
  const rest = variable.slice(prefix.length);
  if (!/^[A-Z0-9_]+$/.test(rest)) return undefined;
  return SPECIAL_VARIABLES[rest] ?? rest.toLowerCase().replace(/_/g, '-');
}

/** Environment variables come first: the config files and the command line win over them. */
export function optionsFromEnvironment(env: Map<string, { value: string; at: SourceLocation }>, prefix: string): RancherOptions {
  const options: RancherOptions = new Map();
  for (const [variable, { value, at }] of env) {
    const name = optionOfVariable(variable, prefix);
    if (!name) continue;
    const values = [{ text: value, at }];
    options.set(name, { name, values, at, from: 'env', list: false, secret: isSecret(name, values) || isSecretSetting(variable, value) });
  }
  return options;
}

/** The last value of an option (a scalar's value), if set. */
export function optionValue(options: RancherOptions, name: string): OptionValue | undefined {
  const entry = options.get(name);
  return entry?.values[entry.values.length - 1];
}

/** Whether a boolean option is on (`cluster-init: true`, a bare `--cluster-init`). */
export function optionIsTrue(options: RancherOptions, name: string): boolean {
  return optionValue(options, name)?.text.toLowerCase() === 'true';
}
