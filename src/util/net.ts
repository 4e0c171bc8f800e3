import { isIP } from 'node:net';

export interface Address {
  family: 4 | 6;
  value: bigint;
}

function parseIPv6(text: string): bigint | undefined {
  let input = text;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(input);
  if (v4Tail) {
    const v4 = parseAddress(v4Tail[1]);
    if (!v4) return undefined;
    input = input.slice(0, -v4Tail[1].length) + `${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = input.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const fill = input.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array<string>(fill).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  const family = isIP(text);
  if (family === 4) {
    return { family: 4, value: text.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n) };
  }
  if (family === 6) {
    const value = parseIPv6(text.replace(/%.*$/, ''));
    return value === undefined ? undefined : { family: 6, value };
  }
  return undefined;
}

export function formatAddress(address: Address): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((address.value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Two textual addresses name the same IP (IPv6 in any notation). */
export function sameAddress(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  return !!x && !!y && x.family === y.family && x.value === y.value;
}

export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip, prefixText] = text.trim().split('/');
  const address = parseAddress(ip);
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family: address.family, network: (address.value >> hostBits) << hostBits, prefix };
}

/** The first usable address of a range: the apiserver's `kubernetes` service IP. */
export function firstAddress(cidr: Cidr): string {
  return formatAddress({ family: cidr.family, value: cidr.network + 1n });
}

const bitsOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** Whether `outer` contains every address of `inner`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const shift = BigInt(bitsOf(outer.family) - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`;
}
