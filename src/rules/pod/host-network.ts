import { podSecurityRule } from '../lib/pod-security.js';

export default podSecurityRule({
  id: 'pod/host-network',
  cis: '5.2.5',
  title: 'A pod shares the host network namespace',
  description: 'With hostNetwork a pod binds the node\'s ports, reaches services on its loopback (the kubelet, etcd) and bypasses NetworkPolicies.',
  level: 'baseline',
  violations: (group) => (group.hostNetwork ? ['hostNetwork: true'] : []),
});
