import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';

/** One YAML document: its plain data and the line of every node by dotted path. */
export interface YamlDocument {
  data: unknown;
  /** `spec.containers.0.command.2` → line (1-based). */
  lines: Map<string, number>;
  /** Line of the document's first node. */
  line: number;
  /** Line of its last character. */
  endLine: number;
}

export class YamlError extends Error {}

/** Aliases per document: enough for any real config, far too few for a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;
/** Documents per file: a large addon bundle has a few hundred. */
export const MAX_DOCUMENTS = 2000;
/** Nesting of flow collections (`[[[…]]]`): real configs stay under 30; the parser's stack does not survive thousands. */
const MAX_FLOW_DEPTH = 256;
/** Indentation of a line in columns: block nesting deep enough to exhaust the parser's stack needs far more. */
const MAX_INDENT = 2048;

/**
 * Refuses, before parsing, what would make the YAML parser run out of stack or memory:
 * too many documents, flow collections nested too deep, lines indented absurdly far.
 * One linear pass; quotes and comments are skipped roughly, which is enough for a bound.
 */
function checkBounds(text: string): void {
  let documents = 1;
  let depth = 0;
  let maxDepth = 0;
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      lineStart = true;
      indent = 0;
      if (quote === "'") continue;
      quote = quote === '"' ? quote : '';
      if (text.startsWith('---', i + 1) && (i + 4 >= text.length || /\s/.test(text[i + 4]))) {
        if (++documents > MAX_DOCUMENTS) throw new YamlError(`more than ${MAX_DOCUMENTS} YAML documents in one file; skipped`);
      }
      continue;
    }
    if (lineStart) {
      if (ch === ' ') {
        if (++indent > MAX_INDENT) throw new YamlError(`a line indented more than ${MAX_INDENT} columns; skipped`);
        continue;
      }
      lineStart = false;
    }
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else if (ch === '[' || ch === '{') {
      if (++depth > maxDepth) maxDepth = depth;
      if (depth > MAX_FLOW_DEPTH) throw new YamlError(`collections nested more than ${MAX_FLOW_DEPTH} deep; skipped`);
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
}

function recordLines(node: Node | null | undefined, prefix: string, lines: Map<string, number>, lc: LineCounter): void {
  if (!node) return;
  if (node.range) lines.set(prefix, lc.linePos(node.range[0]).line);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = prefix ? `${prefix}.${key}` : key;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) lines.set(path, lc.linePos(keyNode.range[0]).line);
      if (pair.value && (isMap(pair.value) || isSeq(pair.value))) {
        const saved = lines.get(path);
        recordLines(pair.value as Node, path, lines, lc);
        if (saved !== undefined) lines.set(path, saved); // a key's line is where the key is written
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => recordLines(item as Node, prefix ? `${prefix}.${index}` : String(index), lines, lc));
  }
}

/** The line of every node of a parsed document by dotted path (`ignores.0.reason`; '' for the root). */
export function linesByPath(root: Node | null, lineCounter: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  recordLines(root, '', lines, lineCounter);
  return lines;
}

/**
 * Parses every document of a YAML (or JSON) text. Throws YamlError with the first
 * syntax error's line, or when aliases expand beyond reason.
 */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const known = parsedTexts.get(text);
  if (known instanceof YamlError) throw known;
  if (known) return known;
  let parsed: YamlDocument[] | YamlError;
  try {
    parsed = parseUncached(text);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    parsed = error;
  }
  if (text.length <= MAX_REMEMBERED_TEXT) {
    if (rememberedLength + text.length > MAX_REMEMBERED_LENGTH) {
      parsedTexts.clear();
      rememberedLength = 0;
    }
    parsedTexts.set(text, parsed);
    rememberedLength += text.length;
  }
  if (parsed instanceof YamlError) throw parsed;
  return parsed;
}

/**
 * Texts parsed in this thread, by their whole text: the nodes of a cluster hold the same
 * kubelet configuration, kubeconfigs and manifests, and each is parsed once. The documents
 * are shared, so nothing may change them (nothing does: the model only reads them). Bounded,
 * so memory follows the distinct small files, not the files read.
 */
const parsedTexts = new Map<string, YamlDocument[] | YamlError>();
/** Texts larger than this are rarely shared (a big manifest) and are not remembered. */
const MAX_REMEMBERED_TEXT = 64 * 1024;
/** The characters remembered at most (their documents take a few times more): then it starts again. */
const MAX_REMEMBERED_LENGTH = 8 * 1024 * 1024;
let rememberedLength = 0;

function parseUncached(text: string): YamlDocument[] {
  checkBounds(text);
  try {
    return parseChecked(text);
  } catch (error) {
    if (error instanceof YamlError) throw error;
    // The parser's own limits (its stack): one line, never a crash.
    throw new YamlError(`YAML cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
}

function parseChecked(text: string): YamlDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const out: YamlDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = lineCounter.linePos(error.pos[0]).line;
      throw new YamlError(`YAML syntax error at line ${line}: ${error.message.split('\n')[0]}`);
    }
    if (doc.contents === null) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new YamlError(`YAML cannot be expanded: ${(error as Error).message.split('\n')[0]}`);
    }
    const lines = linesByPath(doc.contents as Node, lineCounter);
    const contents = doc.contents as Node;
    const endLine = contents.range ? lineCounter.linePos(Math.max(contents.range[0], contents.range[1] - 1)).line : (lines.get('') ?? 1);
    out.push({ data, lines, line: lines.get('') ?? 1, endLine });
  }
  return out;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
