import { ruleTester } from '../../support/rule-tester.js';

const SERVICE_ACCOUNT = (labels: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: coredns\n  namespace: kube-system\n${labels}`;

ruleTester('addons/missing-mode-label', {
  valid: [
    { name: 'Reconcile', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/dns/sa.yaml', SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n')) },
    { name: 'EnsureExists, in a multi-document file', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/sc.yaml', `${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: EnsureExists\n')}---\n${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n')}`) },
    { name: 'a manifest outside the addons folder needs no label', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/manifests-extra/sa.yaml', SERVICE_ACCOUNT('')) },
  ],
  invalid: [
    {
      name: 'no label, and a misspelt mode in the second document',
      build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/dns/coredns.yaml', `${SERVICE_ACCOUNT('  labels:\n    k8s-app: kube-dns\n')}---\n${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: reconcile\n')}`),
      findings: ['m m/etc/kubernetes/addons/dns/coredns.yaml:6', 'm m/etc/kubernetes/addons/dns/coredns.yaml:15'],
      messages: ['ServiceAccount coredns in /etc/kubernetes/addons/dns/coredns.yaml has no addonmanager.kubernetes.io/mode label', 'has addonmanager.kubernetes.io/mode: reconcile'],
    },
    {
      name: 'no labels at all',
      build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/sa.yaml', SERVICE_ACCOUNT('')),
      findings: ['m m/etc/kubernetes/addons/sa.yaml:3'],
    },
  ],
});
