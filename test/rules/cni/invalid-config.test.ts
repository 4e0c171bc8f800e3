import { ruleTester } from '../../support/rule-tester.js';
import { BRIDGE_CONF, CALICO_CONFLIST, LOOPBACK_CONF } from '../../support/cni.js';

ruleTester('cni/invalid-config', {
  valid: [{ name: 'valid .conf and .conflist', build: ({ tree }) => { tree.write('w', '/etc/cni/net.d/10-calico.conflist', CALICO_CONFLIST); tree.write('w', '/etc/cni/net.d/20-bridge.conf', BRIDGE_CONF); tree.write('w', '/etc/cni/net.d/99-loopback.conf', LOOPBACK_CONF); } }],
  invalid: [
    {
      name: 'not JSON, no cniVersion, unknown cniVersion, no type, a plugin without type',
      build: ({ tree }) => {
        tree.write('w', '/etc/cni/net.d/10-a.conf', '{ "name": "a", ');
        tree.write('w', '/etc/cni/net.d/10-b.conf', '{"name": "b", "type": "bridge"}');
        tree.write('w', '/etc/cni/net.d/10-c.conf', '{"cniVersion": "9.9.9", "name": "c", "type": "bridge"}');
        tree.write('w', '/etc/cni/net.d/10-d.conf', '{"cniVersion": "0.4.0", "name": "d"}');
        tree.write('w', '/etc/cni/net.d/10-e.conflist', '{"cniVersion": "1.0.0", "name": "e", "plugins": [{"type": "ptp"}, {"capabilities": {"portMappings": true}}]}');
        tree.write('w', '/etc/cni/net.d/10-f.json', '{"cniVersion": "1.0.0", "type": "ptp"}');
      },
      findings: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `w w/etc/cni/net.d/10-${x}.${x === 'e' ? 'conflist' : x === 'f' ? 'json' : 'conf'}:1`),
      messages: ['is not valid JSON', 'has no cniVersion', 'names an unknown cniVersion 9.9.9', 'has no type', 'has a plugin without type (plugins[1])', 'has no name'],
    },
  ],
});
