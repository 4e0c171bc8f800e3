/**
 * Terminal safety: file names and values come from the scanned tree, which anyone may
 * have written. Control characters (an ESC that would recolour or move the cursor, a
 * carriage return that would overwrite a line) are printed escaped, never raw.
 */

// C0 controls but tab and newline, DEL, and C1 controls (CSI is U+009B on some terminals).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from the scanned tree made safe to print: control characters as \xNN escapes. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** As terminalSafe, and a newline too: for what must stay on one line (a file name in a list). */
export function oneLine(text: string): string {
  return terminalSafe(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}
