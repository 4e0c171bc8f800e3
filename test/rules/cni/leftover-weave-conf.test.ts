import { ruleTester } from '../../support/rule-tester.js';
import { WEAVE_CONF, WEAVE_CONFLIST } from '../../support/cni.js';

ruleTester('cni/leftover-weave-conf', {
  valid: [{ name: 'weave 2.5+: the conflist alone', build: ({ tree }) => void tree.write('w', '/etc/cni/net.d/10-weave.conflist', WEAVE_CONFLIST) }],
  invalid: [
    {
      name: "weave 2.4's 10-weave.conf left beside 10-weave.conflist",
      build: ({ tree }) => {
        tree.write('w', '/etc/cni/net.d/10-weave.conf', WEAVE_CONF);
        tree.write('w', '/etc/cni/net.d/10-weave.conflist', WEAVE_CONFLIST);
      },
      findings: ['w w/etc/cni/net.d/10-weave.conf:1'],
      related: ['w w/etc/cni/net.d/10-weave.conflist:1'],
      messages: ['/etc/cni/net.d/10-weave.conf is loaded instead of /etc/cni/net.d/10-weave.conflist'],
    },
  ],
});
