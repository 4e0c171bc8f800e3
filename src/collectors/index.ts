import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectHost } from './host.js';
import { SNAPSHOT_MANIFEST, type Snapshot } from './snapshot.js';
import { Cluster } from '../model/cluster.js';
import type { ComponentKind, Host } from '../model/types.js';

export { SNAPSHOT_MANIFEST };

export class InputError extends Error {
  override name = "InputError";
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A host root holds etc/ (a copy of a node's root file system, or the node's own /);
 * a worker's snapshot may hold only var/ (kubelet) or proc/ (processes, routes).
 */
export function isHostRoot(dir: string): boolean {
  return ['etc', 'var', 'proc'].some((top) => isDirectory(path.join(dir, top)));
}

function readSnapshot(cluster: Cluster, hostRoot: string, host: Host): Snapshot | undefined {
  const file = path.join(hostRoot, SNAPSHOT_MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { publicHalves?: string[]; modes?: Record<string, string | number>; owners?: Record<string, string>; versions?: Record<string, string> };
    const snapshot: Snapshot = { versions: {}, ...(parsed.publicHalves ? { publicHalves: new Set(parsed.publicHalves) } : {}) };
    if (parsed.modes) {
      snapshot.modes = new Map(Object.entries(parsed.modes).map(([hostPath, mode]) => [hostPath, typeof mode === 'number' ? mode : parseInt(mode, 8)]));
    }
    if (parsed.owners && typeof parsed.owners === 'object') {
      snapshot.owners = new Map(Object.entries(parsed.owners).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    }
    if (parsed.versions && typeof parsed.versions === 'object') snapshot.rawVersions = parsed.versions;
    for (const [kind, version] of Object.entries(parsed.versions ?? {})) {
      const plain = /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1];
      if (plain) snapshot.versions[kind as ComponentKind] = plain;
    }
    return snapshot;
  } catch {
    const at = { host: host.name, root: host.root, file: host.prefix ? `${host.prefix}/${SNAPSHOT_MANIFEST}` : SNAPSHOT_MANIFEST };
    cluster.diagnostics.push({ level: 'warning', at, message: 'snapshot manifest is not valid JSON; file modes and versions are not known' });
    return undefined;
  }
}

/** The name of the node whose root file system this is. */
function hostNameIn(root: string): string {
  try {
    return fs.readFileSync(path.join(root, 'etc/hostname'), 'utf8').trim() || os.hostname();
  } catch {
    return root === '/' ? os.hostname() : path.basename(root);
  }
}

function addHost(cluster: Cluster, host: Host, hostRoot: string, live: boolean): void {
  const snapshot = live ? undefined : readSnapshot(cluster, hostRoot, host);
  if (snapshot?.modes) host.modes = 'snapshot';
  if (live) host.owners = 'filesystem';
  else if (snapshot?.owners) host.owners = 'snapshot';
  cluster.hosts.push(host);
  collectHost(cluster, host, hostRoot, live, snapshot);
}

/**
 * Reads every PATH into one cluster: a host root, a cluster folder (one host root per
 * sub-folder) or anything else (manifests, certificates). Throws InputError only when a
 * PATH cannot be read at all.
 */
export function collect(paths: string[], hostRoots: string[] = []): Cluster {
  const cluster = new Cluster();
  // A node's root file system mounted elsewhere (a pod with the host at /host) is read as a live node.
  for (const given of hostRoots) {
    const absolute = path.resolve(given);
    if (!isDirectory(absolute)) throw new InputError(`${given}: no such folder`);
    const root = cluster.roots.length;
    cluster.roots.push({ path: absolute, given });
    addHost(cluster, { name: hostNameIn(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', live: true }, absolute, true);
  }
  for (const given of paths) {
    const absolute = path.resolve(given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new InputError(`${given}: no such file or folder`);
    }
    const root = cluster.roots.length;
    const live = absolute === path.parse(absolute).root;
    if (stat.isFile()) {
      cluster.roots.push({ path: path.dirname(absolute), given });
      const name = path.basename(absolute);
      addLooseFile(cluster, { name, root, prefix: '', modes: 'filesystem', owners: 'unknown', loose: true }, absolute);
      continue;
    }
    cluster.roots.push({ path: absolute, given });
    if (live) {
      addHost(cluster, { name: hostNameIn(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', live: true }, absolute, true);
    } else if (isHostRoot(absolute)) {
      addHost(cluster, { name: path.basename(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown' }, absolute, false);
    } else {
      addClusterFolder(cluster, root, absolute);
    }
  }
  return cluster;
}

function addClusterFolder(cluster: Cluster, root: number, absolute: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absolute, { withFileTypes: true });
  } catch {
    throw new InputError(`${absolute}: folder cannot be read`);
  }
  const hostFolders = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && isHostRoot(path.join(absolute, e.name)))
    .map((e) => e.name)
    .sort();
  if (hostFolders.length === 0) {
    // Not a cluster: a folder of manifests and certificates, read as one loose "host".
    addHost(cluster, { name: path.basename(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', loose: true }, absolute, false);
    return;
  }
  for (const name of hostFolders) {
    addHost(cluster, { name, root, prefix: name, modes: 'filesystem', owners: 'unknown' }, path.join(absolute, name), false);
  }
}

function addLooseFile(cluster: Cluster, host: Host, file: string): void {
  // A single file is read as a host root made of its folder, limited to that file.
  cluster.hosts.push(host);
  collectHost(cluster, host, path.dirname(file), false, undefined, `/${path.basename(file)}`);
}
