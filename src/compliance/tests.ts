/**
 * kube-bench's tests (check/test.go), applied to a value kaudit resolved: presence for
 * `set`/`notset`; for a comparison, an unwritten setting fails unless `orUnset`; booleans
 * compare case-insensitively; `gte` wants an integer; `valid_elements` wants every item of
 * the list in the allowed set (and at least one). Two places go past kube-bench, because it
 * passes what the component would not run with: a zero duration written `0s` equals `0`,
 * and `has`/`nothave` on a list compare whole items, not substrings.
 */
import type { SettingTest } from '../benchmarks/types.js';

/** A Go duration of zero: 0, 0s, 0m0s, 0h0m0s. */
function isZeroDuration(value: string): boolean {
  return /^0+(\.0+)?(ns|us|µs|ms|s|m|h)?((0+(\.0+)?)(ns|us|µs|ms|s|m|h))*$/.test(value.trim());
}

function equal(value: string, expected: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === expected;
  if (expected === '0' && isZeroDuration(value)) return true;
  return value === expected;
}

export function listItems(value: string): string[] {
  return value
    .trim()
    .replace(/,+$/, '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Whether a value (undefined: the setting is not written) passes the test. */
export function passes(test: SettingTest, value: string | undefined): boolean {
  if (test.op === 'set') return value !== undefined;
  if (test.op === 'notset') return value === undefined;
  if (value === undefined) return 'orUnset' in test && test.orUnset === true;
  switch (test.op) {
    case 'eq':
      return equal(value, test.value);
    case 'noteq':
      return !equal(value, test.value);
    case 'gte':
      return /^\s*[-+]?\d+\s*$/.test(value) && Number(value) >= test.value;
    case 'has':
      return test.list ? listItems(value).includes(test.value) : value.includes(test.value);
    case 'nothave':
      return test.list ? !listItems(value).map((v) => v.toLowerCase()).includes(test.value.toLowerCase()) : !value.includes(test.value);
    case 'valid_elements': {
      const items = listItems(value);
      return items.length > 0 && items.every((item) => test.value.includes(item));
    }
  }
}

/** What the test wants, for messages: `--profiling=false`, `NodeRestriction in --enable-admission-plugins`. */
export function expectation(test: SettingTest, name: string): string {
  const unset = 'orUnset' in test && test.orUnset ? ', or not set' : '';
  switch (test.op) {
    case 'set':
      return `${name} set`;
    case 'notset':
      return `${name} not set`;
    case 'eq':
      return `${name}=${test.value}${unset}`;
    case 'noteq':
      return `${name} not ${test.value}${unset}`;
    case 'gte':
      return `${name} of ${test.value} or more${unset}`;
    case 'has':
      return test.list ? `${test.value} in ${name}` : `${name} on ${test.value}${unset}`;
    case 'nothave':
      return test.list ? `no ${test.value} in ${name}${unset}` : `${name} without ${test.value}${unset}`;
    case 'valid_elements':
      return `${name} listing only ${test.value.length} strong suites`;
  }
}
