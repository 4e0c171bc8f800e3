/** Where CIS controls look, shared by the rules that carry their ids and the compliance engine. */
import path from 'node:path/posix';
import type { Cluster } from '../../model/cluster.js';

/** The kubeadm PKI folder, where CIS 1.1.19–1.1.21 look. */
export const KUBEADM_PKI = '/etc/kubernetes/pki';

/**
 * The control plane's PKI folder on a host: kubeadm's /etc/kubernetes/pki, else the folder
 * of the apiserver's client CA (kubespray's /etc/kubernetes/ssl, the hard way's /var/lib/kubernetes).
 */
export function pkiFolderOf(cluster: Cluster, host: string): string | undefined {
  if (cluster.fileFacts(host, KUBEADM_PKI)?.isDirectory) return KUBEADM_PKI;
  const apiserver = cluster.componentsOn(host).find((c) => c.kind === 'kube-apiserver' && c.definedAt.root >= 0);
  const clientCa = apiserver ? cluster.referenceOf(apiserver, 'client-ca-file') : undefined;
  if (!clientCa) return undefined;
  const dir = path.dirname(clientCa.hostPath);
  return dir !== '/' && cluster.fileFacts(host, dir)?.isDirectory ? dir : undefined;
}

/** Whether a private key file is one that CIS 1.1.21 judges: a `.key` file under the PKI folder. */
export function isPkiKeyFile(cluster: Cluster, host: string, hostPath: string): boolean {
  const dir = pkiFolderOf(cluster, host);
  return dir !== undefined && hostPath.startsWith(`${dir}/`) && hostPath.endsWith('.key');
}
