/**
 * systemd unit specifiers (systemd.unit(5), "SPECIFIERS"): `%n`, `%N`, `%p`, `%i`, `%H`…
 * are expanded in ExecStart=, Environment= and EnvironmentFile= before anything else, as
 * systemd expands them. A specifier kaudit cannot know (a machine ID, a boot ID) is left
 * as written: an unknown value is not guessed.
 */

export interface UnitIdentity {
  /** The full unit name, `etcd@member-1.service`. */
  name: string;
  /** The node's host name (`%H`, `%l`). */
  hostname?: string;
}

/** `etcd@member-1.service` → { prefix: 'etcd', instance: 'member-1', suffix: '.service' }. */
export function splitUnitName(name: string): { prefix: string; instance?: string; suffix: string } {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const suffix = dot > 0 ? name.slice(dot) : '';
  const at = stem.indexOf('@');
  if (at < 0) return { prefix: stem, suffix };
  const instance = stem.slice(at + 1);
  return { prefix: stem.slice(0, at), ...(instance ? { instance } : {}), suffix };
}

/** The template a unit instance is made from (`etcd@member-1.service` → `etcd@.service`), if it is one. */
export function templateOf(name: string): string | undefined {
  const { prefix, instance, suffix } = splitUnitName(name);
  return instance !== undefined ? `${prefix}@${suffix}` : undefined;
}

/** systemd's unescaping of `%I`/`%P`: `\x2d` → `-`, `-` → `/`. */
function unescape(text: string): string {
  return text.replace(/-/g, '/').replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The values of the specifiers kaudit can know for a unit (system manager, root). */
function specifierValues(unit: UnitIdentity): Record<string, string | undefined> {
  const { prefix, instance, suffix } = splitUnitName(unit.name);
  const stem = unit.name.slice(0, unit.name.length - suffix.length);
  const shortHost = unit.hostname?.split('.')[0];
  return {
    n: unit.name,
    N: stem,
    p: prefix,
    P: unescape(prefix),
    i: instance ?? '',
    I: unescape(instance ?? ''),
    j: prefix.slice(prefix.lastIndexOf('-') + 1),
    J: unescape(prefix.slice(prefix.lastIndexOf('-') + 1)),
    f: `/${unescape(instance ?? prefix)}`,
    H: unit.hostname,
    l: shortHost,
    h: '/root',
    u: 'root',
    U: '0',
    g: 'root',
    G: '0',
    s: '/bin/sh',
    t: '/run',
    S: '/var/lib',
    C: '/var/cache',
    L: '/var/log',
    E: '/etc',
    T: '/tmp',
    V: '/var/tmp',
    y: undefined, // the unit file's path: filled in per file by the caller when known
    Y: undefined,
    '%': '%',
  };
}

/** Expands the specifiers of one value; unknown ones stay as written. */
export function expandSpecifiers(text: string, unit: UnitIdentity): string {
  if (!text.includes('%')) return text;
  const values = specifierValues(unit);
  return text.replace(/%(.)/g, (whole, letter: string) => values[letter] ?? whole);
}
