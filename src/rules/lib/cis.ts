/** Where CIS controls look, shared by the rules that carry their ids and the compliance engine. */
import path from 'node:path/posix';
import type { Cluster } from '../../model/cluster.js';

/** The kubeadm PKI folder, where CIS 1.1.19–1.1.21 look. */
export const KUBEADM_PKI = '/etc/kubernetes/pki';

/**
 * The control plane's PKI folder on a host: the folder of the apiserver's client CA
 * (kubeadm's /etc/kubernetes/pki, kubespray's /etc/kubernetes/ssl, kOps's /srv/kubernetes —
 * where /etc/kubernetes/pki is etcd-manager's —, the hard way's /var/lib/kubernetes), else
 * kubeadm's folder.
 */
export function pkiFolderOf(cluster: Cluster, host: string): string | undefined {
  let byHost = clientCaFolders.get(cluster);
  if (!byHost) {
    // Asked once per key file: the folders of every host's client CA, found in one pass.
    byHost = new Map();
    for (const ref of cluster.fileRefs) {
      if (ref.setting === 'client-ca-file' && ref.owner?.kind === 'kube-apiserver' && ref.owner.definedAt.root >= 0) byHost.set(ref.host, path.dirname(ref.hostPath));
    }
    clientCaFolders.set(cluster, byHost);
  }
  const dir = byHost.get(host);
  if (dir && dir !== '/' && cluster.fileFacts(host, dir)?.isDirectory) return dir;
  return cluster.fileFacts(host, KUBEADM_PKI)?.isDirectory ? KUBEADM_PKI : undefined;
}

const clientCaFolders = new WeakMap<Cluster, Map<string, string>>();

/** Whether a private key file is one that CIS 1.1.21 judges: a `.key` file under the PKI folder. */
export function isPkiKeyFile(cluster: Cluster, host: string, hostPath: string): boolean {
  const dir = pkiFolderOf(cluster, host);
  return dir !== undefined && hostPath.startsWith(`${dir}/`) && hostPath.endsWith('.key');
}
