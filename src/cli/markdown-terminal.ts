/**
 * A rules-docs page for the terminal (`kaudit explain`): headings in bold, paragraphs and
 * list items wrapped to the width, `code` and **bold** styled (when colour is on), links as
 * `text <url>`, code blocks and tables as they are.
 */
import { terminalSafe } from '../reporters/terminal.js';

export interface TerminalMarkdownOptions {
  color: boolean;
  width: number;
}

const BOLD = ['\u001b[1m', '\u001b[22m'] as const;
const CODE = ['\u001b[36m', '\u001b[39m'] as const;

/** A word as printed, and its width on screen (markup and escapes take none). */
interface Word {
  text: string;
  width: number;
}

/** Splits inline markdown into words, each styled on its own so that wrapping never breaks a style. */
function styledWords(text: string, color: boolean): Word[] {
  const plain = text.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>');
  const words: Word[] = [];
  let bold = false;
  let code = false;
  for (const raw of plain.split(' ').filter((w) => w !== '')) {
    let out = '';
    let width = 0;
    const open = () => (color ? (bold ? BOLD[0] : '') + (code ? CODE[0] : '') : '');
    const close = () => (color ? (code ? CODE[1] : '') + (bold ? BOLD[1] : '') : '');
    out += open();
    for (let i = 0; i < raw.length; i++) {
      if (raw.startsWith('**', i) && !code) {
        out += close();
        bold = !bold;
        out += open();
        i++;
      } else if (raw[i] === '`') {
        out += close();
        code = !code;
        out += open();
      } else {
        out += raw[i];
        width++;
      }
    }
    words.push({ text: out + close(), width });
  }
  return words;
}

/** Words in lines of `width` columns, every line after `first` indented by `indent`. */
function fill(words: Word[], first: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  let used = first.length;
  let empty = true;
  for (const word of words) {
    if (!empty && used + 1 + word.width > width) {
      lines.push(line);
      line = indent;
      used = indent.length;
      empty = true;
    }
    line += (empty ? '' : ' ') + word.text;
    used += (empty ? 0 : 1) + word.width;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function markdownForTerminal(markdown: string, options: TerminalMarkdownOptions): string {
  const { color, width } = options;
  const out: string[] = [];
  const lines = terminalSafe(markdown).split('\n');
  let paragraph: string[] = [];
  let item: { first: string; indent: string; text: string[] } | undefined;
  const flush = () => {
    if (paragraph.length) out.push(...fill(styledWords(paragraph.join(' '), color), '  ', '  ', width));
    if (item) out.push(...fill(styledWords(item.text.join(' '), color), item.first, item.indent, width));
    paragraph = [];
    item = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('```')) {
      flush();
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) out.push(`    ${lines[i]}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      if (out.length && out[out.length - 1] !== '') out.push('');
      const title = heading[1].length === 1 ? heading[2] : heading[2].toUpperCase();
      out.push(color ? `${BOLD[0]}${title}${BOLD[1]}` : title);
      continue;
    }
    const bullet = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      const marker = /\d/.test(bullet[2]) ? bullet[2] : '•';
      const first = `  ${bullet[1]}${marker} `;
      item = { first, indent: ' '.repeat(first.length), text: [bullet[3]] };
      continue;
    }
    if (line.startsWith('|')) {
      flush();
      out.push(`  ${line}`);
      continue;
    }
    if (line.trim() === '') {
      flush();
      if (out.length && out[out.length - 1] !== '') out.push('');
      continue;
    }
    (item ? item.text : paragraph).push(line.trim());
  }
  flush();
  while (out.length && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
