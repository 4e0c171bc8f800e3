import { parseCidr, type Cidr } from './net.js';
import { effective, listOf, type Effective } from './settings.js';
import type { Cluster } from '../../model/cluster.js';
import type { Component } from '../../model/types.js';

/** kube-apiserver's --service-cluster-ip-range when unset (pkg/controlplane/services.go). */
export const DEFAULT_SERVICE_RANGE = '10.0.0.0/24';

export interface NetworkSetting {
  component: Component;
  setting: Effective;
  cidrs: Cidr[];
}

function parsed(component: Component, setting: Effective | undefined): NetworkSetting | undefined {
  if (!setting) return undefined;
  const cidrs = listOf(setting.value).map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return cidrs.length > 0 ? { component, setting, cidrs } : undefined;
}

/** The service ranges the apiservers (with their default) and controller-managers are set to. */
export function serviceRanges(cluster: Cluster): NetworkSetting[] {
  return [
    ...cluster.componentsOf('kube-apiserver').map((c) => parsed(c, effective(c, 'service-cluster-ip-range', DEFAULT_SERVICE_RANGE))),
    ...cluster.componentsOf('kube-controller-manager').map((c) => parsed(c, effective(c, 'service-cluster-ip-range'))),
  ].filter((n): n is NetworkSetting => n !== undefined);
}

/** The pod network as the controller-manager and kube-proxy are set to it (--cluster-cidr, clusterCIDR). */
export function podRanges(cluster: Cluster): NetworkSetting[] {
  return [...cluster.componentsOf('kube-controller-manager'), ...cluster.componentsOf('kube-proxy')]
    .map((c) => parsed(c, effective(c, 'cluster-cidr')))
    .filter((n): n is NetworkSetting => n !== undefined);
}

/** Interfaces that carry pod or container traffic, not the host's own networks. */
export const POD_INTERFACES = /^(cni|flannel|cali|weave|vxlan|tunl|cilium|docker|kube-|veth|lo$|datapath|vethwe|genev|nodelocaldns)/;
