import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { Level } from '../model/finding.js';
import { rulesMatching } from '../rules/index.js';
import { UsageError } from './errors.js';

export const CONFIG_FILE = '.kaudit.yaml';

/** One finding ignored by `.kaudit.yaml`, with its reason. */
export interface ConfigIgnore {
  rule: string;
  path?: string;
  host?: string;
  reason: string;
  /** From this day on the finding is reported again. */
  expires?: Date;
  /** Where the entry is written. */
  file: string;
  line: number;
}

export interface KauditConfig {
  file: string;
  /** Rule patterns turned off. */
  disabled: string[];
  /** Rule patterns given another level. */
  levels: Array<{ pattern: string; level: Level }>;
  expiryWindow?: string;
  ignorePaths: string[];
  ignores: ConfigIgnore[];
}

interface RawConfig {
  rules?: Record<string, 'off' | 'on' | Level>;
  expiryWindow?: string | number;
  ignorePaths?: string[];
  ignores?: Array<{ rule: string; path?: string; host?: string; reason: string; expires?: string }>;
}

/** --config, else .kaudit.yaml in the working directory, else in the first scanned folder. */
export function findConfig(explicit: string | undefined, paths: string[]): string | undefined {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new UsageError(`--config ${explicit}: no such file`);
    return explicit;
  }
  const candidates = [CONFIG_FILE, ...(paths[0] ? [path.join(paths[0], CONFIG_FILE)] : [])];
  return candidates.find((candidate) => fs.existsSync(candidate));
}

/** The line of the node at an ajv instance path (`/ignores/0/reason`), or of its nearest parent. */
function lineOf(root: Node | null, instancePath: string, lines: LineCounter): number {
  let node: Node | null = root;
  let line = node?.range ? lines.linePos(node.range[0]).line : 1;
  for (const key of instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      node = (pair?.value as Node | undefined) ?? null;
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) line = lines.linePos(keyNode.range[0]).line;
    } else if (isSeq(node)) {
      node = (node.items[Number(key)] as Node | undefined) ?? null;
      if (node?.range) line = lines.linePos(node.range[0]).line;
    } else break;
  }
  return line;
}

// ajv is loaded only when a config file exists: a scan without one does not pay for it.
let validator: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> | null };
function validate(data: unknown) {
  if (!validator) {
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv') as typeof import('ajv').default;
    const schema = JSON.parse(fs.readFileSync(new URL('../../schema/kaudit-config.schema.json', import.meta.url), 'utf8')) as object;
    validator = new Ajv({ allErrors: false, allowUnionTypes: true }).compile(schema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

function explain(error: { message?: string; params: Record<string, unknown> }): string {
  if (error.params.allowedValues) return `must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
  if (error.params.additionalProperty) return `unknown key "${String(error.params.additionalProperty)}" (expected one of the keys the schema lists)`;
  if (error.params.missingProperty) return `missing "${String(error.params.missingProperty)}"`;
  if (error.params.propertyName) return `"${String(error.params.propertyName)}" is not a rule ID or category (pki/weak-key, pki/*)`;
  if (error.params.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return 'must be a date (YYYY-MM-DD)';
  if (error.params.pattern === '^\\d+(\\.\\d+)?[dwh]?$') return 'must be a duration (30, 30d, 2w, 720h)';
  return error.message ?? 'is not valid';
}

/** Reads and validates a config file; a mistake is a usage error naming its line. */
export function loadConfig(file: string): KauditConfig {
  const text = fs.readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UsageError(`${file}:${lines.linePos(doc.errors[0].pos[0]).line}: YAML syntax error: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const data = (doc.toJS() ?? {}) as RawConfig;
  const errors = validate(data);
  if (errors.length > 0) {
    const [error] = errors;
    const key = error.params.additionalProperty ? `${error.instancePath}/${String(error.params.additionalProperty)}` : error.instancePath;
    const where = error.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).join('.') || 'the file';
    throw new UsageError(`${file}:${lineOf(doc.contents as Node, key, lines)}: ${where}: ${explain(error)}`);
  }
  const entryLine = (index: number) => lineOf(doc.contents as Node, `/ignores/${index}`, lines);
  for (const [pattern] of Object.entries(data.rules ?? {})) {
    if (rulesMatching(pattern).length === 0) throw new UsageError(`${file}:${lineOf(doc.contents as Node, `/rules/${pattern.replace(/~/g, '~0').replace(/\//g, '~1')}`, lines)}: rules: no kaudit rule "${pattern}" (see kaudit rules)`);
  }
  const ignores = (data.ignores ?? []).map((entry, index): ConfigIgnore => {
    if (rulesMatching(entry.rule).length === 0) throw new UsageError(`${file}:${entryLine(index)}: ignores.${index}.rule: no kaudit rule "${entry.rule}" (see kaudit rules)`);
    const expires = entry.expires ? new Date(`${entry.expires}T00:00:00Z`) : undefined;
    if (expires && Number.isNaN(expires.getTime())) throw new UsageError(`${file}:${entryLine(index)}: ignores.${index}.expires: "${entry.expires}" is not a date`);
    return { rule: entry.rule, reason: entry.reason, file, line: entryLine(index), ...(entry.path ? { path: entry.path } : {}), ...(entry.host ? { host: entry.host } : {}), ...(expires ? { expires } : {}) };
  });
  const rules = Object.entries(data.rules ?? {});
  return {
    file,
    disabled: rules.filter(([, value]) => value === 'off').map(([pattern]) => pattern),
    levels: rules.filter(([, value]) => value !== 'off' && value !== 'on').map(([pattern, level]) => ({ pattern, level: level as Level })),
    ...(data.expiryWindow !== undefined ? { expiryWindow: String(data.expiryWindow) } : {}),
    ignorePaths: data.ignorePaths ?? [],
    ignores,
  };
}

/** A glob (`*` within a path segment, `**` across them, `?` one character) as a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source.replace(/^\.\//, '')}$`);
}
