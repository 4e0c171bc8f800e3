import { accessRule } from '../lib/access.js';

export default accessRule({
  id: 'rbac/pod-create-access',
  cis: '5.1.4',
  title: 'Every user (or every service account) may create pods',
  description: 'Whoever may create pods may run any image with any service account of the namespace, and mount what those can read: a broad group with that right escalates at will.',
  verbs: ['create'],
  apiGroup: '',
  resource: 'pods',
});
