/**
 * Where a run spends its time, as ESLint's TIMING=1 tells it: `KAUDIT_TIMING=1 kaudit scan …`
 * prints each phase (collection, every rule, the compliance view, each report) on stderr
 * when the run ends; `KAUDIT_TIMING=json` prints them as one JSON line for scripts (the
 * benchmark reads it to show how each step grows with the cluster). Unset, nothing is
 * printed and the cost is one clock read per phase.
 */

const spent = new Map<string, number>();

/** Adds the time `work` takes to `label` (phases that run several times add up). */
export function timed<T>(label: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    record(label, performance.now() - start);
  }
}

export async function timedAsync<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    record(label, performance.now() - start);
  }
}

export function record(label: string, ms: number): void {
  spent.set(label, (spent.get(label) ?? 0) + ms);
}

/** What KAUDIT_TIMING asks for: the table, JSON, or nothing. */
function mode(): 'table' | 'json' | undefined {
  const value = process.env.KAUDIT_TIMING;
  if (!value || value === '0') return undefined;
  return value === 'json' ? 'json' : 'table';
}

/** The phases, longest first, as KAUDIT_TIMING asks (empty when it is unset). */
export function timingReport(): string {
  const asked = mode();
  if (!asked || spent.size === 0) return '';
  const rows = [...spent].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (asked === 'json') return `KAUDIT_TIMING ${JSON.stringify(Object.fromEntries(rows.map(([label, ms]) => [label, Math.round(ms * 10) / 10])))}\n`;
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['kaudit timing (ms):', ...rows.map(([label, ms]) => `  ${label.padEnd(width)}  ${ms.toFixed(1).padStart(9)}`)].join('\n') + '\n';
}
