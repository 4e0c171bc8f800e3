/**
 * The collection pool: hosts are read by worker threads (one per core by default, --jobs),
 * each host into a part of its own (host-part.ts), and the parts are merged in host order
 * as they arrive, so the model is the one a single thread would build. A scan of a few
 * hosts is read in this thread: starting a worker (loading the collectors into it) costs
 * more than it would save.
 */
import os from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { collectHostPart, type HostJob, type HostPart } from './host-part.js';

/** A batch of hosts for a worker, with their positions in the scan. */
export interface ToWorker {
  jobs: Array<{ index: number; job: HostJob }>;
}

/** A host read, or the error that stopped its collectors. */
export type HostResult = { index: number; part: HostPart } | { index: number; error: { name: string; message: string; stack?: string } };

/** What a worker posts back when it has read a batch. */
export interface FromWorker {
  results: HostResult[];
}

/**
 * Hosts a worker must have to pay for its start (about 60 ms to load the collectors, the
 * time of reading some 30 hosts of a kubeadm cluster).
 */
const MIN_HOSTS_PER_WORKER = 32;
/** Batches a worker holds at once: it never waits for the next while the main thread merges. */
const BATCHES_IN_FLIGHT = 2;

/** --jobs by default: the cores this process may use. */
export function defaultJobs(): number {
  return os.availableParallelism();
}

/** How many worker threads read `hosts` hosts with `jobs` asked for: none when they cannot pay off. */
export function workerCount(hosts: number, jobs: number): number {
  const count = Math.min(jobs, Math.floor(hosts / MIN_HOSTS_PER_WORKER));
  return count >= 2 ? count : 0;
}

/**
 * Built, the worker is dist/collectors/worker.js. Run from the sources (the tests), it is
 * worker.ts, loaded through tsx's loader registered inside the worker (a worker's
 * `--import` option does not load hooks on Node 20).
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./worker.js', import.meta.url));
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true } satisfies WorkerOptions);
}

function revive(error: { name: string; message: string; stack?: string }): Error {
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/** Reads every job's host and hands the parts to `merge` in the jobs' order. */
export async function collectHostParts(jobs: HostJob[], requested: number, merge: (part: HostPart) => void): Promise<void> {
  const count = workerCount(jobs.length, requested);
  if (count === 0) {
    for (const job of jobs) merge(collectHostPart(job));
    return;
  }
  // Small batches spread the hosts evenly; not so small that messages cost more than hosts.
  const batchSize = Math.max(1, Math.min(16, Math.ceil(jobs.length / (count * 16))));
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const arrived = new Map<number, HostResult>();
    let nextJob = 0;
    let nextMerge = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const send = (worker: Worker) => {
      if (nextJob >= jobs.length) return;
      const batch = jobs.slice(nextJob, nextJob + batchSize).map((job, offset) => ({ index: nextJob + offset, job }));
      nextJob += batch.length;
      worker.postMessage({ jobs: batch } satisfies ToWorker);
    };
    /** Merges what has arrived in order, up to the first host still being read. */
    const mergeArrived = () => {
      for (let next = arrived.get(nextMerge); next; next = arrived.get(nextMerge)) {
        arrived.delete(nextMerge++);
        if ('error' in next) throw revive(next.error);
        merge(next.part);
      }
    };
    for (let i = 0; i < count; i++) {
      const worker = startWorker();
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        if (settled) return;
        send(worker);
        for (const result of message.results) arrived.set(result.index, result);
        try {
          mergeArrived();
        } catch (error) {
          return finish(error);
        }
        if (nextMerge === jobs.length) finish();
      });
      worker.on('error', finish);
      worker.on('exit', (code) => finish(new Error(`a collection worker stopped early (exit code ${code})`)));
      for (let batch = 0; batch < BATCHES_IN_FLIGHT; batch++) send(worker);
    }
  });
}
