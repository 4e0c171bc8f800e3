/**
 * `kaudit collect`: writes what a scan of a live node read into a host root of its own —
 * the files at their paths, the command lines of the components that run, the routes —
 * with a snapshot manifest of the file modes. Private keys are replaced by their public
 * half, kubeconfig keys and tokens and encryption keys are masked, unless --include-keys.
 * Cluster folders are assembled from the snapshots of many nodes.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SNAPSHOT_MANIFEST } from '../collectors/snapshot.js';
import type { Cluster } from '../model/cluster.js';
import type { Host } from '../model/types.js';
import { MASK, maskSecretsInText } from '../model/secrets.js';

export interface CollectOptions {
  output: string;
  includeKeys: boolean;
}

export interface CollectResult {
  host: string;
  folder: string;
  files: number;
  masked: number;
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

/** Masks what must not leave the node; returns the new text and whether anything was masked. */
export function maskSecrets(text: string): { text: string; masked: boolean } {
  let masked = false;
  let out = text.replace(PRIVATE_BLOCK, (block) => {
    masked = true;
    return publicHalf(block);
  });
  out = out.replace(/^(\s*client-key-data:\s*)(\S+)\s*$/gm, (_, key: string, value: string) => {
    masked = true;
    const pem = Buffer.from(value, 'base64').toString('utf8');
    return `${key}${Buffer.from(pem.replace(PRIVATE_BLOCK, publicHalf)).toString('base64')}`;
  });
  out = out.replace(/^(\s*(?:token|password):\s*)(\S+)\s*$/gm, (_, key: string) => {
    masked = true;
    return `${key}REDACTED-by-kaudit-collect`;
  });
  out = out.replace(/^(\s*(?:-\s+)?secret:\s*)(\S+)\s*$/gm, (_, key: string, value: string) => {
    masked = true;
    return `${key}${maskSecret(value)}`;
  });
  return { text: out, masked };
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
    const target = path.join(folder, 'proc', String(process.pid), 'environ');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `${process.env!.map((v) => `${v.name}=${v.secret ? MASK : v.value}`).join('\0')}\0`, { mode: 0o600 });
    // Its command line with it (a k3s or RKE2 binary is no component of its own, so no other step copies it).
    fs.writeFileSync(path.join(path.dirname(target), 'cmdline'), `${process.argv.map((word) => maskSecretsInText(word)).join('\0')}\0`, { mode: 0o600 });
  }
}

export function writeSnapshot(cluster: Cluster, options: CollectOptions): CollectResult[] {
  const results: CollectResult[] = [];
  for (const host of cluster.hosts.filter((h) => h.live)) {
    const source = hostRootOf(cluster, host);
    const folder = path.join(options.output, host.name);
    const modes: Record<string, string> = {};
    const owners: Record<string, string> = {};
    let files = 0;
    let masked = 0;
    const publicHalves: string[] = [];
    // What runs: processes that are components of their own, and those attached to a definition.
    const processPaths = cluster.components
      .filter((c) => c.host === host.name)
      .flatMap((c) => (c.source === 'process' ? [c.definedAt] : c.running?.source === 'process' ? [c.running.at] : []))
      .map((at) => `/${host.prefix ? at.file.slice(host.prefix.length + 1) : at.file}`);
    const wanted = new Set([...(host.filesRead ?? []), ...processPaths]);
    for (const hostPath of [...wanted].sort()) {
      let data: Buffer;
      let mode = 0o644;
      try {
        data = fs.readFileSync(path.join(source, hostPath));
        mode = fs.statSync(path.join(source, hostPath)).mode & 0o777;
      } catch {
        continue; // gone since the scan (a process that ended)
      }
      let content: Buffer = data;
      if (!options.includeKeys && !data.includes(0)) {
        const result = maskSecrets(data.toString('utf8'));
        if (result.masked) masked++;
        if (/-----BEGIN (RSA |EC )?PRIVATE KEY-----|client-key-data:/.test(data.toString('utf8'))) publicHalves.push(hostPath);
        content = Buffer.from(result.text);
      }
      const target = path.join(folder, hostPath);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content, { mode: 0o600 });
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
      const link = path.join(folder, written);
      if (fs.lstatSync(link, { throwIfNoEntry: false })) continue; // a link's target is inside the snapshot: never check it here
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(ref.hostPath, link);
    }
    // Folders keep their mode and owner too (the PKI folder, etcd's data folder).
    for (const facts of cluster.files.filter((f) => f.host === host.name && f.isDirectory && !f.hostPath.startsWith('/proc'))) {
      if (facts.mode !== undefined) modes[facts.hostPath] = facts.mode.toString(8).padStart(4, '0');
      if (facts.owner) owners[facts.hostPath] = facts.owner;
    }
    const versions: Record<string, string> = Object.fromEntries(cluster.components.filter((c) => c.host === host.name && c.version).map((c) => [c.kind, c.version!]));
    if (host.distribution?.version) versions[host.distribution.name] = host.distribution.version;
    writeEnvirons(cluster, host, folder);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, SNAPSHOT_MANIFEST), `${JSON.stringify({ collectedBy: 'kaudit collect', includesKeys: options.includeKeys, publicHalves, modes, owners, versions }, null, 2)}\n`);
    results.push({ host: host.name, folder, files, masked });
  }
  return results;
}
