import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, staticPodText, unit } from '../../support/hosts.js';

/** A process as /proc/<pid>/cmdline holds it. */
function cmdline(...argv: string[]): string {
  return `${argv.join('\0')}\0`;
}

const APISERVER = ['--anonymous-auth=false', '--authorization-mode=Node,RBAC'];

ruleTester('component/restart-pending', {
  valid: [
    {
      name: 'a static pod whose container runs its command line',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', APISERVER);
        tree.write('cp', '/proc/1201/cmdline', cmdline('kube-apiserver', ...APISERVER));
      },
    },
    {
      name: "a kubelet whose process runs its unit's flags (its config file's settings are not on the command line)",
      build: ({ tree }) => {
        tree.write('w', '/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nrotateCertificates: true\n');
        unit(tree, 'w', 'kubelet', ['--config=/var/lib/kubelet/config.yaml']);
        tree.write('w', '/proc/900/cmdline', cmdline('/usr/local/bin/kubelet', '--config=/var/lib/kubelet/config.yaml'));
      },
    },
    {
      name: "kubespray's etcd: the unit's env file and the process's ETCD_* environment agree",
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd.env', 'ETCD_NAME=e1\nETCD_CLIENT_CERT_AUTH=true\n');
        tree.write('e1', '/etc/systemd/system/etcd.service', '[Service]\nEnvironmentFile=/etc/etcd.env\nExecStart=/usr/local/bin/etcd\n');
        tree.write('e1', '/proc/77/cmdline', cmdline('/usr/local/bin/etcd'));
        tree.write('e1', '/proc/77/environ', cmdline('HOME=/root', 'ETCD_NAME=e1', 'ETCD_CLIENT_CERT_AUTH=true', 'ETCDCTL_API=3'));
      },
    },
    {
      name: 'a go-runner wrapper and its child run one command line: one component, no difference',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', APISERVER);
        tree.write('cp', '/proc/1200/cmdline', cmdline('/go-runner', '--log-file=/var/log/kube-apiserver.log', 'kube-apiserver', ...APISERVER));
        tree.write('cp', '/proc/1201/cmdline', cmdline('kube-apiserver', ...APISERVER));
      },
    },
  ],
  invalid: [
    {
      name: 'a static pod changed since its container started (the manifest is what a restart runs)',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', APISERVER);
        tree.write('cp', '/proc/1201/cmdline', cmdline('kube-apiserver', '--anonymous-auth=true', '--authorization-mode=Node,RBAC', '--profiling=true'));
      },
      findings: ['cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:1'],
      messages: ['kube-apiserver on cp needs a restart: its running process (pid 1201) differs from its definition (--anonymous-auth runs as true, set to false; --profiling=true runs but is no longer set)'],
      related: ['cp cp/proc/1201/cmdline:1', `cp cp/etc/kubernetes/manifests/kube-apiserver.yaml:${POD_FIRST_FLAG_LINE}`],
    },
    {
      name: 'a unit whose ExecStart gained a flag the process does not run',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-scheduler', ['--kubeconfig=/var/lib/kubernetes/kube-scheduler.kubeconfig', '--profiling=false']);
        tree.write('c0', '/proc/300/cmdline', cmdline('/usr/local/bin/kube-scheduler', '--kubeconfig=/var/lib/kubernetes/kube-scheduler.kubeconfig'));
      },
      findings: ['c0 c0/etc/systemd/system/kube-scheduler.service:1'],
      messages: ['--profiling=false is set but does not run'],
    },
    {
      name: "etcd's env file changed since it started (the process's environment shows the old value)",
      build: ({ tree }) => {
        tree.write('e1', '/etc/etcd.env', 'ETCD_NAME=e1\nETCD_PEER_CLIENT_CERT_AUTH=true\n');
        tree.write('e1', '/etc/systemd/system/etcd.service', '[Service]\nEnvironmentFile=/etc/etcd.env\nExecStart=/usr/local/bin/etcd\n');
        tree.write('e1', '/proc/77/cmdline', cmdline('/usr/local/bin/etcd'));
        tree.write('e1', '/proc/77/environ', cmdline('ETCD_NAME=e1', 'ETCD_PEER_CLIENT_CERT_AUTH=false'));
      },
      findings: ['e1 e1/etc/systemd/system/etcd.service:1'],
      messages: ['--peer-client-cert-auth runs as false, set to true'],
    },
    {
      name: "RKE2: config.yaml's kube-apiserver-arg added since the last start, against the pod RKE2 generated then",
      build: ({ tree }) => {
        tree.write('r1', '/etc/rancher/rke2/config.yaml', 'kube-apiserver-arg:\n  - "profiling=true"\n');
        tree.write('r1', '/usr/local/lib/systemd/system/rke2-server.service', '[Service]\nExecStart=/usr/local/bin/rke2 server\n');
        tree.write('r1', '/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml', staticPodText('kube-apiserver', ['--profiling=false', '--anonymous-auth=false'], { image: 'index.docker.io/rancher/hardened-kubernetes:v1.31.4-rke2r1-build20250113' }));
      },
      findings: ['r1 r1/etc/rancher/rke2/config.yaml:1'],
      messages: ['kube-apiserver on r1 needs a restart: what its distribution generated at the last start differs from its definition (--profiling runs as false, set to true)'],
    },
    {
      name: "k3s: the k3s process started with a flag its unit no longer gives (every component runs inside it)",
      build: ({ tree }) => {
        tree.write('s1', '/etc/systemd/system/k3s.service', '[Service]\nExecStart=/usr/local/bin/k3s \\\n    server \\\n\n');
        tree.write('s1', '/etc/rancher/k3s/config.yaml', 'cluster-init: true\n');
        tree.write('s1', '/proc/500/cmdline', cmdline('/usr/local/bin/k3s', 'server', '--kube-controller-manager-arg=terminated-pod-gc-threshold=10'));
      },
      findings: ['s1 s1/etc/rancher/k3s/config.yaml:1'],
      messages: ['kube-controller-manager on s1 needs a restart: its running process (pid 500) differs from its definition (--terminated-pod-gc-threshold=10 runs but is no longer set)'],
    },
  ],
});
