import type { HostContext } from './context.js';
import type { Process, Route } from '../model/types.js';
import { formatAddress } from '../util/net.js';

/**
 * Running processes from proc/<pid>/cmdline (NUL-separated argv), live or in a snapshot.
 * Read through the host's file system like every other file: a cmdline that is a link
 * out of the host root (in a snapshot) is refused, a FIFO in its place never blocks.
 */
export function readProcesses(ctx: HostContext): Process[] {
  const names = ctx.fs.list('/proc').filter((name) => /^\d+$/.test(name));
  const processes: Process[] = [];
  names.sort((a, b) => Number(a) - Number(b));
  for (const pid of names) {
    const hostPath = `/proc/${pid}/cmdline`;
    let data: Buffer;
    try {
      const read = ctx.fs.readFile(hostPath);
      if (!read) continue; // the process ended
      data = read.data;
    } catch (error) {
      // A live process that is not ours to read, or ended while being read, is no news;
      // a snapshot's cmdline that cannot be read is.
      if (!ctx.host.live) ctx.warn(hostPath, (error as Error).message);
      continue;
    }
    const argv = data.toString('utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    if (argv.length > 0) processes.push({ host: ctx.host.name, pid: Number(pid), argv, at: ctx.at(hostPath, 1) });
  }
  return processes;
}

function ipv4FromHex(hex: string): string {
  // The kernel prints addresses in host byte order: little-endian on every platform Kubernetes runs on.
  const bytes = Buffer.from(hex, 'hex');
  return [bytes[3], bytes[2], bytes[1], bytes[0]].join('.');
}

function prefixLength(maskHex: string): number {
  const mask = Buffer.from(maskHex, 'hex').readUInt32LE(0);
  let bits = 0;
  for (let m = mask >>> 0; m; m >>>= 1) bits += m & 1;
  return bits;
}

/** 32 hex digits (the kernel's order) → RFC 5952 text. */
function ipv6FromHex(hex: string): string {
  return formatAddress({ family: 6, value: BigInt(`0x${hex}`) });
}

const HEX8 = /^[0-9A-Fa-f]{8}$/;
const HEX32 = /^[0-9A-Fa-f]{32}$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

/** One route of proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask …, hex fields as the kernel prints them. */
function ipv4Route(ctx: HostContext, fields: string[], line: number): Route | undefined {
  const [iface, destination, gateway, , , , , mask] = fields;
  if (fields.length < 8 || !iface || ![destination, gateway, mask].every((f) => HEX8.test(f))) return undefined;
  const via = ipv4FromHex(gateway);
  return {
    host: ctx.host.name,
    iface,
    destination: `${ipv4FromHex(destination)}/${prefixLength(mask)}`,
    ...(via !== '0.0.0.0' ? { gateway: via } : {}),
    family: 4,
    at: ctx.at('/proc/net/route', line),
  };
}

/** One route of proc/net/ipv6_route: destination, prefix length, source, source length, next hop, metric, refcnt, use, flags, device. */
function ipv6Route(ctx: HostContext, fields: string[], line: number): Route | undefined {
  const [destination, length, , , nextHop, , , , , iface] = fields;
  if (fields.length < 10 || !HEX32.test(destination) || !HEX2.test(length) || !HEX32.test(nextHop) || !iface) return undefined;
  const via = ipv6FromHex(nextHop);
  return {
    host: ctx.host.name,
    iface,
    destination: `${ipv6FromHex(destination)}/${parseInt(length, 16)}`,
    ...(via !== '::' ? { gateway: via } : {}),
    family: 6,
    at: ctx.at('/proc/net/ipv6_route', line),
  };
}

/**
 * The routes of one table file. Lines that are not routes (garbage in a snapshot) are
 * skipped with one warning for the file, naming the first of them.
 */
function readTable(ctx: HostContext, hostPath: string, header: boolean, parse: (fields: string[], line: number) => Route | undefined): Route[] {
  const text = ctx.readText(hostPath); // absent: nothing; a link out of the root, a FIFO, too big: one warning
  if (text === undefined) return [];
  const routes: Route[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || (header && index === 0)) return;
    const route = parse(line.split(/\s+/), index + 1);
    if (route) routes.push(route);
    else bad.push(index + 1);
  });
  if (bad.length > 0) {
    ctx.warn(hostPath, `${bad.length === 1 ? 'line' : `${bad.length} lines, the first at line`} ${bad[0]}, ${bad.length === 1 ? 'is' : 'are'} not a route of the kernel's table; skipped`);
  }
  return routes;
}

/** Routes from proc/net/route and proc/net/ipv6_route. */
export function readRoutes(ctx: HostContext): Route[] {
  return [...readTable(ctx, '/proc/net/route', true, (f, line) => ipv4Route(ctx, f, line)), ...readTable(ctx, '/proc/net/ipv6_route', false, (f, line) => ipv6Route(ctx, f, line))];
}
