/**
 * `kaudit collect`: writes what a scan of a live node read into a host root of its own —
 * the files at their paths, the command lines of the components that run, the routes —
 * with a snapshot manifest of the file modes. Private keys are replaced by their public
 * half, kubeconfig keys and tokens and encryption keys are masked, unless --include-keys.
 * Cluster folders are assembled from the snapshots of many nodes.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { HostFS } from '../collectors/hostfs.js';
import { SNAPSHOT_MANIFEST } from '../collectors/snapshot.js';
import type { Cluster } from '../model/cluster.js';
import { MASK, maskSecretsInText, secretValuesOf, type SecretValues } from '../model/secrets.js';
import type { Host } from '../model/types.js';
import { listFolder } from '../io/read.js';
import { createLink, ensureFolder, ensureUserFolder, guardSignals, removeLeftoverTemps, writeFileAtomic } from '../io/write.js';
import { safePathParts, sanitizeHostName } from '../util/names.js';

export interface CollectOptions {
  output: string;
  includeKeys: boolean;
}

export interface CollectResult {
  host: string;
  folder: string;
  files: number;
  masked: number;
  /** Files not written, with why (a path that cannot be written safely, a file gone since the scan). */
  skipped: string[];
}

const PRIVATE_BLOCK = /-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----[\s\S]*?-----END \1-----\n?/g;

/** A private key PEM block → the PEM of its public half (or a marker when it cannot be read). */
function publicHalf(block: string): string {
  try {
    return createPublicKey(createPrivateKey(block)).export({ type: 'spki', format: 'pem' }) as string;
  } catch {
    return '# private key left out by kaudit collect\n';
  }
}

/** Same length, same equalities, no secret: what the encryption rules need of a key. */
function maskSecret(secret: string): string {
  const decoded = Buffer.from(secret, 'base64');
  if (decoded.length === 0) return secret;
  const digest = Buffer.alloc(decoded.length);
  for (let offset = 0, round = 0; offset < decoded.length; round++) {
    offset += createHash('sha256').update(`${round}:`).update(decoded).digest().copy(digest, offset);
  }
  return digest.toString('base64');
}

/** The value kaudit collect writes in place of a secret: an encryption key keeps its length (encryption/weak-key judges it). */
function collectMarker(value: string): string {
  return /^[A-Za-z0-9+/]{16,}={0,2}$/.test(value) ? maskSecret(value) : 'REDACTED-by-kaudit-collect';
}

/**
 * Masks what must not leave the node; returns the new text and whether anything was
 * masked. Private keys become their public halves (the key rules still judge them);
 * every other secret value, by structure and by what the scan parsed as secret in any
 * YAML style, is replaced.
 */
export function maskSecrets(text: string, known?: SecretValues): { text: string; masked: boolean } {
  let out = text.replace(PRIVATE_BLOCK, publicHalf);
  out = out.replace(/^(\s*client-key-data:\s*)(\S+)\s*$/gm, (_, key: string, value: string) => {
    const pem = Buffer.from(value, 'base64').toString('utf8');
    return `${key}${Buffer.from(pem.replace(PRIVATE_BLOCK, publicHalf)).toString('base64')}`;
  });
  // The public halves just put in (as PEM, or as a kubeconfig's base64) stay.
  const isPublicHalf = (value: string) => /PUBLIC KEY-----/.test(value) || /^-----BEGIN PUBLIC KEY-----/.test(Buffer.from(value, 'base64').toString('utf8'));
  const keepKeyHalves = (value: string) => (isPublicHalf(value) ? value : collectMarker(value));
  out = maskSecretsInText(out, keepKeyHalves);
  if (known) out = known.mask(out, collectMarker);
  return { text: out, masked: out !== text };
}

function hostRootOf(cluster: Cluster, host: Host): string {
  return path.join(cluster.roots[host.root].path, host.prefix);
}

/**
 * The variables of each process kaudit read (ETCD_*, K3S_*, RKE2_*), as proc/<pid>/environ:
 * every other variable of the process stays on the node, and secret values are masked.
 */
function writeEnvirons(cluster: Cluster, host: Host, folder: string): void {
  for (const process of cluster.processes.filter((p) => p.host === host.name && p.env && p.env.length > 0)) {
    const procFolder = path.join(folder, 'proc', String(process.pid));
    const environ = `${process.env!.map((v) => `${v.name}=${v.secret ? MASK : v.value}`).join('\0')}\0`;
    writeFileAtomic(path.join(procFolder, 'environ'), environ, { mode: 0o600, within: folder });
    // Its command line with it (a k3s or RKE2 binary is no component of its own, so no other step copies it).
    writeFileAtomic(path.join(procFolder, 'cmdline'), `${process.argv.map((word) => maskSecretsInText(word)).join('\0')}\0`, { mode: 0o600, within: folder });
  }
}

/**
 * Writes the snapshot of every live host under `options.output`, and nowhere else: the
 * host's folder is its name made safe (sanitizeHostName), each file goes to its host path
 * (no `..`, no control characters) through the safe writer, never through a link; files
 * are read from the node as the scan read them (never through a link out of its root).
 */
export function writeSnapshot(cluster: Cluster, options: CollectOptions): CollectResult[] {
  guardSignals(() => 'every file of the snapshot is either whole or not there');
  const results: CollectResult[] = [];
  const output = path.resolve(options.output);
  ensureUserFolder(output);
  const known = secretValuesOf(cluster);
  for (const host of cluster.hosts.filter((h) => h.live)) {
    const source = new HostFS(hostRootOf(cluster, host));
    const folder = path.join(output, sanitizeHostName(host.name));
    ensureFolder(output, folder, { mode: 0o700 });
    removeLeftoverTempsUnder(folder);
    const modes: Record<string, string> = {};
    const owners: Record<string, string> = {};
    let files = 0;
    let masked = 0;
    const skipped: string[] = [];
    const publicHalves: string[] = [];
    // What runs: processes that are components of their own, and those attached to a definition.
    const processPaths = cluster.components
      .filter((c) => c.host === host.name)
      .flatMap((c) => (c.source === 'process' ? [c.definedAt] : c.running?.source === 'process' ? [c.running.at] : []))
      .map((at) => `/${host.prefix ? at.file.slice(host.prefix.length + 1) : at.file}`);
    const wanted = new Set([...(host.filesRead ?? []), ...processPaths]);
    for (const hostPath of [...wanted].sort()) {
      const parts = safePathParts(hostPath);
      if (!parts) {
        skipped.push(`${JSON.stringify(hostPath)}: not a path that can be written safely; skipped`);
        continue;
      }
      let data: Buffer;
      let mode = 0o644;
      try {
        const read = source.readFile(hostPath);
        if (!read) continue; // gone since the scan (a process that ended)
        data = read.data;
        mode = read.stat.mode & 0o777;
      } catch (error) {
        skipped.push(`${hostPath}: ${(error as Error).message}`);
        continue;
      }
      let content: Buffer = data;
      if (!options.includeKeys && hostPath.startsWith('/proc/')) {
        // NUL-separated argv and environ: each word masked on its own (a --token=… flag, a PASSWORD=… variable).
        const words = data.toString('utf8').split('\0');
        const maskedWords = words.map((word) => known.mask(maskSecretsInText(word, collectMarker), collectMarker));
        if (maskedWords.some((word, i) => word !== words[i])) masked++;
        content = Buffer.from(maskedWords.join('\0'));
      } else if (!options.includeKeys && !data.includes(0)) {
        const text = data.toString('utf8');
        const result = maskSecrets(text, known);
        if (result.masked) masked++;
        if (/-----BEGIN (RSA |EC )?PRIVATE KEY-----|client-key-data:/.test(text)) publicHalves.push(hostPath);
        content = Buffer.from(result.text);
      }
      try {
        writeFileAtomic(path.join(folder, ...parts), content, { mode: 0o600, within: folder });
      } catch (error) {
        skipped.push(`${hostPath}: cannot be written (${(error as Error).message})`);
        continue;
      }
      if (!hostPath.startsWith('/proc/')) {
        modes[hostPath] = mode.toString(8).padStart(4, '0');
        const owner = cluster.fileFacts(host.name, hostPath)?.owner;
        if (owner) owners[hostPath] = owner;
      }
      files++;
    }
    // Links a setting names (kubelet-client-current.pem → the rotated file) are kept as links.
    for (const ref of cluster.fileRefs.filter((r) => r.host === host.name && r.exists && !r.hostPath.includes('#'))) {
      const written = path.posix.resolve('/', ref.written);
      if (written === ref.hostPath || !ref.written.startsWith('/') || !wanted.has(ref.hostPath)) continue;
      const linkParts = safePathParts(written);
      if (!linkParts || !safePathParts(ref.hostPath)) continue;
      try {
        // Absolute, as the node has it: a scan resolves it inside the snapshot, as under chroot.
        createLink(folder, path.join(folder, ...linkParts), ref.hostPath);
      } catch (error) {
        skipped.push(`${written}: the link cannot be written (${(error as Error).message})`);
      }
    }
    // Folders keep their mode and owner too (the PKI folder, etcd's data folder).
    for (const facts of cluster.files.filter((f) => f.host === host.name && f.isDirectory && !f.hostPath.startsWith('/proc'))) {
      if (facts.mode !== undefined) modes[facts.hostPath] = facts.mode.toString(8).padStart(4, '0');
      if (facts.owner) owners[facts.hostPath] = facts.owner;
    }
    const versions: Record<string, string> = Object.fromEntries(cluster.components.filter((c) => c.host === host.name && c.version).map((c) => [c.kind, c.version!]));
    if (host.distribution?.version) versions[host.distribution.name] = host.distribution.version;
    writeEnvirons(cluster, host, folder);
    const manifest = { collectedBy: 'kaudit collect', includesKeys: options.includeKeys, publicHalves, modes, owners, versions };
    writeFileAtomic(path.join(folder, SNAPSHOT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, within: folder });
    results.push({ host: host.name, folder, files, masked, skipped });
  }
  return results;
}

/** Temporary files a killed earlier collect left in a snapshot folder. */
function removeLeftoverTempsUnder(folder: string): void {
  removeLeftoverTemps(folder);
  const walk = (dir: string, depth: number): void => {
    if (depth > 64) return;
    let entries: ReturnType<typeof listFolder>;
    try {
      entries = listFolder(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue; // a link is not entered
      const child = path.join(dir, entry.name);
      removeLeftoverTemps(child);
      walk(child, depth + 1);
    }
  };
  walk(folder, 0);
}
