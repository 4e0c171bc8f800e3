import { ruleTester } from '../../support/rule-tester.js';
import { UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { etcdUnits, members } from '../../support/etcd-hosts.js';

ruleTester('etcd/no-client-cert-auth', {
  valid: [
    { name: 'client and peer certificate auth on (unit flags)', build: ({ tree }) => etcdUnits(tree, members(3)) },
    {
      name: 'client and peer certificate auth on (etcd config file)',
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd/etcd.yaml', 'name: e1\nclient-transport-security:\n  client-cert-auth: true\npeer-transport-security:\n  client-cert-auth: true\n');
        tree.write('e1', '/etc/systemd/system/etcd.service', '[Service]\nExecStart=/usr/bin/etcd --config-file=/etc/etcd/etcd.yaml\n');
      },
    },
  ],
  invalid: [
    {
      name: 'flags absent (defaults false) in kubespray\'s env file, and auto TLS on',
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd.env', 'ETCD_NAME=e1\nETCD_PEER_AUTO_TLS=true\n');
      },
      findings: ['e1 e1/etc/etcd.env:1', 'e1 e1/etc/etcd.env:1', 'e1 e1/etc/etcd.env:2'],
      messages: [
        '--client-cert-auth is not set (default: false); clients are not authenticated',
        // the peer flag is about the other members, not clients
        '--peer-client-cert-auth is not set (default: false); peers are not authenticated: any host that reaches the peer port can join the cluster',
        '--peer-auto-tls=true uses self-signed certificates',
      ],
    },
    {
      name: '--client-cert-auth=false in a unit',
      build: ({ tree }) => etcdUnits(tree, members(1).map((m) => ({ ...m, extra: ['--client-cert-auth=false'] }))),
      findings: [`etcd-1 etcd-1/etc/systemd/system/etcd.service:${UNIT_FIRST_FLAG_LINE + 10}`],
    },
    {
      name: 'client-cert-auth false in the etcd config file',
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd/etcd.yaml', 'name: e1\nclient-transport-security:\n  client-cert-auth: false\npeer-transport-security:\n  client-cert-auth: true\n');
        tree.write('e1', '/etc/systemd/system/etcd.service', '[Service]\nExecStart=/usr/bin/etcd --config-file=/etc/etcd/etcd.yaml\n');
      },
      findings: ['e1 e1/etc/etcd/etcd.yaml:3'],
    },
  ],
});
