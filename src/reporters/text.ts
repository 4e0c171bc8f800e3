import type { Finding, Level } from '../model/finding.js';
import { countByLevel, plural, type ScanResult } from './result.js';
import { hostSummaryLines } from './host-summary.js';

export interface TextOptions {
  color: boolean;
}

const COLORS: Record<string, string> = { error: '31', warning: '33', note: '36', dim: '2', bold: '1', underline: '4' };

function paint(enabled: boolean, style: keyof typeof COLORS | Level, text: string): string {
  return enabled ? `\u001b[${COLORS[style]}m${text}\u001b[0m` : text;
}

function place(finding: Finding): string {
  return finding.at.line ? `${finding.at.file}:${finding.at.line}` : finding.at.file;
}

/** Findings grouped by host, then a one-line summary (ESLint's stylish layout). */
export function formatText(result: ScanResult, options: TextOptions): string {
  const { color } = options;
  const lines: string[] = [];
  const hosts = [...new Set(result.findings.map((f) => f.at.host))];
  for (const host of hosts) {
    const findings = result.findings.filter((f) => f.at.host === host);
    lines.push(paint(color, 'underline', host));
    const width = Math.min(60, Math.max(...findings.map((f) => place(f).length)));
    for (const finding of findings) {
      lines.push(`  ${paint(color, 'dim', place(finding).padEnd(width))}  ${paint(color, finding.level, finding.level.padEnd(7))}  ${finding.message}  ${paint(color, 'dim', finding.ruleId)}`);
      for (const rel of finding.related) {
        const where = rel.host !== finding.at.host && !rel.file.startsWith(`${rel.host}/`) ? `${rel.host}: ` : '';
        lines.push(`  ${' '.repeat(width)}           ${paint(color, 'dim', `↳ ${where}${rel.file}${rel.line ? `:${rel.line}` : ''}${rel.message ? ` (${rel.message})` : ''}`)}`);
      }
    }
    lines.push('');
  }
  const counts = countByLevel(result.findings);
  const total = result.findings.length;
  const scope = `${plural(result.cluster.hosts.length, 'host')}, ${plural(result.cluster.components.length, 'component')}, ${plural(result.cluster.certificates.length, 'certificate')} checked`;
  if (total === 0) {
    lines.push(paint(color, 'bold', `✔ no problems (${scope})`));
  } else {
    const summary = `✖ ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}) on ${plural(hosts.length, 'host')}; ${scope}`;
    lines.push(paint(color, counts.error > 0 ? 'error' : counts.warning > 0 ? 'warning' : 'note', summary));
  }
  lines.push(...hostSummaryLines(result.cluster));
  const suppressed = result.suppressed ?? [];
  const inline = suppressed.filter((s) => s.suppression.kind !== 'config').length;
  if (inline > 0) lines.push(paint(color, 'dim', `${plural(inline, 'finding')} suppressed inline (--no-inline-ignores shows them)`));
  if (suppressed.length > inline) lines.push(paint(color, 'dim', `${plural(suppressed.length - inline, 'finding')} ignored by the config file`));
  for (const { suppression, why } of result.unusedSuppressions ?? []) {
    const { at } = suppression;
    const host = suppression.kind === 'config' || at.host === at.file.split('/')[0] ? '' : `${at.host}: `;
    lines.push(paint(color, 'warning', `unused suppression at ${host}${at.file}:${at.line}: ${why}`));
  }
  for (const unknown of result.cluster.unknowns) {
    lines.push(paint(color, 'dim', `not checked: ${unknown.what}: ${unknown.why}; ${unknown.supply}`));
  }
  if (result.baseline) {
    const { known, gone, file } = result.baseline;
    lines.push(paint(color, 'dim', `${plural(known, 'finding')} left out as in the baseline ${file}; ${gone} of its findings ${gone === 1 ? 'is' : 'are'} gone`));
  }
  return `${lines.join('\n')}\n`;
}
