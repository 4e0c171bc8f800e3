/**
 * The kube-addon-manager static pod, as kube-up's GCE control planes run it:
 * kubernetes/kubernetes cluster/gce/manifests/kube-addon-manager.yaml
 * (https://github.com/kubernetes/kubernetes/blob/v1.29.3/cluster/gce/manifests/kube-addon-manager.yaml).
 * It applies /etc/kubernetes/addons, and only the objects labelled with a mode.
 */
export const ADDON_MANAGER_POD = `apiVersion: v1
kind: Pod
metadata:
  name: kube-addon-manager
  namespace: kube-system
  labels:
    component: kube-addon-manager
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  hostNetwork: true
  containers:
  - name: kube-addon-manager
    image: registry.k8s.io/addon-manager/kube-addon-manager:v9.1.8
    command:
    - /bin/bash
    - -c
    - exec /opt/kube-addons-main.sh 1>>/var/log/kube-addon-manager.log 2>&1
    resources:
      requests:
        cpu: 5m
        memory: 50Mi
    volumeMounts:
    - mountPath: /etc/kubernetes/
      name: addons
      readOnly: true
    - mountPath: /var/log
      name: varlog
      readOnly: false
  volumes:
  - hostPath:
      path: /etc/kubernetes/
    name: addons
  - hostPath:
      path: /var/log
    name: varlog
`;
