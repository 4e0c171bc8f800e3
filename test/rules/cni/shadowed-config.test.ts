import { ruleTester } from '../../support/rule-tester.js';
import { BRIDGE_CONF, CALICO_CONFLIST, LOOPBACK_CONF, WEAVE_CONF, WEAVE_CONFLIST } from '../../support/cni.js';

ruleTester('cni/shadowed-config', {
  valid: [
    { name: "the hard way's bridge and loopback", build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/10-bridge.conf', BRIDGE_CONF); tree.write('w', '/etc/cni/net.d/99-loopback.conf', LOOPBACK_CONF); } },
    { name: 'the weave leftover is cni/leftover-weave-conf', build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/10-weave.conf', WEAVE_CONF); tree.write('w', '/etc/cni/net.d/10-weave.conflist', WEAVE_CONFLIST); } },
  ],
  invalid: [
    {
      name: 'an old bridge .conf sorted before the calico conflist',
      build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/10-bridge.conf', BRIDGE_CONF); tree.write('w', '/etc/cni/net.d/10-calico.conflist', CALICO_CONFLIST); },
      findings: ['w w/etc/cni/net.d/10-bridge.conf:1'],
      messages: ['/etc/cni/net.d/10-bridge.conf is loaded first and shadows 10-calico.conflist (it is a plugin list (.conflist), the loaded one a single plugin)'],
    },
    {
      name: 'an invalid config loaded before a valid one',
      build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/05-broken.conflist', '{"cniVersion": "0.3.1", '); tree.write('w', '/etc/cni/net.d/10-calico.conflist', CALICO_CONFLIST); },
      findings: ['w w/etc/cni/net.d/05-broken.conflist:1'],
    },
  ],
});
