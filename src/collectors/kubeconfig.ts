import path from 'node:path/posix';
import type { HostContext } from './context.js';
import { kubeconfigUserOf } from './layouts/index.js';
import { readPemText } from './pki-files.js';
import { asArray, asRecord, asString, type YamlDocument } from './yaml-source.js';
import type { FilePurpose, FileReference, Kubeconfig, KubeconfigCluster, KubeconfigUser } from '../model/types.js';

export function isKubeconfig(data: unknown): boolean {
  const doc = asRecord(data);
  return !!doc && doc.kind === 'Config' && (Array.isArray(doc.clusters) || Array.isArray(doc.users));
}

/** kubeadm's and the hard way's kubeconfig file names, for the component that uses each. */
const KNOWN_USERS: Array<[RegExp, Kubeconfig['usedBy']]> = [
  [/(^|\/)(kubelet\.conf|kubelet\.kubeconfig|bootstrap-kubelet\.conf)$|\/var\/lib\/kubelet\/kubeconfig$/, 'kubelet'],
  [/(^|\/)(controller-manager\.conf|kube-controller-manager\.kubeconfig)$/, 'kube-controller-manager'],
  [/(^|\/)(scheduler\.conf|kube-scheduler\.kubeconfig)$/, 'kube-scheduler'],
  [/(^|\/)kube-proxy\.kubeconfig$|\/var\/lib\/kube-proxy\/kubeconfig$/, 'kube-proxy'],
];

/**
 * Reads a kubeconfig: its clusters and users, the files it names, and its embedded
 * certificates (parsed into the model at the line of their key). Tokens and keys are
 * noted as present, never kept.
 */
export function readKubeconfig(ctx: HostContext, hostPath: string, doc: YamlDocument): Kubeconfig {
  const data = asRecord(doc.data)!;
  const dir = path.dirname(hostPath);
  const refs: FileReference[] = [];
  const at = (key: string) => ctx.at(hostPath, doc.lines.get(key));

  const reference = (setting: string, purpose: FilePurpose, written: string, key: string): string => {
    const target = ctx.canonical(path.resolve(dir, written));
    refs.push({ host: ctx.host.name, setting, purpose, written, hostPath: target, mounted: true, exists: ctx.fs.exists(target), at: at(key) });
    return target;
  };
  // An embedded key is as readable as the kubeconfig that holds it: it takes the file's mode.
  const mode = ctx.cluster.fileFacts(ctx.host.name, hostPath)?.mode;
  const embedded = (setting: string, purpose: FilePurpose, base64: string, key: string): string => {
    const target = `${hostPath}#${key}`;
    const text = Buffer.from(base64, 'base64').toString('utf8');
    readPemText(ctx, target, text, at(key), 'kubeconfig', mode);
    refs.push({ host: ctx.host.name, setting, purpose, written: `${key} (embedded)`, hostPath: target, mounted: true, exists: true, at: at(key) });
    return target;
  };

  const clusters: KubeconfigCluster[] = asArray(data.clusters).map((entry, index) => {
    const cluster = asRecord(asRecord(entry)?.cluster) ?? {};
    const base = `clusters.${index}.cluster`;
    const caData = asString(cluster['certificate-authority-data']);
    const caFile = asString(cluster['certificate-authority']);
    const result: KubeconfigCluster = { name: asString(asRecord(entry)?.name) ?? `#${index}`, at: at(`clusters.${index}`) };
    const server = asString(cluster.server);
    if (server) result.server = server;
    if (caData) result.caHostPath = embedded('certificate-authority-data', 'ca', caData, `${base}.certificate-authority-data`);
    else if (caFile) result.caHostPath = reference('certificate-authority', 'ca', caFile, `${base}.certificate-authority`);
    return result;
  });

  const users: KubeconfigUser[] = asArray(data.users).map((entry, index) => {
    const user = asRecord(asRecord(entry)?.user) ?? {};
    const base = `users.${index}.user`;
    const result: KubeconfigUser = {
      name: asString(asRecord(entry)?.name) ?? `#${index}`,
      hasToken: user.token !== undefined || user.tokenFile !== undefined,
      hasBasicAuth: user.password !== undefined,
      at: at(`users.${index}`),
    };
    // A bootstrap token is `<id>.<secret>`: the id is public (the Secret's name), the secret half is never kept.
    const tokenId = /^([a-z0-9]{6})\.[a-z0-9]{16}$/.exec(asString(user.token) ?? '')?.[1];
    if (tokenId) result.tokenId = tokenId;
    const certData = asString(user['client-certificate-data']);
    const certFile = asString(user['client-certificate']);
    const keyData = asString(user['client-key-data']);
    const keyFile = asString(user['client-key']);
    if (certData) result.certHostPath = embedded('client-certificate-data', 'cert', certData, `${base}.client-certificate-data`);
    else if (certFile) result.certHostPath = reference('client-certificate', 'cert', certFile, `${base}.client-certificate`);
    if (keyData) result.keyHostPath = embedded('client-key-data', 'key', keyData, `${base}.client-key-data`);
    else if (keyFile) result.keyHostPath = reference('client-key', 'key', keyFile, `${base}.client-key`);
    return result;
  });

  const usedBy = KNOWN_USERS.find(([pattern]) => pattern.test(hostPath))?.[1] ?? kubeconfigUserOf(hostPath);
  const kubeconfig: Kubeconfig = { host: ctx.host.name, hostPath, at: ctx.at(hostPath, doc.line), clusters, users, refs };
  if (usedBy) kubeconfig.usedBy = usedBy;
  return kubeconfig;
}
