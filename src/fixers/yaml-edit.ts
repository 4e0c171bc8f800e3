/**
 * Edits of YAML by the source ranges the parser gives: the rest of the file — comments,
 * their spacing, key order, sequence indentation — stays byte for byte.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Node, type YAMLMap } from 'yaml';
import { lineRange, lineStarts, type TextEdit } from './text.js';

function keyOf(pair: { key: unknown }): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Plain YAML for a scalar: true/false/numbers as they are, strings quoted when they must be. */
export function yamlScalar(value: string): string {
  if (/^(true|false|\d+)$/.test(value)) return value;
  return /^[A-Za-z0-9_./:@-][A-Za-z0-9_./:@ -]*$/.test(value) && !/[:#]\s|:$/.test(value) ? value : JSON.stringify(value);
}

/** The column where a map's keys start. */
function indentOf(map: YAMLMap, text: string, counter: LineCounter): number | undefined {
  const first = map.items[0]?.key as Node | undefined;
  return first?.range ? counter.linePos(first.range[0]).col - 1 : undefined;
}

/**
 * Sets `path` (map keys) to a scalar in the first document: replaces the value when the
 * key exists, otherwise inserts the missing keys under the deepest existing map. Returns
 * undefined when the document cannot hold it (not a map, a flow collection on the way).
 */
export function setYamlPath(text: string, path: string[], value: string, docLine = 1): TextEdit | undefined {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  if (!Array.isArray(docs)) return undefined;
  // The document that holds the line (a multi-document file has several).
  const doc = [...docs].reverse().find((d) => d.contents?.range && counter.linePos(d.contents.range[0]).line <= docLine) ?? docs[0];
  if (!doc || doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  let map = doc.contents as YAMLMap;
  let depth = 0;
  let parentIndent = -2;
  for (; depth < path.length; depth++) {
    const pair = map.items.find((p) => keyOf(p) === path[depth]);
    if (!pair) break;
    if (depth === path.length - 1) {
      const node = pair.value as Node | null;
      if (!node || !isScalar(node) || !node.range) return undefined;
      return { start: node.range[0], end: node.range[1], text: yamlScalar(value) };
    }
    if (!isMap(pair.value) || (pair.value as YAMLMap).flow) return undefined;
    parentIndent = indentOf(map, text, counter) ?? parentIndent + 2;
    map = pair.value as YAMLMap;
  }
  const indent = indentOf(map, text, counter) ?? parentIndent + 2;
  const lines = path.slice(depth).map((key, i) => `${' '.repeat(indent + 2 * i)}${key}:${i === path.length - depth - 1 ? ` ${yamlScalar(value)}` : ''}`);
  // Insert after the last line of the map: after its last item's value.
  const last = map.items[map.items.length - 1];
  const lastNode = (last?.value ?? last?.key) as Node | undefined;
  if (!lastNode?.range) {
    return { start: text.length, end: text.length, text: `${text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n` };
  }
  const endOffset = Math.max(lastNode.range[1] - 1, lastNode.range[0]);
  const endLine = counter.linePos(endOffset).line;
  const { end } = lineRange(text, endLine, lineStarts(text));
  return { start: end, end, text: `\n${lines.join('\n')}` };
}

/** The [start, end) of a map key's value node in the first document, by path; undefined when absent. */
export function yamlValueRange(text: string, path: Array<string | number>): { start: number; end: number; node: Node } | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  let node: unknown = doc.contents;
  for (const part of path) {
    if (isMap(node)) node = (node as YAMLMap).items.find((p) => keyOf(p) === String(part))?.value;
    else if (isSeq(node)) node = node.items[Number(part)];
    else return undefined;
  }
  const n = node as Node | undefined;
  return n?.range ? { start: n.range[0], end: n.range[1], node: n } : undefined;
}
