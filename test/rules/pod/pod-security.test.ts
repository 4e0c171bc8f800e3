/**
 * CIS 5.2.2–5.2.6 as rows: for each, a pod that fails, one that passes, and the only
 * exceptions (a namespace labelled enforce=privileged, kube-system's system components) —
 * while an unlabelled or baseline-labelled namespace is no exception. Expected verdicts
 * follow kube-bench cfg/cis-1.12/policies.yaml: explicit `true` fails, unset passes.
 */
import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { namespace, pod, type PodOptions } from '../../support/cluster-objects.js';

interface Row {
  id: string;
  /** What makes a pod fail the control, and the words the finding uses for it. */
  bad: PodOptions;
  says: string;
  /** Set explicitly to false or left unset: passes. */
  good: PodOptions;
}

const ROWS: Row[] = [
  { id: 'pod/privileged-container', bad: { privileged: true }, says: 'container app is privileged', good: { privileged: false } },
  { id: 'pod/host-pid', bad: { hostPID: true }, says: 'hostPID: true', good: {} },
  { id: 'pod/host-ipc', bad: { hostIPC: true }, says: 'hostIPC: true', good: {} },
  { id: 'pod/host-network', bad: { hostNetwork: true }, says: 'hostNetwork: true', good: {} },
  { id: 'pod/privilege-escalation', bad: { allowPrivilegeEscalation: true }, says: 'container app sets allowPrivilegeEscalation: true', good: { allowPrivilegeEscalation: false } },
];

const NAMESPACES = [namespace('kube-system'), namespace('team-1'), namespace('team-2', 'baseline'), namespace('monitoring', 'privileged')];
const podAt = (ns: string, name: string) => `kubernetes ${API_SERVER}/api/v1/namespaces/${ns}/pods/${name}:1`;

for (const row of ROWS) {
  ruleTester(row.id, {
    valid: [
      { name: 'the field unset or false', api: { namespaces: NAMESPACES, pods: [pod('team-1', 'app', row.good), pod('team-1', 'plain')] }, build: () => undefined },
      { name: 'a namespace explicitly labelled pod-security.kubernetes.io/enforce: privileged', api: { namespaces: NAMESPACES, pods: [pod('monitoring', 'node-exporter', { ...row.bad, owner: { kind: 'DaemonSet', name: 'node-exporter' } })] }, build: () => undefined },
      {
        name: "kube-system's system components: a static pod's mirror, a system-node-critical DaemonSet",
        api: { namespaces: NAMESPACES, pods: [pod('kube-system', 'etcd-cp-1', { ...row.bad, mirror: true }), pod('kube-system', 'kube-proxy-x7k2p', { ...row.bad, owner: { kind: 'DaemonSet', name: 'kube-proxy' }, priorityClassName: 'system-node-critical' })] },
        build: () => undefined,
      },
    ],
    invalid: [
      {
        name: 'an unlabelled namespace is no exception',
        api: { namespaces: NAMESPACES, pods: [pod('team-1', 'debug', row.bad)] },
        build: () => undefined,
        findings: [podAt('team-1', 'debug')],
        messages: [`Pod team-1/debug: ${row.says}; namespace team-1 has no Pod Security label`],
        related: [`kubernetes ${API_SERVER}/api/v1/namespaces/team-1:1`],
      },
      {
        name: 'a baseline namespace (a pod admitted before the label), and a kube-system pod that is no system component',
        api: { namespaces: NAMESPACES, pods: [pod('team-2', 'old', { ...row.bad, owner: { kind: 'DaemonSet', name: 'old-agent' } }), pod('kube-system', 'debug', row.bad)] },
        build: () => undefined,
        findings: [podAt('kube-system', 'debug'), `kubernetes ${API_SERVER}/apis/apps/v1/namespaces/team-2/daemonsets/old-agent:1`],
        messages: [`Pod kube-system/debug: ${row.says}`, `DaemonSet team-2/old-agent (1 pod, e.g. old): ${row.says}; namespace team-2 enforces the baseline Pod Security level`],
      },
    ],
  });
}

ruleTester('pod/privileged-container', {
  valid: [{ name: 'a container with privileged: false', api: { namespaces: NAMESPACES, pods: [pod('team-1', 'migrate', { privileged: false })] }, build: () => undefined }],
  invalid: [
    {
      name: 'a privileged init container (kube-bench looks at containers only; kaudit at every container)',
      api: { namespaces: NAMESPACES, pods: [pod('team-1', 'migrate', { initPrivileged: true })] },
      build: () => undefined,
      findings: [podAt('team-1', 'migrate')],
      messages: ['Pod team-1/migrate: init container setup is privileged'],
    },
  ],
});
