/** A proc/net/route table: routes as [iface, destination CIDR, gateway?]. */
export function procNetRoute(routes: Array<[string, string, string?]>): string {
  const hex = (ip: string) => Buffer.from(ip.split('.').map(Number).reverse()).toString('hex').toUpperCase();
  const mask = (prefix: number) => hex([24, 16, 8, 0].map((s) => ((prefix ? (0xffffffff << (32 - prefix)) >>> 0 : 0) >>> s) & 0xff).join('.'));
  const lines = routes.map(([iface, cidr, gateway]) => {
    const [ip, prefix] = cidr.split('/');
    return [iface, hex(ip), hex(gateway ?? '0.0.0.0'), gateway ? '0003' : '0001', '0', '0', '0', mask(Number(prefix)), '0', '0', '0'].join('\t');
  });
  return ['Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT', ...lines, ''].join('\n');
}
