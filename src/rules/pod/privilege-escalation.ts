import { containerText, podSecurityRule } from '../lib/pod-security.js';

export default podSecurityRule({
  id: 'pod/privilege-escalation',
  cis: '5.2.6',
  title: 'A container allows privilege escalation explicitly',
  description: 'allowPrivilegeEscalation: true lets a process gain more privileges than its parent (setuid binaries, file capabilities).',
  level: 'restricted',
  violations: (group) => group.containers.filter((c) => c.allowPrivilegeEscalation === true).map((c) => `${containerText(c)} sets allowPrivilegeEscalation: true`),
});
