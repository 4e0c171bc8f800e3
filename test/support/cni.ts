/** CNI configs as their projects ship them (shapes after weave's and the hard way's, written anew). */
export const WEAVE_CONF = JSON.stringify({ name: 'weave', type: 'weave-net', hairpinMode: true }, null, 4);
export const WEAVE_CONFLIST = JSON.stringify(
  { cniVersion: '0.3.0', name: 'weave', plugins: [{ name: 'weave', type: 'weave-net', hairpinMode: true }, { type: 'portmap', capabilities: { portMappings: true }, snat: true }] },
  null,
  4,
);
export const BRIDGE_CONF = JSON.stringify(
  { cniVersion: '0.4.0', name: 'bridge', type: 'bridge', bridge: 'cnio0', isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.200.0.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } },
  null,
  4,
);
export const LOOPBACK_CONF = JSON.stringify({ cniVersion: '0.4.0', name: 'lo', type: 'loopback' }, null, 4);
export const CALICO_CONFLIST = JSON.stringify(
  { cniVersion: '0.3.1', name: 'k8s-pod-network', plugins: [{ type: 'calico', ipam: { type: 'calico-ipam' } }, { type: 'portmap', snat: true, capabilities: { portMappings: true } }, { type: 'bandwidth', capabilities: { bandwidth: true } }] },
  null,
  2,
);
