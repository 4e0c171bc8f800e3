import path from 'node:path';
import { createRequire } from 'node:module';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { HostFS } from '../collectors/hostfs.js';
import { linesByPath } from '../collectors/yaml-source.js';
import { ReadRefused, pathExists, readPackageFile, readTreeFile, readUserFile } from '../io/read.js';
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
  /** The benchmark to apply (`cis`, `cis-1.12`…); --benchmark wins. */
  benchmark?: string;
}

interface RawConfig {
  rules?: Record<string, 'off' | 'on' | Level>;
  expiryWindow?: string | number;
  ignorePaths?: string[];
  ignores?: Array<{ rule: string; path?: string; host?: string; reason: string; expires?: string }>;
  benchmark?: string;
}

/** Config files found inside a scanned folder: read as the folder's other files, never through a link out of it. */
const inScannedFolder = new Map<string, { real: string; within: string }>();

/** --config, else .kaudit.yaml in the working directory, else in the first scanned folder. */
export function findConfig(explicit: string | undefined, paths: string[]): string | undefined {
  if (explicit) {
    if (!pathExists(explicit)) throw new UsageError(`--config ${explicit}: no such file`);
    return explicit;
  }
  if (pathExists(CONFIG_FILE)) return CONFIG_FILE;
  if (!paths[0]) return undefined;
  const folder = new HostFS(paths[0]);
  let resolved: { real: string } | undefined;
  try {
    resolved = folder.resolve(`/${CONFIG_FILE}`);
  } catch (error) {
    throw new UsageError(`${path.join(paths[0], CONFIG_FILE)}: ${(error as Error).message}`);
  }
  if (!resolved) return undefined;
  const file = path.join(paths[0], CONFIG_FILE);
  inScannedFolder.set(file, { real: resolved.real, within: folder.realRoot });
  return file;
}

function readConfigText(file: string): string {
  try {
    const inFolder = inScannedFolder.get(file);
    if (inFolder) return readTreeFile(inFolder.real, { kind: 'config', within: inFolder.within }).data.toString('utf8');
    return readUserFile(file, 'config').toString('utf8');
  } catch (error) {
    if (error instanceof ReadRefused) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

/** The line of a dotted path (`ignores.0.reason`), or of its nearest parent written in the file. */
function lineOf(lines: Map<string, number>, dottedPath: string): number {
  const segments = dottedPath ? dottedPath.split('.') : [];
  for (let length = segments.length; length >= 0; length--) {
    const line = lines.get(segments.slice(0, length).join('.'));
    if (line !== undefined) return line;
  }
  return 1;
}

/** An ajv instance path (`/rules/pki~1weak-key`) as a dotted path (`rules.pki/weak-key`). */
function dotted(instancePath: string): string {
  return instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

// ajv is loaded only when a config file exists: a scan without one does not pay for it.
let validator: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> | null };
function validate(data: unknown) {
  if (!validator) {
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv') as typeof import('ajv').default;
    const schema = JSON.parse(readPackageFile(new URL('../../schema/kaudit-config.schema.json', import.meta.url))) as object;
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
  const text = readConfigText(file);
  const lineCounter = new LineCounter();
  let data: RawConfig;
  let lines: Map<string, number>;
  try {
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      throw new UsageError(`${file}:${lineCounter.linePos(doc.errors[0].pos[0]).line}: YAML syntax error: ${doc.errors[0].message.split('\n')[0]}`);
    }
    data = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as RawConfig;
    lines = linesByPath(doc.contents as Node, lineCounter);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // An alias bomb, or nesting deeper than any config: said in one line, never a stack.
    throw new UsageError(`${file}: YAML cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  const errors = validate(data);
  if (errors.length > 0) {
    const [error] = errors;
    const where = dotted(error.instancePath);
    const key = error.params.additionalProperty ? [where, String(error.params.additionalProperty)].filter(Boolean).join('.') : where;
    throw new UsageError(`${file}:${lineOf(lines, key)}: ${where || 'the file'}: ${explain(error)}`);
  }
  const entryLine = (index: number) => lineOf(lines, `ignores.${index}`);
  for (const [pattern] of Object.entries(data.rules ?? {})) {
    if (rulesMatching(pattern).length === 0) throw new UsageError(`${file}:${lineOf(lines, `rules.${pattern}`)}: rules: no kaudit rule "${pattern}" (see kaudit rules)`);
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
    ...(data.benchmark ? { benchmark: data.benchmark } : {}),
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
