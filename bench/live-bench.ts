/**
 * Memory of a live scan as the cluster grows: the API stand-in of the tests serves N nodes
 * and 10 N pods; kaudit reads them page by page. Peak RSS at two sizes shows it flat.
 *   npm run build && npm run bench:live
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStandIn } from '../test/support/kube-standin.js';

async function measure(nodes: number): Promise<string> {
  const api = await startStandIn({ nodes, pods: nodes * 10 });
  const start = process.hrtime.bigint();
  const output = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, ['--import', path.resolve('bench/report-usage.mjs'), path.resolve('dist/cli/main.js'), 'scan', '--kubeconfig', api.kubeconfig, '--format', 'json', '--output', '/dev/null', '--fail-on', 'none']);
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', () => resolve(stderr));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await api.close();
  const line = output.split('\n').find((l) => l.startsWith('KAUDIT_BENCH '));
  const rss = line ? (JSON.parse(line.slice(13)) as { maxRssKb: number }).maxRssKb / 1024 : NaN;
  return `${nodes} nodes, ${nodes * 10} pods: ${seconds.toFixed(1)} s, peak RSS ${rss.toFixed(0)} MB`;
}

for (const nodes of [500, 5000]) console.log(await measure(nodes));
