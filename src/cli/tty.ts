/** What the terminal allows: colour and width, as ESLint, kube-linter and most CLIs decide them. */

/**
 * Colour on a terminal only, never with NO_COLOR (https://no-color.org: set and not empty);
 * FORCE_COLOR forces it on (0 or false: off), as chalk and Node.js read it.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The columns to wrap at: COLUMNS, else the terminal's width, else 80. */
export function terminalWidth(stream?: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stream?.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  return 80;
}
