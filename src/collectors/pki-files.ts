import type fs from 'node:fs';
import type { HostContext } from './context.js';
import { keyFormatOf, looksLikeDer, readCertificate, readKeyBlock, scanPem } from './pem.js';
import type { SourceLocation } from '../model/types.js';

/** Labels that are neither certificates nor keys, but may sit in the same files. */
const IGNORED_LABELS = new Set(['EC PARAMETERS', 'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST', 'X509 CRL', 'DH PARAMETERS']);

/**
 * Reads every certificate and key of a PEM text into the model. `embeddedAt` places
 * all blocks at one location (a kubeconfig's `*-data` field); otherwise each block is
 * located at its BEGIN line.
 * Returns how many certificates and keys were read.
 */
export function readPemText(
  ctx: HostContext,
  hostPath: string,
  text: string,
  embeddedAt?: SourceLocation,
  embeddedIn?: 'kubeconfig',
  mode?: number,
): number {
  const { blocks, problems } = scanPem(text);
  for (const problem of problems) ctx.warn(hostPath, problem);
  let read = 0;
  let certIndex = 0;
  for (const block of blocks) {
    const at = embeddedAt ?? ctx.at(hostPath, block.line);
    if (block.label === 'CERTIFICATE' || block.label === 'TRUSTED CERTIFICATE') {
      try {
        const cert = readCertificate(block.der, at, hostPath, certIndex++);
        if (embeddedIn) cert.embeddedIn = embeddedIn;
        if (mode !== undefined) cert.mode = mode;
        ctx.cluster.certificates.push(cert);
        read++;
      } catch {
        ctx.warn(hostPath, `certificate at line ${embeddedAt?.line ?? block.line} cannot be parsed`);
      }
      continue;
    }
    const format = keyFormatOf(block.label);
    if (!format) {
      if (!IGNORED_LABELS.has(block.label)) ctx.warn(hostPath, `unknown PEM block "${block.label}" at line ${block.line}`);
      continue;
    }
    try {
      const publicKey = readKeyBlock(block, format);
      // In a snapshot taken without keys, a public key stands where the private key was.
      const standIn = format === 'public' && (ctx.snapshot?.publicHalves?.has(hostPath.split('#')[0]) ?? false);
      ctx.cluster.keys.push({
        host: ctx.host.name,
        hostPath,
        at,
        format,
        isPrivate: format !== 'public' || standIn,
        ...(standIn ? { publicHalfOnly: true } : {}),
        ...(publicKey ? { publicKey } : {}),
        ...(mode !== undefined ? { mode } : {}),
        ...(embeddedIn ? { embeddedIn } : {}),
      });
      read++;
    } catch {
      ctx.warn(hostPath, `${format === 'public' ? 'public' : 'private'} key at line ${embeddedAt?.line ?? block.line} cannot be parsed`);
    }
  }
  return read;
}

/** Reads a certificate or key file: PEM, or a single DER certificate. */
export function readPkiFile(ctx: HostContext, hostPath: string, data: Buffer, stat: fs.Stats): void {
  const mode = ctx.modeOf(hostPath, stat);
  const isBinary = data.subarray(0, 8192).includes(0);
  if (isBinary || !data.includes('-----BEGIN')) {
    if (looksLikeDer(data)) {
      try {
        const cert = readCertificate(data, ctx.at(hostPath, 1), hostPath, 0);
        if (mode !== undefined) cert.mode = mode;
        ctx.cluster.certificates.push(cert);
        return;
      } catch {
        // not a DER certificate either; warned below
      }
    }
    if (data.length > 0) ctx.warn(hostPath, isBinary ? 'binary file that is neither a PEM nor a DER certificate; skipped' : 'no PEM block found');
    return;
  }
  readPemText(ctx, hostPath, data.toString('utf8'), undefined, undefined, mode);
}
