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
