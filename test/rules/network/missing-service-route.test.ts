import { ruleTester } from '../../support/rule-tester.js';
import { unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { procNetRoute } from '../../support/routes.js';

const CONTROLLER_ROUTES = procNetRoute([['ens4', '0.0.0.0/0', '10.240.0.1'], ['ens4', '10.240.0.0/24']]);

ruleTester('network/missing-service-route', {
  valid: [
    {
      name: 'a controller with a route to the service network',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-apiserver', ['--service-cluster-ip-range=10.32.0.0/24']);
        tree.write('c0', '/proc/net/route', procNetRoute([['ens4', '0.0.0.0/0', '10.240.0.1'], ['ens4', '10.32.0.0/24', '10.240.0.20']]));
      },
    },
    {
      name: 'a worker that runs kube-proxy needs no route',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-apiserver', ['--service-cluster-ip-range=10.32.0.0/24']);
        unit(tree, 'w0', 'kube-proxy', ['--config=/var/lib/kube-proxy/kube-proxy-config.yaml']);
        tree.write('w0', '/proc/net/route', CONTROLLER_ROUTES);
      },
    },
    { name: 'a host whose routes are not known', build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--service-cluster-ip-range=10.32.0.0/24']) },
  ],
  invalid: [
    {
      name: 'a controller without kube-proxy and only a default route',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-apiserver', ['--service-cluster-ip-range=10.32.0.0/24']);
        tree.write('c0', '/proc/net/route', CONTROLLER_ROUTES);
      },
      findings: ['c0 c0/proc/net/route:2'],
      messages: ['c0 runs no kube-proxy and has no route to the service network 10.32.0.0/24 (ip route add 10.32.0.0/24 dev ens4)'],
      related: [`c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE}`],
    },
  ],
});
