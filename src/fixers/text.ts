/** Text edits by offset, and unified diffs: fixes touch only the bytes they must. */

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; throws when two overlap (the caller reports a conflict). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('overlapping edits');
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** Offsets of the start of each line (index 0 is line 1). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The [start, end) offsets of a 1-based line, without its newline. */
export function lineRange(text: string, line: number, starts = lineStarts(text)): { start: number; end: number } {
  const start = starts[line - 1] ?? text.length;
  const next = starts[line];
  const end = next === undefined ? text.length : next - 1;
  return { start, end };
}

/** A unified diff of two texts (3 lines of context), as `diff -u` prints it. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  // Trim the common head and tail, then LCS on what is left (edits are local, so it is small).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops = lcsOps(midA, midB);
  type Line = { op: ' ' | '-' | '+'; text: string; aLine: number; bLine: number };
  const lines: Line[] = [];
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < head; i++) lines.push({ op: ' ', text: a[i], aLine: ++ai, bLine: ++bi });
  for (const op of ops) {
    if (op.op === ' ') lines.push({ op: ' ', text: op.text, aLine: ++ai, bLine: ++bi });
    else if (op.op === '-') lines.push({ op: '-', text: op.text, aLine: ++ai, bLine: bi });
    else lines.push({ op: '+', text: op.text, aLine: ai, bLine: ++bi });
  }
  for (let i = a.length - tail; i < a.length; i++) lines.push({ op: ' ', text: a[i], aLine: ++ai, bLine: ++bi });

  const out = [`--- ${oldName}`, `+++ ${newName}`];
  const changed = lines.map((l, i) => (l.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  let index = 0;
  while (index < changed.length) {
    let from = Math.max(0, changed[index] - 3);
    let to = Math.min(lines.length - 1, changed[index] + 3);
    while (index + 1 < changed.length && changed[index + 1] - 3 <= to + 1) to = Math.min(lines.length - 1, changed[++index] + 3);
    index++;
    const hunk = lines.slice(from, to + 1);
    const aStart = hunk.find((l) => l.op !== '+')?.aLine ?? hunk[0].aLine;
    const bStart = hunk.find((l) => l.op !== '-')?.bLine ?? hunk[0].bLine;
    const aCount = hunk.filter((l) => l.op !== '+').length;
    const bCount = hunk.filter((l) => l.op !== '-').length;
    out.push(`@@ -${aCount === 0 ? aStart : aStart},${aCount} +${bCount === 0 ? bStart : bStart},${bCount} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    from = to;
  }
  return `${out.join('\n')}\n`;
}

/** Past this many cells the LCS table is not built: the diff shows the changed middle as removed and added. */
const MAX_LCS_CELLS = 4_000_000;

function lcsOps(a: string[], b: string[]): Array<{ op: ' ' | '-' | '+'; text: string }> {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_LCS_CELLS) return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const ops: Array<{ op: ' ' | '-' | '+'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) ops.push({ op: '-', text: a[i++] });
    else ops.push({ op: '+', text: b[j++] });
  }
  while (i < n) ops.push({ op: '-', text: a[i++] });
  while (j < m) ops.push({ op: '+', text: b[j++] });
  return ops;
}
