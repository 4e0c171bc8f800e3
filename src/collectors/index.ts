import os from 'node:os';
import path from 'node:path';
import { collectHost } from './host.js';
import { HostFS } from './hostfs.js';
import { ReadRefused, describeType, listFolder, statOf, type Dirent, type Stats } from '../io/read.js';
import { sanitizeHostName } from '../util/names.js';
import { BACKUP_FOLDER, findJournals } from '../fixers/journal.js';
import { SNAPSHOT_MANIFEST, type Snapshot } from './snapshot.js';
import { Cluster } from '../model/cluster.js';
import type { ComponentKind, Host } from '../model/types.js';

export { SNAPSHOT_MANIFEST };

export class InputError extends Error {
  override name = "InputError";
}

function isDirectory(p: string): boolean {
  return statOf(p)?.isDirectory() ?? false;
}

/**
 * A host root holds etc/ (a copy of a node's root file system, or the node's own /);
 * a worker's snapshot may hold only var/ (kubelet) or proc/ (processes, routes).
 */
export function isHostRoot(dir: string): boolean {
  return ['etc', 'var', 'proc'].some((top) => isDirectory(path.join(dir, top)));
}

function readSnapshot(cluster: Cluster, hostRoot: string, host: Host): Snapshot | undefined {
  const at = { host: host.name, root: host.root, file: host.prefix ? `${host.prefix}/${SNAPSHOT_MANIFEST}` : SNAPSHOT_MANIFEST };
  let text: string | undefined;
  try {
    // Through the host root's own file system: a manifest that is a link out of it is not read.
    text = new HostFS(hostRoot).readFile(`/${SNAPSHOT_MANIFEST}`)?.data.toString('utf8');
  } catch (error) {
    if (!(error instanceof ReadRefused)) throw error;
    cluster.diagnostics.push({ level: 'warning', at, message: `${error.message}; file modes and versions are not known` });
    return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { publicHalves?: string[]; modes?: Record<string, string | number>; owners?: Record<string, string>; versions?: Record<string, string> };
    const snapshot: Snapshot = { versions: {}, ...(parsed.publicHalves ? { publicHalves: new Set(parsed.publicHalves) } : {}) };
    if (parsed.modes && typeof parsed.modes === 'object') {
      snapshot.modes = new Map(
        Object.entries(parsed.modes)
          .map(([hostPath, mode]): [string, number] => [hostPath, typeof mode === 'number' ? mode : typeof mode === 'string' ? parseInt(mode, 8) : NaN])
          .filter(([, mode]) => Number.isInteger(mode)),
      );
    }
    if (parsed.owners && typeof parsed.owners === 'object') {
      snapshot.owners = new Map(Object.entries(parsed.owners).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    }
    if (parsed.versions && typeof parsed.versions === 'object') snapshot.rawVersions = parsed.versions;
    for (const [kind, version] of Object.entries(parsed.versions && typeof parsed.versions === 'object' ? parsed.versions : {})) {
      const plain = typeof version === 'string' ? /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1] : undefined;
      if (plain) snapshot.versions[kind as ComponentKind] = plain;
    }
    return snapshot;
  } catch {
    cluster.diagnostics.push({ level: 'warning', at, message: 'snapshot manifest is not valid JSON; file modes and versions are not known' });
    return undefined;
  }
}

/**
 * The name of the node whose root file system this is, from its own etc/hostname (read
 * inside the root, never through a link out of it), made safe to use as a folder name.
 */
function hostNameIn(root: string): string {
  let text: string | undefined;
  try {
    text = new HostFS(root).readFile('/etc/hostname')?.data.toString('utf8').split('\n')[0].trim();
  } catch {
    text = undefined;
  }
  return sanitizeHostName(text || (root === '/' ? os.hostname() : path.basename(root)));
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
  for (const given of paths) warnOfInterruptedWrites(cluster, given);
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
    const stat: Stats | undefined = statOf(absolute);
    if (!stat) throw new InputError(`${given}: no such file or folder`);
    if (!stat.isFile() && !stat.isDirectory()) throw new InputError(`${given}: ${describeType(stat)}, not a file or folder`);
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

/** A fix --write killed in the middle left a journal: the files it names may be half old, half new until the next fix --write. */
function warnOfInterruptedWrites(cluster: Cluster, given: string): void {
  for (const journal of findJournals(path.join(path.resolve(given), BACKUP_FOLDER))) {
    cluster.diagnostics.push({ level: 'warning', message: `an interrupted kaudit fix --write left its journal ${journal}; the next kaudit fix --write rolls it back` });
  }
}

function addClusterFolder(cluster: Cluster, root: number, absolute: string): void {
  let entries: Dirent[];
  try {
    entries = listFolder(absolute);
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
