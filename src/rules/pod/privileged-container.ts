import { containerText, podSecurityRule } from '../lib/pod-security.js';

export default podSecurityRule({
  id: 'pod/privileged-container',
  cis: '5.2.2',
  title: 'A privileged container runs outside the allowed exceptions',
  description: 'A privileged container has every capability and every device of its node: escaping to the host is one command away.',
  level: 'baseline',
  violations: (group) => group.containers.filter((c) => c.privileged === true).map((c) => `${containerText(c)} is privileged`),
});
