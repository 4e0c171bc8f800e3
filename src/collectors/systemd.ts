import { identifyCommand, parseFlags, splitWords, type Word } from './args.js';
import type { HostContext } from './context.js';
import { etcdFlagOfVariable, parseEnvFile, parseEnvironmentAssignments } from './envfile.js';
import { expandSpecifiers, templateOf, type UnitIdentity } from './specifiers.js';
import type { Component, Setting, SourceLocation } from '../model/types.js';
import { isSecretSetting } from '../model/secrets.js';

/**
 * Unit folders in systemd's order of precedence (systemd.unit(5), "Unit File Load Path");
 * /usr/local/lib is where RKE2's tarball installs its units, /lib is Debian's /usr/lib.
 */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export interface EnvVar {
  value: string;
  at: SourceLocation;
}

/** [Service] directives kept on the component: systemd's own sandboxing of the process (CIS 4.2.15 for v1.11). */
const KEPT_DIRECTIVES = new Set(['IPAddressDeny', 'IPAddressAllow']);

export interface UnitState {
  execStart?: Word[];
  directives: Setting[];
  environment: Map<string, EnvVar>;
  environmentFiles: Array<{ path: string; optional: boolean; at: SourceLocation }>;
}

/** One logical line of a unit: its key, value pieces and the line each piece is on. */
export interface Directive {
  section: string;
  key: string;
  pieces: Array<{ text: string; line: number }>;
}

export function directives(text: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      section = trimmed.slice(1, -1);
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    const pieces = [{ text: trimmed.slice(eq + 1), line: i + 1 }];
    // A trailing backslash continues the line; comment lines inside a continuation are skipped, as systemd does.
    let last = pieces[0];
    while (last.text.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      last.text = last.text.trimEnd().slice(0, -1);
      i++;
      const next = lines[i].trim();
      if (next.startsWith('#') || next.startsWith(';')) {
        last.text += '\\'; // still continued past the comment
        continue;
      }
      last = { text: lines[i], line: i + 1 };
      pieces.push(last);
    }
    out.push({ section, key: trimmed.slice(0, eq).trim(), pieces });
  }
  return out;
}

/**
 * Expands `${VAR}` (one word) and a bare `$VAR` word (split on whitespace), as systemd
 * does in ExecStart. Words from a variable are located where the variable is defined.
 */
export function expand(words: Word[], env: Map<string, EnvVar>): Word[] {
  const out: Word[] = [];
  for (const word of words) {
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word.text);
    if (bare) {
      const variable = env.get(bare[1]);
      if (variable) for (const text of splitWords(variable.value)) out.push({ text, at: variable.at });
      continue;
    }
    let at = word.at;
    const text = word.text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const variable = env.get(name);
      if (variable && word.text === `\${${name}}`) at = variable.at;
      return variable?.value ?? '';
    });
    out.push({ text, at });
  }
  return out;
}

function applyUnitFile(ctx: HostContext, hostPath: string, text: string, state: UnitState, unit: UnitIdentity): void {
  for (const d of directives(text)) {
    if (d.section !== 'Service') continue;
    for (const piece of d.pieces) piece.text = expandSpecifiers(piece.text, unit);
    const value = d.pieces.map((p) => p.text).join(' ').trim();
    if (d.key === 'ExecStart') {
      if (value === '') {
        state.execStart = undefined; // an empty ExecStart= resets the list, as in drop-ins
        continue;
      }
      const words: Word[] = [];
      for (const piece of d.pieces) {
        for (const text of splitWords(piece.text)) words.push({ text, at: ctx.at(hostPath, piece.line) });
      }
      if (words.length > 0) words[0].text = words[0].text.replace(/^[-@+!:]+/, '');
      state.execStart = words;
    } else if (d.key === 'Environment') {
      for (const [name, v] of parseEnvironmentAssignments(value)) state.environment.set(name, { value: v, at: ctx.at(hostPath, d.pieces[0].line) });
    } else if (KEPT_DIRECTIVES.has(d.key)) {
      state.directives.push({ name: d.key, value, origin: 'config-file', at: ctx.at(hostPath, d.pieces[0].line), sourceKey: d.key });
    } else if (d.key === 'EnvironmentFile') {
      const optional = value.startsWith('-');
      state.environmentFiles.push({ path: value.replace(/^-/, ''), optional, at: ctx.at(hostPath, d.pieces[0].line) });
    }
  }
}

/** Variables from EnvironmentFile= override those of Environment=, as systemd documents. */
export function loadEnvironmentFiles(ctx: HostContext, state: UnitState): void {
  for (const file of state.environmentFiles) {
    if (!ctx.fs.exists(file.path)) {
      if (!file.optional) ctx.warn(file.path, `EnvironmentFile named at ${file.at.file}:${file.at.line} is missing`);
      continue;
    }
    const text = ctx.readText(file.path);
    if (text === undefined) continue;
    for (const [name, v] of parseEnvFile(text)) state.environment.set(name, { value: v.value, at: ctx.at(file.path, v.line) });
  }
}

/**
 * The main unit file and its drop-ins, in the order systemd applies them. An instance
 * (`etcd@member-1.service`) is read from its template (`etcd@.service`) when it has no
 * file of its own; the template's drop-ins apply before the instance's.
 */
export function unitFiles(ctx: HostContext, unitName: string): string[] {
  const template = templateOf(unitName);
  const names = template ? [template, unitName] : [unitName];
  const main = UNIT_DIRS.map((dir) => `${dir}/${unitName}`).find((p) => ctx.fs.exists(p)) ?? (template ? UNIT_DIRS.map((dir) => `${dir}/${template}`).find((p) => ctx.fs.exists(p)) : undefined);
  if (!main) return [];
  const dropIns = new Map<string, string>();
  for (const name of names) {
    for (const dir of [...UNIT_DIRS].reverse()) {
      const folder = `${dir}/${name}.d`;
      for (const file of ctx.fs.list(folder)) if (file.endsWith('.conf')) dropIns.set(file, `${folder}/${file}`);
    }
  }
  const ordered = [...dropIns.keys()].sort().map((name) => dropIns.get(name)!);
  return [main, ...ordered];
}

/** The node's host name, for `%H`: its own /etc/hostname, else the host's folder name. */
function hostnameOf(ctx: HostContext): string {
  const text = ctx.fs.exists('/etc/hostname') ? ctx.readText('/etc/hostname') : undefined;
  return text?.trim().split('\n')[0] || ctx.host.name;
}

/** A unit as systemd would start it: its files, its ExecStart (variables expanded) and its environment. */
export interface UnitCommand {
  files: string[];
  /** The words of ExecStart, `$VAR`/`${VAR}` expanded, each located where it is written. */
  words: Word[];
  /** Where ExecStart is written (the line where a missing flag belongs). */
  execStartAt: SourceLocation;
  environment: Map<string, EnvVar>;
  /** [Service] directives that restrict the process (KEPT_DIRECTIVES), in file order. */
  directives: Setting[];
}

/** Reads a service unit, its drop-ins and environment files; undefined when it has no ExecStart. */
export function readUnit(ctx: HostContext, unitName: string): UnitCommand | undefined {
  const files = unitFiles(ctx, unitName);
  if (files.length === 0) return undefined;
  const state: UnitState = { environment: new Map(), environmentFiles: [], directives: [] };
  const unit: UnitIdentity = { name: unitName, hostname: hostnameOf(ctx) };
  for (const file of files) {
    const text = ctx.readText(file);
    if (text !== undefined) applyUnitFile(ctx, file, text, state, unit);
  }
  if (!state.execStart) return undefined;
  loadEnvironmentFiles(ctx, state);
  return { files, words: expand(state.execStart, state.environment), execStartAt: state.execStart[0].at, environment: state.environment, directives: state.directives };
}

/** Reads a service unit into a component, when its ExecStart starts one. */
export function componentFromUnit(ctx: HostContext, unitName: string): Component | undefined {
  const unit = readUnit(ctx, unitName);
  const command = unit && identifyCommand(unit.words);
  if (!unit || !command) return undefined;
  // Concatenated, not pushed with spread: a command line of 200,000 words must not overflow the stack.
  const settings: Setting[] = [...(command.kind === 'etcd' ? etcdEnvironmentSettings(unit.environment) : []), ...parseFlags(command.args)];
  return {
    kind: command.kind,
    host: ctx.host.name,
    source: 'systemd',
    definedAt: ctx.at(unit.files[0], 1),
    flagsAt: unit.execStartAt,
    binary: command.binary,
    settings,
    mounts: [],
    ...(unit.directives.length > 0 ? { serviceDirectives: unit.directives } : {}),
  };
}

/** etcd's ETCD_* variables, as settings; flags given on the command line come after and win. */
export function etcdEnvironmentSettings(env: Map<string, { value: string; at: SourceLocation }>): Setting[] {
  const settings: Setting[] = [];
  for (const [name, variable] of env) {
    const flag = etcdFlagOfVariable(name);
    if (flag) settings.push({ name: flag, value: variable.value, origin: 'env', at: variable.at, sourceKey: name, ...(isSecretSetting(name, variable.value) ? { secret: true } : {}) });
  }
  return settings;
}
