import { ruleTester } from '../../support/rule-tester.js';
import { POD_FIRST_FLAG_LINE, staticPod, unit, UNIT_FIRST_FLAG_LINE } from '../../support/hosts.js';
import { procNetRoute } from '../../support/routes.js';

ruleTester('network/cidr-conflict', {
  valid: [
    {
      name: 'separate service, pod and host networks; components agree',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-apiserver', ['--service-cluster-ip-range=10.32.0.0/24']);
        unit(tree, 'c0', 'kube-controller-manager', ['--service-cluster-ip-range=10.32.0.0/24', '--cluster-cidr=10.200.0.0/16']);
        tree.write('w0', '/var/lib/kube-proxy/kube-proxy-config.yaml', 'kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: "10.200.0.0/16"\n');
        unit(tree, 'w0', 'kube-proxy', ['--config=/var/lib/kube-proxy/kube-proxy-config.yaml']);
        tree.write('w0', '/proc/net/route', procNetRoute([['ens4', '0.0.0.0/0', '10.240.0.1'], ['ens4', '10.240.0.0/24'], ['cnio0', '10.200.0.0/24']]));
      },
    },
  ],
  invalid: [
    {
      name: 'the controller-manager disagrees with the apiserver, and kube-proxy with the controller-manager',
      build: ({ tree }) => {
        staticPod(tree, 'cp', 'kube-apiserver', ['--service-cluster-ip-range=10.96.0.0/12']);
        staticPod(tree, 'cp', 'kube-controller-manager', ['--service-cluster-ip-range=10.96.0.0/16', '--cluster-cidr=10.244.0.0/16']);
        tree.write('w', '/var/lib/kube-proxy/config.conf', 'kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.245.0.0/16\n');
        unit(tree, 'w', 'kube-proxy', ['--config=/var/lib/kube-proxy/config.conf']);
      },
      findings: [`cp cp/etc/kubernetes/manifests/kube-controller-manager.yaml:${POD_FIRST_FLAG_LINE}`, 'w w/var/lib/kube-proxy/config.conf:3'],
      messages: ['components disagree on the service network: kube-controller-manager on cp --service-cluster-ip-range=10.96.0.0/16', 'components disagree on the pod network: kube-proxy on w --cluster-cidr=10.245.0.0/16'],
    },
    {
      name: 'the service network inside the pod network and the host network (the default 10.0.0.0/24 on a 10.0.0.0/16 LAN)',
      build: ({ tree }) => {
        unit(tree, 'c0', 'kube-apiserver', ['--advertise-address=10.0.0.11']);
        unit(tree, 'c0', 'kube-controller-manager', ['--cluster-cidr=10.0.0.0/8']);
        tree.write('c0', '/proc/net/route', procNetRoute([['eth0', '0.0.0.0/0', '10.0.0.1'], ['eth0', '10.0.0.0/16']]));
      },
      findings: [
        `c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE - 1}`,
        `c0 c0/etc/systemd/system/kube-apiserver.service:${UNIT_FIRST_FLAG_LINE - 1}`,
        `c0 c0/etc/systemd/system/kube-controller-manager.service:${UNIT_FIRST_FLAG_LINE}`,
      ],
      messages: [
        'the service network 10.0.0.0/24 overlaps the host network 10.0.0.0/16 (eth0 on c0)',
        'the service network 10.0.0.0/24 overlaps the pod network 10.0.0.0/8',
        'the pod network 10.0.0.0/8 overlaps the host network 10.0.0.0/16 (eth0 on c0)',
      ],
    },
  ],
});
