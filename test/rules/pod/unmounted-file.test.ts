import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit } from '../../support/hosts.js';
import { AUDIT_POLICY, encryptionConfig } from '../../support/kubeadm.js';

const ADMISSION = 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n';
const SCHEDULER_CONFIG = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';
const MANIFEST = 'cp/etc/kubernetes/manifests/kube-apiserver.yaml';

ruleTester('pod/unmounted-file', {
  valid: [
    {
      name: 'an audit policy inside a hostPath mount of the pod',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/audit/policy.yaml', AUDIT_POLICY);
        staticPod(tree, 'cp', 'kube-apiserver', ['--audit-policy-file=/etc/kubernetes/audit/policy.yaml'], { mounts: ['/etc/kubernetes/audit'] });
      },
    },
    {
      name: 'a kubeconfig mounted as a file of its own (kubeadm mounts scheduler.conf with FileOrCreate)',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/scheduler.conf', 'apiVersion: v1\nkind: Config\n');
        staticPod(tree, 'cp', 'kube-scheduler', ['--kubeconfig=/etc/kubernetes/scheduler.conf'], { mounts: ['/etc/kubernetes/scheduler.conf'] });
      },
    },
    {
      name: 'a missing certificate: pki/missing-file reports it (restoring it comes first)',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/ca.crt']),
    },
    {
      name: 'a missing encryption config: apiserver/no-encryption-at-rest reports it (the key must match the other apiservers)',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-apiserver', ['--encryption-provider-config=/etc/kubernetes/enc/enc.yaml'], { mounts: ['/etc/kubernetes/enc'] }),
    },
    {
      name: 'a unit names a config that is not there: no pod, no mount (a unit reads the host directly)',
      build: ({ tree }) => unit(tree, 'c0', 'kube-apiserver', ['--audit-policy-file=/etc/kubernetes/audit/policy.yaml']),
    },
  ],
  invalid: [
    {
      name: 'an audit policy on the host that no hostPath volume mounts (a "hardened" apiserver that does not start)',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/audit/policy.yaml', AUDIT_POLICY);
        tree.write('cp', '/etc/kubernetes/enc/enc.yaml', encryptionConfig(Buffer.alloc(32, 3).toString('base64')));
        staticPod(tree, 'cp', 'kube-apiserver', ['--audit-policy-file=/etc/kubernetes/audit/policy.yaml', '--encryption-provider-config=/etc/kubernetes/enc/enc.yaml'], { mounts: ['/etc/kubernetes/pki'] });
      },
      findings: [`cp ${MANIFEST}:${POD_FIRST_FLAG_LINE}`, `cp ${MANIFEST}:${POD_FIRST_FLAG_LINE + 1}`],
      messages: [
        'kube-apiserver --audit-policy-file=/etc/kubernetes/audit/policy.yaml: no hostPath volume mounts /etc/kubernetes/audit/policy.yaml into the static pod, so kube-apiserver cannot open it and does not start',
        'kube-apiserver --encryption-provider-config=/etc/kubernetes/enc/enc.yaml: no hostPath volume mounts',
      ],
    },
    {
      name: 'a pod with no volumes at all: the lists are added (one volumeMounts and one volumes key for both files)',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/audit/policy.yaml', AUDIT_POLICY);
        tree.write('cp', '/etc/kubernetes/admission/admission.yaml', ADMISSION);
        staticPod(tree, 'cp', 'kube-apiserver', ['--audit-policy-file=/etc/kubernetes/audit/policy.yaml', '--admission-control-config-file=/etc/kubernetes/admission/admission.yaml'], { mounts: [] });
      },
      findings: [`cp ${MANIFEST}:${POD_FIRST_FLAG_LINE}`, `cp ${MANIFEST}:${POD_FIRST_FLAG_LINE + 1}`],
    },
    {
      name: 'a scheduler config missing on the host, inside a mount',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-scheduler', ['--config=/etc/kubernetes/scheduler/config.yaml'], { mounts: ['/etc/kubernetes/scheduler'] }),
      findings: [`cp cp/etc/kubernetes/manifests/kube-scheduler.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['kube-scheduler --config=/etc/kubernetes/scheduler/config.yaml: /etc/kubernetes/scheduler/config.yaml does not exist on cp, so kube-scheduler does not start'],
      planOnly: 'a missing file must be restored by a person: kaudit does not invent a scheduler configuration',
    },
    {
      name: 'a kubeconfig missing on the host and outside every mount',
      build: ({ tree }) => staticPod(tree, 'cp', 'kube-controller-manager', ['--kubeconfig=/etc/kubernetes/controller-manager.conf'], { mounts: ['/etc/kubernetes/pki'] }),
      findings: [`cp cp/etc/kubernetes/manifests/kube-controller-manager.yaml:${POD_FIRST_FLAG_LINE}`],
      messages: ['/etc/kubernetes/controller-manager.conf does not exist on cp and no hostPath volume mounts it'],
      planOnly: 'a missing kubeconfig holds a credential that only its CA can issue',
    },
    {
      name: 'a scheduler config that exists but is not mounted',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/scheduler-config.yaml', SCHEDULER_CONFIG);
        staticPod(tree, 'cp', 'kube-scheduler', ['--config=/etc/kubernetes/scheduler-config.yaml'], { mounts: ['/etc/kubernetes/scheduler.conf'] });
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-scheduler.yaml:${POD_FIRST_FLAG_LINE}`],
    },
  ],
});
