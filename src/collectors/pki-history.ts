/**
 * The kubelet's certificate manager writes each certificate it gets as
 * `<prefix>-<date>.pem` in its cert folder and points `<prefix>-current.pem` at the newest
 * (kubelet-client-current.pem, kubelet-server-current.pem). The older files stay: history,
 * used by nothing, and not credentials that expire.
 */
import path from 'node:path/posix';
import type { HostContext } from './context.js';
import type { Certificate } from '../model/types.js';

const ROTATED = /^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})\.pem$/;

/** Marks the rotated certificates of this host that a `-current.pem` link no longer points at, unless something names them. */
export function markSupersededCertificates(ctx: HostContext, certificates: Certificate[]): void {
  const referenced = new Set(ctx.cluster.fileRefs.filter((r) => r.host === ctx.host.name).map((r) => r.hostPath));
  const currentOf = new Map<string, string | undefined>();
  for (const cert of certificates) {
    const match = ROTATED.exec(path.basename(cert.hostPath));
    if (!match || cert.embeddedIn || referenced.has(cert.hostPath)) continue;
    const link = `${path.dirname(cert.hostPath)}/${match[1]}-current.pem`;
    if (!currentOf.has(link)) currentOf.set(link, ctx.fs.exists(link) ? ctx.canonical(link) : undefined);
    const current = currentOf.get(link);
    if (current && current !== cert.hostPath) cert.supersededBy = current;
  }
}
