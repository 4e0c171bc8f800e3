/**
 * The benchmarks kaudit carries, and which one a cluster gets: as kube-bench's
 * cfg/config.yaml `version_mapping` maps Kubernetes minor versions to benchmark folders.
 */
import { CIS_1_11 } from './cis-1.11.js';
import { CIS_1_12 } from './cis-1.12.js';
import type { Benchmark } from './types.js';

/** Oldest first; the last one is the newest. */
export const BENCHMARKS: readonly Benchmark[] = [CIS_1_11, CIS_1_12];

/** What `--benchmark` and `benchmark:` accept: `cis` (the version that fits the cluster) or a benchmark id, newest first. */
export const BENCHMARK_CHOICES = ['cis', ...[...BENCHMARKS].reverse().map((b) => b.id)] as const;

export function benchmarkById(id: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.id === id);
}

function minorOf(version: string): number[] {
  return version.split('.').slice(0, 2).map(Number);
}

function compareMinor(a: string, b: string): number {
  const [aMajor, aMinor] = minorOf(a);
  const [bMajor, bMinor] = minorOf(b);
  return aMajor - bMajor || aMinor - bMinor;
}

export interface Selection {
  benchmark: Benchmark;
  /** Why this one, for the report ("Kubernetes 1.33.1, the lowest kube-apiserver version (cp-1)"). */
  why: string;
  /** Set when the version is outside every benchmark's range, or unknown. */
  note?: string;
}

/** Where the version a selection follows came from. */
export interface VersionEvidence {
  version: string;
  /** "the lowest kube-apiserver version (on cp-1)" */
  from: string;
}

/** The benchmark for a Kubernetes version: the one whose range holds it, else the nearest; unknown → the newest. */
export function benchmarkForVersion(evidence: VersionEvidence | undefined): Selection {
  const newest = BENCHMARKS[BENCHMARKS.length - 1];
  if (!evidence) {
    return { benchmark: newest, why: 'no Kubernetes version found in the scan', note: `no kube-apiserver or kubelet version is known (image tags, .kaudit-snapshot.json versions): ${newest.title}, the newest, is applied` };
  }
  const why = `Kubernetes ${evidence.version}, ${evidence.from}`;
  const fitting = BENCHMARKS.find((b) => compareMinor(evidence.version, b.kubernetes.from) >= 0 && compareMinor(evidence.version, b.kubernetes.to) <= 0);
  if (fitting) return { benchmark: fitting, why: `${why}: ${fitting.title} covers ${fitting.kubernetes.from}–${fitting.kubernetes.to}` };
  const oldest = BENCHMARKS[0];
  const nearest = compareMinor(evidence.version, oldest.kubernetes.from) < 0 ? oldest : newest;
  const range = `${oldest.kubernetes.from}–${newest.kubernetes.to}`;
  return {
    benchmark: nearest,
    why: `${why}: outside the versions the benchmarks cover (${range}); ${nearest.title} is the nearest`,
    note: `Kubernetes ${evidence.version} is outside ${range}, the versions of the CIS benchmarks kaudit carries: ${nearest.title} (for ${nearest.kubernetes.from}–${nearest.kubernetes.to}) is applied`,
  };
}
