import { ruleTester } from '../../support/rule-tester.js';
import { BRIDGE_CONF, CALICO_CONFLIST, LOOPBACK_CONF, WEAVE_CONFLIST } from '../../support/cni.js';

ruleTester('cni/no-portmap', {
  valid: [
    { name: 'calico with portmap', build: ({ tree }) => void tree.write('w', '/etc/cni/net.d/10-calico.conflist', CALICO_CONFLIST) },
    { name: 'weave conflist with portmap', build: ({ tree }) => void tree.write('w', '/etc/cni/net.d/10-weave.conflist', WEAVE_CONFLIST) },
    { name: 'a host with only loopback', build: ({ tree }) => void tree.write('w', '/etc/cni/net.d/99-loopback.conf', LOOPBACK_CONF) },
  ],
  invalid: [
    {
      name: "the hard way's single-plugin bridge .conf",
      build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/10-bridge.conf', BRIDGE_CONF); tree.write('w', '/etc/cni/net.d/99-loopback.conf', LOOPBACK_CONF); },
      findings: ['w w/etc/cni/net.d/10-bridge.conf:1'],
      messages: ['the loaded CNI config /etc/cni/net.d/10-bridge.conf is a single-plugin .conf, which cannot chain portmap: hostPort does not work'],
    },
    {
      name: 'a conflist whose portmap lacks the portMappings capability',
      build: ({ tree }) => void tree.write('w', '/etc/cni/net.d/10-flannel.conflist', JSON.stringify({ cniVersion: '0.3.1', name: 'cbr0', plugins: [{ type: 'flannel' }, { type: 'portmap' }] })),
      findings: ['w w/etc/cni/net.d/10-flannel.conflist:1'],
      messages: ['has no portmap plugin with capabilities.portMappings'],
    },
  ],
});
