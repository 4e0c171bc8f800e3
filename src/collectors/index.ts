import os from 'node:os';
import path from 'node:path';
import { SharedCertificateFacts, collectHostPart, mergeHostPart, type HostJob } from './host-part.js';
import { collectHostParts } from './pool.js';
import { HostFS } from './hostfs.js';
import { describeType, listFolder, statOf, type Dirent, type Stats } from '../io/read.js';
import { sanitizeHostName } from '../util/names.js';
import { BACKUP_FOLDER, findJournals } from '../fixers/journal.js';
import { SNAPSHOT_MANIFEST } from './snapshot.js';
import { Cluster } from '../model/cluster.js';

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

/** What to read for the PATHs given: the cluster's roots and diagnostics so far, and one job per host. */
interface CollectionPlan {
  cluster: Cluster;
  jobs: HostJob[];
}

/**
 * Reads every PATH into one cluster: a host root, a cluster folder (one host root per
 * sub-folder) or anything else (manifests, certificates). Throws InputError only when a
 * PATH cannot be read at all. Hosts are read one after the other in this thread; see
 * collectParallel for a pool of worker threads.
 */
export function collect(paths: string[], hostRoots: string[] = []): Cluster {
  const { cluster, jobs } = planCollection(paths, hostRoots);
  const shared = new SharedCertificateFacts();
  for (const job of jobs) mergeHostPart(cluster, collectHostPart(job), shared);
  return cluster;
}

export interface CollectOptions {
  /** Worker threads to read hosts with (--jobs); 1 reads them in this thread. */
  jobs: number;
}

/**
 * As collect, with the hosts read by a pool of worker threads (when there are enough of
 * them to pay for the threads' start): the same model, merged in the same order.
 */
export async function collectParallel(paths: string[], hostRoots: string[], options: CollectOptions): Promise<Cluster> {
  const { cluster, jobs } = planCollection(paths, hostRoots);
  const shared = new SharedCertificateFacts();
  await collectHostParts(jobs, options.jobs, (part) => mergeHostPart(cluster, part, shared));
  return cluster;
}

function planCollection(paths: string[], hostRoots: string[]): CollectionPlan {
  const cluster = new Cluster();
  const jobs: HostJob[] = [];
  for (const given of paths) warnOfInterruptedWrites(cluster, given);
  // A node's root file system mounted elsewhere (a pod with the host at /host) is read as a live node.
  for (const given of hostRoots) {
    const absolute = path.resolve(given);
    if (!isDirectory(absolute)) throw new InputError(`${given}: no such folder`);
    const root = cluster.roots.length;
    cluster.roots.push({ path: absolute, given });
    jobs.push({ host: { name: hostNameIn(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', live: true }, rootPath: absolute, live: true });
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
      // A single file is read as a host root made of its folder, limited to that file.
      const name = path.basename(absolute);
      jobs.push({ host: { name, root, prefix: '', modes: 'filesystem', owners: 'unknown', loose: true }, rootPath: path.dirname(absolute), live: false, only: `/${name}` });
      continue;
    }
    cluster.roots.push({ path: absolute, given });
    if (live) {
      jobs.push({ host: { name: hostNameIn(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', live: true }, rootPath: absolute, live: true });
    } else if (isHostRoot(absolute)) {
      jobs.push({ host: { name: path.basename(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown' }, rootPath: absolute, live: false });
    } else {
      jobs.push(...clusterFolderJobs(root, absolute));
    }
  }
  return { cluster, jobs };
}

/** A fix --write killed in the middle left a journal: the files it names may be half old, half new until the next fix --write. */
function warnOfInterruptedWrites(cluster: Cluster, given: string): void {
  for (const journal of findJournals(path.join(path.resolve(given), BACKUP_FOLDER))) {
    cluster.diagnostics.push({ level: 'warning', message: `an interrupted kaudit fix --write left its journal ${journal}; the next kaudit fix --write rolls it back` });
  }
}

function clusterFolderJobs(root: number, absolute: string): HostJob[] {
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
    return [{ host: { name: path.basename(absolute), root, prefix: '', modes: 'filesystem', owners: 'unknown', loose: true }, rootPath: absolute, live: false }];
  }
  return hostFolders.map((name) => ({ host: { name, root, prefix: name, modes: 'filesystem', owners: 'unknown' }, rootPath: path.join(absolute, name), live: false }));
}
