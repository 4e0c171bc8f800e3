import { podSecurityRule } from '../lib/pod-security.js';

export default podSecurityRule({
  id: 'pod/host-ipc',
  cis: '5.2.4',
  title: 'A pod shares the host IPC namespace',
  description: 'With hostIPC a pod reads and writes the shared memory and message queues of every process on its node.',
  level: 'baseline',
  violations: (group) => (group.hostIPC ? ['hostIPC: true'] : []),
});
