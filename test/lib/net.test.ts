import { describe, expect, it } from 'vitest';
import { contains, firstAddress, formatCidr, overlaps, parseCidr, sameAddress } from '../../src/rules/lib/net.js';

const cidr = (text: string) => parseCidr(text)!;

describe('CIDR arithmetic', () => {
  it('finds the first service IP of IPv4 and IPv6 ranges', () => {
    expect(firstAddress(cidr('10.96.0.0/12'))).toBe('10.96.0.1');
    expect(firstAddress(cidr('10.32.0.7/24'))).toBe('10.32.0.1'); // host bits are ignored
    expect(firstAddress(cidr('fd00:10:96::/112'))).toBe('fd00:10:96::1');
  });

  it('tests containment and overlap in both families, never across them', () => {
    expect(contains(cidr('10.0.0.0/8'), cidr('10.96.0.0/12'))).toBe(true);
    expect(contains(cidr('10.96.0.0/12'), cidr('10.0.0.0/8'))).toBe(false);
    expect(overlaps(cidr('10.96.0.0/12'), cidr('10.100.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.96.0.0/12'), cidr('10.244.0.0/16'))).toBe(false);
    expect(contains(cidr('fd00::/8'), cidr('fd00:10:96::/112'))).toBe(true);
    expect(overlaps(cidr('fd00:10:96::/112'), cidr('fd00:10:244::/56'))).toBe(false);
    expect(overlaps(cidr('::/0'), cidr('10.0.0.0/8'))).toBe(false);
    expect(formatCidr(cidr('FD00:0:0:0:0:0:0:0/64'))).toBe('fd00::/64');
  });

  it('compares IPv6 addresses in any notation', () => {
    expect(sameAddress('FD00:0:0:0:0:0:0:1', 'fd00::1')).toBe(true);
    expect(sameAddress('::ffff:10.0.0.1', '::ffff:a00:1')).toBe(true);
    expect(sameAddress('10.0.0.1', '10.0.0.2')).toBe(false);
    expect(parseCidr('not-a-cidr')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});
