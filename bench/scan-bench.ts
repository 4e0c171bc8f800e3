/**
 * Benchmark: generates a 200-host kubeadm cluster folder (3 control planes, 197 workers:
 * certificates, kubeconfigs, units, static pods), then times the built CLI on it, with and
 * without the compliance view (--benchmark cis).
 *   npm run build && npm run bench [-- --hosts 200 --runs 5 --layers 40]
 * With --layers N, a copy of the cluster whose every host also holds N container image
 * layers (CA bundles, keys, manifests inside them) is timed beside it: the scan never
 * walks image layers, so the two times must be the same.
 * Targets (2-core machine): scan < 2 s, peak memory < 300 MB, --version < 200 ms; the
 * compliance view adds at most 30% (measure it at --hosts 1000).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_OUT, ensureKubeadmCluster } from './generate.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const hosts = option('hosts', 200);
const runs = option('runs', 5);
const layers = option('layers', 0);
const root = BENCH_OUT;
const clusterDir = await ensureKubeadmCluster(hosts);
const layeredDir = path.join(root, `cluster-${hosts}-layers-${layers}`);
const cli = path.resolve('dist/cli/main.js');

interface Measure {
  ms: number;
  maxRssKb: number;
}

function measure(args: string[]): Measure {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', path.resolve('bench/report-usage.mjs'), cli, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const line = result.stderr.split('\n').find((l) => l.startsWith('KAUDIT_BENCH '));
  if (!line) throw new Error(`kaudit failed: ${result.stderr}`);
  return { ms, maxRssKb: (JSON.parse(line.slice('KAUDIT_BENCH '.length)) as { maxRssKb: number }).maxRssKb };
}

function summary(label: string, samples: Measure[]): string {
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const peak = Math.max(...samples.map((s) => s.maxRssKb)) / 1024;
  return `${label}: median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}), peak RSS ${peak.toFixed(0)} MB`;
}

/** Where runtimes keep image layers: containerd, Docker, and the containerd of k3s and RKE2. */
const SNAPSHOTTERS = [
  'var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots',
  'var/lib/docker/overlay2',
  'var/lib/rancher/k3s/agent/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots',
  'var/lib/rancher/rke2/agent/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots',
];

/** A copy of the cluster whose hosts each hold `layers` image layers, as the runtimes keep them. */
function generateLayered(): void {
  if (layers === 0 || fs.existsSync(path.join(layeredDir, 'done'))) return;
  fs.rmSync(layeredDir, { recursive: true, force: true });
  fs.cpSync(clusterDir, layeredDir, { recursive: true });
  const ca = fs.readFileSync(path.join(clusterDir, 'cp-1/etc/kubernetes/pki/ca.crt'));
  for (const host of fs.readdirSync(layeredDir).filter((h) => fs.statSync(path.join(layeredDir, h)).isDirectory())) {
    for (let i = 1; i <= layers; i++) {
      const fsRoot = path.join(layeredDir, host, SNAPSHOTTERS[i % SNAPSHOTTERS.length], String(i), 'fs');
      for (const [file, content] of [
        ['etc/ssl/certs/ca-certificates.crt', ca],
        ['etc/kubernetes/manifests/kube-apiserver.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n'],
        ['usr/share/app/config.yaml', 'kind: Config\n'],
      ] as const) {
        fs.mkdirSync(path.dirname(path.join(fsRoot, file)), { recursive: true });
        fs.writeFileSync(path.join(fsRoot, file), content);
      }
    }
  }
  fs.writeFileSync(path.join(layeredDir, 'done'), '');
}

generateLayered();
const files = spawnSync('find', [clusterDir, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
console.log(`cluster: ${hosts} hosts, ${files} files in ${clusterDir}`);
const scanArgs = ['scan', clusterDir, '--format', 'json', '--output', path.join(root, 'report.json')];
measure(scanArgs); // warm the file system cache
const plain = Array.from({ length: runs }, () => measure(scanArgs));
console.log(summary('kaudit scan', plain));
// The compliance view: every control of the benchmark on every host, in the report.
const benchmark = Array.from({ length: runs }, () => measure([...scanArgs, '--benchmark', 'cis']));
console.log(summary('kaudit scan --benchmark cis', benchmark));
const median = (samples: Measure[]) => samples.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
console.log(`the compliance view adds ${(((median(benchmark) - median(plain)) / median(plain)) * 100).toFixed(0)}% to the scan (target: at most 30%)`);
if (layers > 0) {
  const layeredArgs = ['scan', layeredDir, '--format', 'json', '--output', path.join(root, 'report-layers.json')];
  measure(layeredArgs);
  console.log(summary(`kaudit scan, ${layers} image layers on every host`, Array.from({ length: runs }, () => measure(layeredArgs))));
}
console.log(summary('kaudit --version', Array.from({ length: runs }, () => measure(['--version']))));
