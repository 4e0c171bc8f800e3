/**
 * Edits of block sequences and maps in one document of a YAML file, by source ranges:
 * append an item to a list (a container, an env entry), add a key to a map, remove an
 * item. Everything else in the file stays byte for byte; new lines follow the indentation
 * the file already uses.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { lineRange, lineStarts, type TextEdit } from './text.js';

type Path = Array<string | number>;

interface Located {
  node: Node | null;
  /** The map pair holding the node (its key's column gives the indentation). */
  keyColumn?: number;
  keyEnd?: number;
}

class YamlFile {
  readonly counter = new LineCounter();
  readonly root: Node | null = null;
  readonly starts: number[];

  constructor(readonly text: string, docLine: number) {
    const docs = parseAllDocuments(text, { lineCounter: this.counter, uniqueKeys: false });
    if (Array.isArray(docs)) {
      const doc = [...docs].reverse().find((d) => d.contents?.range && this.counter.linePos(d.contents.range[0]).line <= docLine) ?? docs[0];
      if (doc && doc.errors.length === 0) this.root = doc.contents as Node | null;
    }
    this.starts = lineStarts(text);
  }

  column(offset: number): number {
    return this.counter.linePos(offset).col - 1;
  }

  lineOf(offset: number): number {
    return this.counter.linePos(offset).line;
  }

  /** The node at a path of map keys and list indexes, with the column of its key. */
  find(path: Path): Located | undefined {
    let located: Located = { node: this.root };
    for (const part of path) {
      const node = located.node;
      if (isMap(node)) {
        const pair = (node as YAMLMap).items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
        if (!pair) return undefined;
        const key = pair.key as Node;
        located = { node: (pair.value as Node | null) ?? null, ...(key.range ? { keyColumn: this.column(key.range[0]), keyEnd: key.range[1] } : {}) };
      } else if (isSeq(node)) {
        const item = (node as YAMLSeq).items[Number(part)] as Node | undefined;
        if (!item) return undefined;
        located = { node: item };
      } else return undefined;
    }
    return located;
  }

  /** The end offset of the last line a node covers (before its newline). */
  endOfNode(node: Node): number {
    const range = node.range!;
    return lineRange(this.text, this.lineOf(Math.max(range[1] - 1, range[0])), this.starts).end;
  }

  /** The column of the dash of a block sequence's items. */
  dashColumn(seq: YAMLSeq): number | undefined {
    const first = seq.items[0] as Node | undefined;
    if (!first?.range) return undefined;
    const { start } = lineRange(this.text, this.lineOf(first.range[0]), this.starts);
    const before = this.text.slice(start, first.range[0]);
    const dash = before.lastIndexOf('-');
    return dash < 0 ? undefined : dash;
  }
}

/** An item (YAML lines of a map, without indentation) written as a list item at a dash column. */
function renderItem(lines: string[], dash: number): string {
  return lines.map((line, i) => (i === 0 ? `${' '.repeat(dash)}- ${line}` : line === '' ? '' : `${' '.repeat(dash + 2)}${line}`)).join('\n');
}

/** How far a list's dashes sit right of its key in this file (`key:\n  - a` is 2, `key:\n- a` is 0). */
export function listIndentOf(text: string, docLine: number, samplePath: Path): number {
  const file = new YamlFile(text, docLine);
  const located = file.find(samplePath);
  if (!located || !isSeq(located.node) || located.keyColumn === undefined) return 2;
  const dash = file.dashColumn(located.node as YAMLSeq);
  return dash === undefined ? 2 : dash - located.keyColumn;
}

/**
 * Appends an item to the block list at `path`. When the key is there with no value
 * (`env:`) or an empty flow list (`env: []`), the list is started under it. Undefined
 * when the path is not there or is not a list that can take it.
 */
export function appendListItem(text: string, docLine: number, path: Path, item: string[], listIndent = 2): TextEdit | undefined {
  const file = new YamlFile(text, docLine);
  const located = file.find(path);
  if (!located) return undefined;
  const { node, keyColumn, keyEnd } = located;
  const emptyFlow = isSeq(node) && (node as YAMLSeq).flow && (node as YAMLSeq).items.length === 0;
  const empty = node === null || (isScalar(node) && (node.value === null || node.value === undefined)) || emptyFlow;
  if (empty) {
    if (keyColumn === undefined || keyEnd === undefined) return undefined;
    // Replace everything after `key:` on its line with the new block list.
    const colon = text.indexOf(':', keyEnd);
    const { end } = lineRange(text, file.lineOf(keyEnd), file.starts);
    const comment = emptyFlow ? '' : /\s#.*$/.exec(text.slice(colon + 1, end))?.[0] ?? '';
    return { start: colon + 1, end, text: `${comment}\n${renderItem(item, keyColumn + listIndent)}` };
  }
  if (!isSeq(node) || (node as YAMLSeq).flow) return undefined;
  const seq = node as YAMLSeq;
  const dash = file.dashColumn(seq);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (dash === undefined || !last?.range) return undefined;
  const end = file.endOfNode(last);
  return { start: end, end, text: `\n${renderItem(item, dash)}` };
}

/** Adds `key:` with a block of lines (indented under it) at the end of the map at `path`. */
export function addMapKey(text: string, docLine: number, path: Path, lines: string[]): TextEdit | undefined {
  const file = new YamlFile(text, docLine);
  const located = file.find(path);
  if (!located || !isMap(located.node) || (located.node as YAMLMap).flow) return undefined;
  const map = located.node as YAMLMap;
  const firstKey = map.items[0]?.key as Node | undefined;
  const last = map.items[map.items.length - 1];
  const lastNode = (last?.value ?? last?.key) as Node | undefined;
  if (!firstKey?.range || !lastNode?.range) return undefined;
  const indent = ' '.repeat(file.column(firstKey.range[0]));
  const end = file.endOfNode(lastNode);
  return { start: end, end, text: `\n${lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}` };
}

/** Removes the whole lines of item `index` of the block list at `path`. */
export function removeListItem(text: string, docLine: number, path: Path, index: number): TextEdit | undefined {
  const file = new YamlFile(text, docLine);
  const located = file.find([...path, index]);
  if (!located?.node?.range) return undefined;
  const start = file.starts[file.lineOf(located.node.range[0]) - 1];
  const end = file.endOfNode(located.node);
  // The line break after the item goes with it (or the one before, at the end of the file).
  return end < text.length ? { start, end: end + 1, text: '' } : { start: Math.max(0, start - 1), end, text: '' };
}

/** Replaces item `index` of the block list at `path` with new lines, at its dash column. */
export function replaceListItem(text: string, docLine: number, path: Path, index: number, item: string[]): TextEdit | undefined {
  const file = new YamlFile(text, docLine);
  const list = file.find(path);
  const located = file.find([...path, index]);
  if (!list || !isSeq(list.node) || !located?.node?.range) return undefined;
  const dash = file.dashColumn(list.node as YAMLSeq);
  if (dash === undefined) return undefined;
  const start = file.starts[file.lineOf(located.node.range[0]) - 1];
  return { start, end: file.endOfNode(located.node), text: renderItem(item, dash) };
}
