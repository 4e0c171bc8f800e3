import type { Diagnostic } from '../model/types.js';
import { oneLine } from '../reporters/terminal.js';

/** A diagnostic as one line for stderr: file names and messages come from the scanned tree, so escaped. */
export function diagnosticLine(d: Diagnostic): string {
  return `kaudit: ${d.level}: ${oneLine(`${d.at ? `${d.at.file}: ` : ''}${d.message}`)}\n`;
}
