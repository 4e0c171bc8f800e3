/**
 * A worker thread of the collection pool (pool.ts): reads the hosts it is sent, each into
 * a model of its own, and posts each host's part back as soon as it is read. It reads
 * through the same collectors, HostFS and safe reader as the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { collectHostPart } from './host-part.js';
import type { HostJob } from './host-part.js';
import type { FromWorker, HostResult, ToWorker } from './pool.js';

const port = parentPort;
if (!port) throw new Error('collectors/worker.js runs only as a worker thread');

function failure(index: number, error: unknown): HostResult {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  return { index, error: { name, message, ...(stack ? { stack } : {}) } };
}

function collected(index: number, job: HostJob): HostResult {
  try {
    return { index, part: collectHostPart(job) };
  } catch (error) {
    return failure(index, error); // a collector's bug: said at this host's place in the merge
  }
}

// A batch's parts go back in one message: posting each as it is read costs more than reading it.
port.on('message', (batch: ToWorker) => {
  const results = batch.jobs.map(({ index, job }) => collected(index, job));
  try {
    port.postMessage({ results } satisfies FromWorker);
  } catch (error) {
    // A part that cannot be cloned is a bug too: the batch's first host says so.
    port.postMessage({ results: [failure(results[0].index, error)] } satisfies FromWorker);
  }
});
