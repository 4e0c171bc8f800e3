import { ruleTester } from '../../support/rule-tester.js';
import { staticPod } from '../../support/hosts.js';

const deployment = (scheduler: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      schedulerName: ${scheduler}
      containers:
      - name: web
        image: nginx
`;

ruleTester('scheduler/unknown-scheduler', {
  valid: [
    { name: 'default-scheduler with a stock kube-scheduler', build: ({ tree }) => { staticPod(tree, 'cp', 'kube-scheduler', ['--kubeconfig=/etc/kubernetes/scheduler.conf']); tree.write('cp', '/etc/kubernetes/addons/web.yaml', deployment('default-scheduler')); } },
    {
      name: 'a second profile of the scheduler config',
      build: ({ tree }) => {
        tree.write('cp', '/etc/kubernetes/scheduler-config.yaml', 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n- schedulerName: bin-packing\n');
        staticPod(tree, 'cp', 'kube-scheduler', ['--config=/etc/kubernetes/scheduler-config.yaml'], { mounts: ['/etc/kubernetes'] });
        tree.write('cp', '/etc/kubernetes/addons/web.yaml', deployment('bin-packing'));
      },
    },
  ],
  invalid: [
    {
      name: 'a workload naming a scheduler nobody runs',
      build: ({ tree }) => { staticPod(tree, 'cp', 'kube-scheduler', ['--kubeconfig=/etc/kubernetes/scheduler.conf']); tree.write('cp', '/etc/kubernetes/addons/web.yaml', deployment('my-scheduler')); },
      findings: ['cp cp/etc/kubernetes/addons/web.yaml:8'],
      messages: ['Deployment web names schedulerName my-scheduler, which no scheduler serves (known: default-scheduler): its pods stay Pending'],
    },
    {
      name: 'a CronJob naming a scheduler when the scan holds no scheduler at all',
      build: ({ tree }) => void tree.write('m', '/etc/kubernetes/addons/job.yaml', 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          schedulerName: volcano\n          containers: []\n'),
      findings: ['m m/etc/kubernetes/addons/job.yaml:10'],
    },
  ],
});
