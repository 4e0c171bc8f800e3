/**
 * --jobs changes who reads the hosts, never what is reported: the model a pool of worker
 * threads builds is the one the main thread builds alone, and the JSON, SARIF and text
 * reports are byte-identical with --jobs 1 and --jobs 4, on the shipped example and on a
 * generated kubeadm cluster big enough for the pool to start its workers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect, collectParallel } from '../../src/collectors/index.js';
import { workerCount } from '../../src/collectors/pool.js';
import { runRules } from '../../src/engine.js';
import type { Cluster } from '../../src/model/cluster.js';
import { RULES } from '../../src/rules/index.js';
import { kaudit } from '../support/cli.js';
import { DEFAULT_SPEC, writeKubeadmCluster, writeKubeletClient, type Node } from '../support/kubeadm.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

/** Worker threads the pool starts in this process: the real Worker, counted. */
const started = vi.hoisted(() => ({ workers: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      started.workers++;
    }
  }
  return { ...real, default: { ...real, Worker: CountedWorker }, Worker: CountedWorker };
});

const EXAMPLE = path.resolve('fixtures/example-cluster');
/** Enough hosts for 4 workers (the pool gives each at least 32: see workerCount). */
const HOSTS = 130;
const JOBS = 4;
/** One clock for the certificates issued and for --now: both runs judge the same dates. */
const NOW = new Date();

function workerNodes(count: number): Node[] {
  return Array.from({ length: count }, (_, i) => ({ name: `worker-${String(i + 1).padStart(3, '0')}`, ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
}

/**
 * A kubeadm cluster of HOSTS hosts with a few defects far apart, so that hosts read by
 * different workers add findings and warnings that must come out in host order.
 */
async function writeScaleCluster(tree: TreeWriter): Promise<void> {
  const pki = new PkiFactory(NOW);
  const spec = { ...DEFAULT_SPEC, workers: workerNodes(HOSTS - DEFAULT_SPEC.controlPlanes.length) };
  const cas = await writeKubeadmCluster(tree, pki, spec);
  for (const index of [10, 70, 120]) await writeKubeletClient(tree, pki, cas, spec.workers[index], { validForDays: 10 });
  for (const index of [40, 100]) tree.write(spec.workers[index].name, '/etc/kubernetes/pki/ca.crt', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
}

/** The model's content: every public list of the cluster (its indexes are private and built on demand). */
function modelOf(cluster: Cluster): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cluster).filter(([, value]) => Array.isArray(value)));
}

interface Reports {
  status: number | null;
  json: string;
  sarif: string;
  text: string;
  stderr: string;
}

/** One scan writing the three reports: JSON and SARIF to files, text to stdout. */
function scanReports(dir: string, jobs: number, outDir: string): Reports {
  const json = path.join(outDir, `jobs-${jobs}.json`);
  const sarif = path.join(outDir, `jobs-${jobs}.sarif`);
  const args = ['scan', dir, '--now', NOW.toISOString(), '--jobs', String(jobs), '-f', 'json', '-o', json, '-f', 'sarif', '-o', sarif, '-f', 'text'];
  const run = kaudit(args);
  return { status: run.status, json: fs.readFileSync(json, 'utf8'), sarif: fs.readFileSync(sarif, 'utf8'), text: run.stdout, stderr: run.stderr };
}

describe('collection with --jobs', () => {
  let tree: TreeWriter;
  let outDir: string;
  beforeAll(async () => {
    tree = TreeWriter.temp('kaudit-parallel-');
    await writeScaleCluster(tree);
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-parallel-reports-'));
  });
  afterAll(() => {
    tree.cleanup();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('with 4 jobs starts 4 worker threads and builds the model one thread builds', async () => {
    expect(workerCount(HOSTS, JOBS)).toBe(JOBS);
    const alone = collect([tree.dir]);
    const before = started.workers;
    const pooled = await collectParallel([tree.dir], [], { jobs: JOBS });
    expect(started.workers - before).toBe(JOBS);

    expect(pooled.hosts).toHaveLength(HOSTS);
    expect(pooled.hosts.map((h) => h.name)).toEqual(alone.hosts.map((h) => h.name));
    expect(pooled.components.length).toBeGreaterThan(HOSTS);
    expect(pooled.certificates.length).toBeGreaterThan(HOSTS);
    expect(modelOf(pooled)).toStrictEqual(modelOf(alone));
    const context = { now: NOW, expiryWindowDays: 30 };
    const findings = runRules(pooled, [...RULES], context);
    // The planted defects are found: the comparison below is not between two empty lists.
    expect(findings.filter((f) => f.ruleId === 'pki/cert-expiring').map((f) => f.at.host)).toEqual(['worker-011', 'worker-071', 'worker-121']);
    expect(findings).toStrictEqual(runRules(alone, [...RULES], context));
  });

  it('reports of a cluster read by 4 workers are byte-identical to those of one thread', () => {
    const one = scanReports(tree.dir, 1, outDir);
    const four = scanReports(tree.dir, JOBS, outDir);
    expect(one.status).toBe(1);
    expect((JSON.parse(one.json) as { hosts: unknown[] }).hosts).toHaveLength(HOSTS);
    expect(one.text).toContain('worker-121');
    expect(four).toEqual(one);
  });

  it('reports of the shipped example are byte-identical with --jobs 1 and --jobs 4', () => {
    const one = scanReports(EXAMPLE, 1, outDir);
    const four = scanReports(EXAMPLE, JOBS, outDir);
    expect(one.status).toBe(1);
    expect(JSON.parse(one.json)).toHaveProperty('findings');
    expect(four).toEqual(one);
  });

  it.each([
    ['scan', '0'],
    ['scan', 'abc'],
    ['fix', '0'],
    ['fix', 'abc'],
  ])('kaudit %s --jobs %s is a usage error: exit 2, one line', (command, jobs) => {
    const run = kaudit([command, EXAMPLE, '--jobs', jobs]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^kaudit: --jobs: "${jobs}" [^\n]+\n$`));
  });
});
