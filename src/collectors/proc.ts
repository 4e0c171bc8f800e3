import fs from 'node:fs';
import path from 'node:path';
import type { HostContext } from './context.js';
import type { Process, Route } from '../model/types.js';
import { formatAddress } from '../util/net.js';

/** Running processes from proc/<pid>/cmdline (NUL-separated argv), live or in a snapshot. */
export function readProcesses(ctx: HostContext): Process[] {
  const proc = ctx.fs.resolve('/proc');
  if (!proc?.stat.isDirectory()) return [];
  const processes: Process[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(proc.real).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  names.sort((a, b) => Number(a) - Number(b));
  for (const pid of names) {
    const hostPath = `/proc/${pid}/cmdline`;
    let data: Buffer;
    try {
      data = fs.readFileSync(path.join(proc.real, pid, 'cmdline'));
    } catch {
      continue; // the process ended, or is not ours to read
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

/** Routes from proc/net/route and proc/net/ipv6_route. */
export function readRoutes(ctx: HostContext): Route[] {
  const routes: Route[] = [];
  const v4 = ctx.fs.exists('/proc/net/route') ? ctx.readText('/proc/net/route') : undefined;
  v4?.split('\n').forEach((line, index) => {
    const f = line.trim().split(/\s+/);
    if (index === 0 || f.length < 8 || !/^[0-9A-Fa-f]{8}$/.test(f[1])) return;
    const gateway = ipv4FromHex(f[2]);
    routes.push({
      host: ctx.host.name,
      iface: f[0],
      destination: `${ipv4FromHex(f[1])}/${prefixLength(f[7])}`,
      ...(gateway !== '0.0.0.0' ? { gateway } : {}),
      family: 4,
      at: ctx.at('/proc/net/route', index + 1),
    });
  });
  const v6 = ctx.fs.exists('/proc/net/ipv6_route') ? ctx.readText('/proc/net/ipv6_route') : undefined;
  v6?.split('\n').forEach((line, index) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^[0-9a-fA-F]{32}$/.test(f[0])) return;
    const gateway = ipv6FromHex(f[4]);
    routes.push({
      host: ctx.host.name,
      iface: f[9],
      destination: `${ipv6FromHex(f[0])}/${parseInt(f[1], 16)}`,
      ...(gateway !== '::' ? { gateway } : {}),
      family: 6,
      at: ctx.at('/proc/net/ipv6_route', index + 1),
    });
  });
  return routes;
}
