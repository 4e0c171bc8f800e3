import { defineRule } from '../rule.js';
import { isPkiKeyFile } from '../lib/cis.js';

export default defineRule({
  id: 'pki/key-permissions',
  level: 'warning',
  title: 'Private key readable by group or others',
  description: 'Any local user or process that can read a private key can impersonate the component it belongs to.',
  fix: 'fix',
  tags: ['pki', 'security', 'CIS-1.1.21'],
  check(cluster, context, report) {
    const reported = new Set<string>();
    context.each(cluster.keys, (key) => {
      if (!key.isPrivate || key.mode === undefined || (key.mode & 0o077) === 0) return;
      // A kubeconfig's client-key-data is a private key in that file: the file is the key file.
      const file = key.hostPath.split('#')[0];
      const fileKey = `${key.host}\u0000${file}`;
      if (reported.has(fileKey)) return;
      reported.add(fileKey);
      const mode = key.mode.toString(8).padStart(4, '0');
      const who = [key.mode & 0o070 ? 'group' : '', key.mode & 0o007 ? 'others' : ''].filter(Boolean).join(' and ');
      const what = key.embeddedIn === 'kubeconfig' ? `kubeconfig ${file} holds a private key (client-key-data) and` : `private key file ${file}`;
      const cis = isPkiKeyFile(cluster, key.host, file) ? ['1.1.21'] : [];
      report({ message: `${what} has mode ${mode}: readable by ${who} (want 0600)`, at: key.embeddedIn ? key.at : { ...key.at, line: 1 }, key: file, fix: { kind: 'chmod', file: { host: key.host, hostPath: file }, mode: 0o600 }, cis });
    });
  },
});
