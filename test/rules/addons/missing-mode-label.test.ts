import { ADDON_MANAGER_POD } from '../../support/addon-manager.js';
import { ruleTester } from '../../support/rule-tester.js';
import type { TreeWriter } from '../../support/tree.js';

/** The host runs kube-addon-manager (a static pod): it applies /etc/kubernetes/addons. */
function withAddonManager(tree: TreeWriter, host: string): void {
  tree.write(host, '/etc/kubernetes/manifests/kube-addon-manager.yaml', ADDON_MANAGER_POD);
}

const SERVICE_ACCOUNT = (labels: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: coredns\n  namespace: kube-system\n${labels}`;

ruleTester('addons/missing-mode-label', {
  valid: [
    { name: 'Reconcile', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/dns/sa.yaml', SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n')) },
    { name: 'EnsureExists, in a multi-document file', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/sc.yaml', `${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: EnsureExists\n')}---\n${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n')}`) },
    { name: 'a manifest outside the addons folder needs no label', build: ({ tree }) => void tree.write('m', '/etc/kubernetes/manifests-extra/sa.yaml', SERVICE_ACCOUNT('')) },
    {
      name: "kubespray's addons folder, which kubespray applies itself (no addon manager runs)",
      build: ({ tree }) => {
        tree.write('node1', '/etc/kubernetes/ssl/ca.crt', '');
        tree.write('node1', '/etc/kubernetes/addons/dashboard/dashboard.yaml', SERVICE_ACCOUNT('  labels:\n    k8s-app: kubernetes-dashboard\n'));
      },
    },
    {
      name: 'an addon manager reads the addons of its own host, not those of another host',
      build: ({ tree }) => {
        withAddonManager(tree, 'm1');
        tree.write('m2', '/etc/kubernetes/addons/sa.yaml', SERVICE_ACCOUNT(''));
      },
    },
  ],
  invalid: [
    {
      name: 'no label, and a misspelt mode in the second document',
      build: ({ tree }) => {
        withAddonManager(tree, 'm');
        tree.write('m', '/etc/kubernetes/addons/dns/coredns.yaml', `${SERVICE_ACCOUNT('  labels:\n    k8s-app: kube-dns\n')}---\n${SERVICE_ACCOUNT('  labels:\n    addonmanager.kubernetes.io/mode: reconcile\n')}`);
      },
      findings: ['m m/etc/kubernetes/addons/dns/coredns.yaml:6', 'm m/etc/kubernetes/addons/dns/coredns.yaml:15'],
      messages: ['ServiceAccount coredns in /etc/kubernetes/addons/dns/coredns.yaml has no addonmanager.kubernetes.io/mode label', 'has addonmanager.kubernetes.io/mode: reconcile'],
    },
    {
      name: 'no labels at all',
      build: ({ tree }) => {
        withAddonManager(tree, 'm');
        tree.write('m', '/etc/kubernetes/addons/sa.yaml', SERVICE_ACCOUNT(''));
      },
      findings: ['m m/etc/kubernetes/addons/sa.yaml:3'],
    },
    {
      name: 'the addon manager runs as a process (kube-addons-main.sh in a snapshot of /proc)',
      build: ({ tree }) => {
        tree.write('m', '/proc/812/cmdline', ['/bin/bash', '/opt/kube-addons-main.sh', ''].join('\0'));
        tree.write('m', '/etc/kubernetes/addons/sa.yaml', SERVICE_ACCOUNT(''));
      },
      findings: ['m m/etc/kubernetes/addons/sa.yaml:3'],
    },
  ],
});
