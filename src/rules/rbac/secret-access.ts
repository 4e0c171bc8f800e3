import { accessRule } from '../lib/access.js';

export default accessRule({
  id: 'rbac/secret-access',
  cis: '5.1.2',
  title: 'Every user (or every service account) may read Secrets',
  description: 'A binding that lets a broad group get, list or watch Secrets hands every token, password and key in them to anyone who can authenticate (or to anyone at all).',
  verbs: ['get', 'list', 'watch'],
  apiGroup: '',
  resource: 'secrets',
});
