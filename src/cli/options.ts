import { UsageError } from './errors.js';

export function parseNow(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--now: "${value}" is not a date (use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
  return date;
}

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, h: 1 / 24 };

/** "30", "30d", "2w", "720h" → days. */
export function parseWindow(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([dwh]?)$/.exec(value.trim());
  if (!match) throw new UsageError(`--expiry-window: "${value}" is not a duration (e.g. 30, 30d, 2w, 720h)`);
  return Number(match[1]) * UNIT_DAYS[match[2] || 'd'];
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** --jobs: how many worker threads read hosts (1: all in the main thread). */
export function parseJobs(value: string): number {
  const jobs = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) throw new UsageError(`--jobs: "${value}" is not a number of threads from 1 to 1024`);
  return jobs;
}

/** "10s", "500ms", "2m" → milliseconds. */
export function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--request-timeout: "${value}" is not a duration (e.g. 10s, 500ms)`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm'];
}
