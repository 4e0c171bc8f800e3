/**
 * Flag edits in every home a setting can live in — a static pod's command list, a
 * systemd unit's ExecStart (continuation layout kept), an env file, a KubeletConfiguration
 * — by editing the text of the one line concerned.
 */
import type { ChangeSet, FileRef } from './changeset.js';
import { lineRange, lineStarts } from './text.js';
import { setYamlPath } from './yaml-edit.js';
import { KUBELET_FIELDS } from '../collectors/config-files.js';
import { setDistributionFlag } from './distribution-args.js';
import { setting } from '../model/cluster.js';
import type { Component, Setting, SourceLocation } from '../model/types.js';

interface Token {
  /** Offsets within the line. */
  start: number;
  end: number;
  nameEnd: number;
  form: 'equals' | 'space' | 'bare';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds `--flag`, `--flag=value` or `--flag value` in one line of text. */
export function findFlagToken(line: string, flag: string): Token | undefined {
  const match = new RegExp(`(^|[\\s"'=])(--?${escapeRegExp(flag)})(?=$|[\\s"'=\\\\])`).exec(line);
  if (!match) return undefined;
  const start = match.index + match[1].length;
  const nameEnd = start + match[2].length;
  if (line[nameEnd] === '=') {
    let end = nameEnd + 1;
    const quote = line[end] === '"' || line[end] === "'" ? line[end] : undefined;
    if (quote) end = line.indexOf(quote, end + 1) + 1 || line.length;
    else while (end < line.length && !/[\s"']/.test(line[end])) end++;
    return { start, end, nameEnd, form: 'equals' };
  }
  const rest = /^(\s+)([^\s\\-][^\s]*)/.exec(line.slice(nameEnd));
  if (rest && !rest[2].startsWith('$')) return { start, end: nameEnd + rest[0].length, nameEnd, form: 'space' };
  return { start, end: nameEnd, nameEnd, form: 'bare' };
}

function quoteIfNeeded(value: string): string {
  return /[\s"'$\\]/.test(value) ? `'${value.replace(/'/g, '')}'` : value;
}

/** Replaces the value of a setting where it is written. */
function rewriteSetting(cs: ChangeSet, s: Setting, value: string, ruleId: string): boolean {
  const ref = cs.refAt(s.at);
  const text = cs.text(ref);
  if (text === undefined || s.at.line === undefined) return false;
  const { start: lineStart, end: lineEnd } = lineRange(text, s.at.line);
  const line = text.slice(lineStart, lineEnd);
  if (s.origin === 'flag') {
    const token = findFlagToken(line, s.name);
    if (!token) return skip(cs, ref, `--${s.name} not found on line ${s.at.line}`);
    const name = line.slice(token.start, token.nameEnd);
    const next = token.form === 'space' ? `${name} ${quoteIfNeeded(value)}` : `${name}=${quoteIfNeeded(value)}`;
    return cs.edit(ref, { start: lineStart + token.start, end: lineStart + token.end, text: next }, ruleId);
  }
  // KEY=value (env files) or key: value (config files): replace what follows the separator.
  const separator = s.origin === 'env' ? /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=)(.*)$/ : /^(\s*[^:#]+:\s*)(.*?)(\s*#.*)?$/;
  const match = separator.exec(line);
  if (!match) return skip(cs, ref, `cannot find the value of ${s.sourceKey ?? s.name} on line ${s.at.line}`);
  return cs.edit(ref, { start: lineStart + match[1].length, end: lineStart + match[1].length + match[2].length, text: value }, ruleId);
}

function skip(cs: ChangeSet, ref: FileRef, message: string): false {
  cs.skipped.push({ file: ref.file, message });
  return false;
}

/** The last line where the component's own flags are written in a file of its own (not env files). */
function lastFlagLine(component: Component): SourceLocation | undefined {
  const file = component.flagsAt?.file ?? component.definedAt.file;
  const inFile = component.settings.filter((s) => s.origin === 'flag' && s.at.file === file && s.at.line !== undefined);
  const last = inFile.reduce<Setting | undefined>((a, b) => (!a || (b.at.line ?? 0) > (a.at.line ?? 0) ? b : a), undefined);
  return last?.at ?? component.flagsAt;
}

function addToStaticPod(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  const anchor = lastFlagLine(component);
  if (!anchor?.line) return false;
  const ref = cs.refAt(anchor);
  const text = cs.text(ref);
  if (text === undefined) return false;
  const starts = lineStarts(text);
  // Anchored on `command:` when no flag is written yet: the binary is the item after it.
  const anchorLine = component.settings.some((s) => s.origin === 'flag' && s.at.file === anchor.file) ? anchor.line : anchor.line + 1;
  const { end } = lineRange(text, anchorLine, starts);
  const line = text.slice(starts[anchorLine - 1], end);
  const item = /^(\s*-\s+)(["']?)/.exec(line);
  if (!item) return skip(cs, ref, `unexpected layout at line ${anchorLine}`);
  return cs.edit(ref, { start: end, end, text: `\n${item[1]}${item[2]}--${flag}=${value}${item[2]}` }, ruleId);
}

function addToUnit(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  const anchor = lastFlagLine(component);
  if (!anchor?.line) return false;
  const ref = cs.refAt(anchor);
  const text = cs.text(ref);
  if (text === undefined) return false;
  const { start, end } = lineRange(text, anchor.line);
  const line = text.slice(start, end);
  const continued = /\s\\\s*$/.exec(line);
  const isExecStartLine = /^\s*ExecStart=/.test(line);
  if (isExecStartLine && !continued) return cs.edit(ref, { start: end, end, text: ` --${flag}=${quoteIfNeeded(value)}` }, ruleId);
  const indent = isExecStartLine ? '  ' : /^\s*/.exec(line)![0];
  if (continued) return cs.edit(ref, { start: end, end, text: `\n${indent}--${flag}=${quoteIfNeeded(value)} \\` }, ruleId);
  // The last line of the command: continue it, keeping the layout of the lines above.
  return cs.edit(ref, { start: end, end, text: ` \\\n${indent}--${flag}=${quoteIfNeeded(value)}` }, ruleId);
}

function addToEnvFile(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  const ref = cs.refAt(component.definedAt);
  const text = cs.text(ref);
  if (text === undefined) return false;
  const variable = `ETCD_${flag.toUpperCase().replace(/-/g, '_')}=${value}\n`;
  return cs.edit(ref, { start: text.length, end: text.length, text: text.endsWith('\n') || text === '' ? variable : `\n${variable}` }, ruleId);
}

const KUBELET_CONFIG_OF_FLAG = new Map(Object.entries(KUBELET_FIELDS).map(([field, flag]) => [flag, field]));

/** Sets a flag to a value: where it is written, or where the component's settings belong. */
export function setFlag(cs: ChangeSet, component: Component, flag: string, value: string, ruleId: string): boolean {
  if (component.source === 'distribution') return setDistributionFlag(cs, component, flag, value, ruleId);
  const existing = setting(component, flag);
  if (existing) return existing.value === value || rewriteSetting(cs, existing, value, ruleId);
  const configField = component.kind === 'kubelet' ? KUBELET_CONFIG_OF_FLAG.get(flag) : undefined;
  const configFile = setting(component, 'config');
  if (configField && configFile) {
    const ref = cs.ref(component.host, configFile.value);
    const text = cs.text(ref);
    if (text === undefined) return skip(cs, ref, 'kubelet config file cannot be read');
    const edit = setYamlPath(text, configField.split('.'), value);
    return edit ? cs.edit(ref, edit, ruleId) : skip(cs, ref, `cannot place ${configField}`);
  }
  if (component.source === 'static-pod') return addToStaticPod(cs, component, flag, value, ruleId);
  if (component.source === 'systemd') return addToUnit(cs, component, flag, value, ruleId);
  if (component.source === 'env-file' && component.kind === 'etcd') return addToEnvFile(cs, component, flag, value, ruleId);
  return false;
}

/** Removes a flag where it is written (the list item, the token, the variable), or renames it. */
export function removeFlag(cs: ChangeSet, s: Setting, ruleId: string, renameTo?: string): boolean {
  const ref = cs.refAt(s.at);
  const text = cs.text(ref);
  if (text === undefined || s.at.line === undefined) return false;
  const starts = lineStarts(text);
  const { start: lineStart, end: lineEnd } = lineRange(text, s.at.line, starts);
  const line = text.slice(lineStart, lineEnd);
  if (s.origin !== 'flag') return cs.edit(ref, wholeLine(text, lineStart, lineEnd), ruleId);
  const token = findFlagToken(line, s.name);
  if (!token) return skip(cs, ref, `--${s.name} not found on line ${s.at.line}`);
  if (renameTo) {
    const dashes = line.slice(token.start, token.nameEnd).startsWith('--') ? '--' : '-';
    return cs.edit(ref, { start: lineStart + token.start, end: lineStart + token.nameEnd, text: `${dashes}${renameTo}` }, ruleId);
  }
  const remaining = (line.slice(0, token.start) + line.slice(token.end)).replace(/^\s*-\s+["']?["']?\s*$/, '');
  const onlyContinuation = /^\s*\\?\s*$/.test(remaining);
  if (!onlyContinuation) {
    // Other words stay on the line: take the token and one space beside it (before it, or else after it).
    const before = line[token.start - 1] === ' ' ? 1 : 0;
    const after = before === 0 && line[token.end] === ' ' ? 1 : 0;
    return cs.edit(ref, { start: lineStart + token.start - before, end: lineStart + token.end + after, text: '' }, ruleId);
  }
  if (/\.(service|conf)$/.test(ref.file)) {
    // Lines of a unit's continued ExecStart are removed together at the end of the run.
    const entry = cs.continuationRemovals.get(ref.real) ?? { ref, lines: new Set<number>(), ruleId };
    entry.lines.add(s.at.line);
    cs.continuationRemovals.set(ref.real, entry);
    return true;
  }
  return cs.edit(ref, wholeLine(text, lineStart, lineEnd), ruleId);
}

/**
 * A line's removal: with the newline before it, so that a flag added after it in the same
 * run (inserted at the end of that line) does not overlap the removal.
 */
function wholeLine(text: string, lineStart: number, lineEnd: number): { start: number; end: number; text: string } {
  return lineStart > 0 ? { start: lineStart - 1, end: lineEnd, text: '' } : { start: 0, end: Math.min(text.length, lineEnd + 1), text: '' };
}

/**
 * Removes the collected lines of continued commands: each run of removed lines goes, and
 * when a run ends the command, the line before it stops continuing (its ` \` goes too).
 */
export function applyContinuationRemovals(cs: ChangeSet): void {
  for (const { ref, lines, ruleId } of cs.continuationRemovals.values()) {
    const text = cs.text(ref);
    if (text === undefined) continue;
    const starts = lineStarts(text);
    const sorted = [...lines].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      const first = sorted[i];
      const last = sorted[j];
      const lastRange = lineRange(text, last, starts);
      const endsCommand = !/\\\s*$/.test(text.slice(lastRange.start, lastRange.end));
      const previous = first > 1 ? lineRange(text, first - 1, starts) : undefined;
      const backslash = previous ? /\s*\\\s*$/.exec(text.slice(previous.start, previous.end)) : null;
      if (endsCommand && previous && backslash) cs.edit(ref, { start: previous.start + backslash.index, end: lastRange.end, text: '' }, ruleId);
      else cs.edit(ref, { start: starts[first - 1], end: Math.min(text.length, lastRange.end + 1), text: '' }, ruleId);
      i = j + 1;
    }
  }
}
