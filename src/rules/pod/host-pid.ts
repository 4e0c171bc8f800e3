import { podSecurityRule } from '../lib/pod-security.js';

export default podSecurityRule({
  id: 'pod/host-pid',
  cis: '5.2.3',
  title: 'A pod shares the host PID namespace',
  description: 'With hostPID a pod sees every process of its node, their environment and open files, and may signal or trace them.',
  level: 'baseline',
  violations: (group) => (group.hostPID ? ['hostPID: true'] : []),
});
