/** Word wrapping for the terminal reports: plain text in, lines of at most `width` columns out. */

/** A word longer than a line is cut after its last `/` that fits (a path stays readable), else at the width. */
function cut(word: string, width: number): [string, string] {
  const slash = word.lastIndexOf('/', width - 1);
  const at = slash > 0 ? slash + 1 : width;
  return [word.slice(0, at), word.slice(at)];
}

/** The words of `text` (split at spaces) in lines of at most `width` columns (`restWidth` after the first). */
export function wrapWords(text: string, width: number, restWidth = width): string[] {
  const lines: string[] = [];
  const room = () => (lines.length === 0 ? width : restWidth);
  let line = '';
  for (let word of text.split(' ').filter((w) => w !== '')) {
    if (line && line.length + 1 + word.length <= room()) {
      line += ` ${word}`;
      continue;
    }
    if (line) lines.push(line);
    while (word.length > room()) {
      const [head, rest] = cut(word, room());
      lines.push(head);
      word = rest;
    }
    line = word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * `text` wrapped into the columns right of `indent`, the first line after `first` (which is
 * `indent` wide): a hanging paragraph. `tail` (a rule ID) ends the last line when it fits
 * there, two spaces after the text, else it gets a line of its own; it is never split.
 */
export function hanging(text: string, options: { indent: number; width: number; first?: string; tail?: string; paintTail?: (s: string) => string }): string[] {
  const { indent, width, tail } = options;
  const room = Math.max(20, width - indent);
  const body = wrapWords(text, room);
  const pad = ' '.repeat(indent);
  if (tail) {
    const last = body.length - 1;
    const painted = options.paintTail ? options.paintTail(tail) : tail;
    if (body[last].length + 2 + tail.length <= room) body[last] = `${body[last]}  ${painted}`;
    else body.push(painted);
  }
  return body.map((line, i) => (i === 0 ? (options.first ?? pad) : pad) + line);
}
