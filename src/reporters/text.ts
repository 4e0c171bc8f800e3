import path from 'node:path/posix';
import { LEVEL_ORDER, type Finding, type Level } from '../model/finding.js';
import { countByLevel, plural, type ScanResult } from './result.js';
import { oneLine } from './terminal.js';
import { hanging, wrapWords } from './wrap.js';
import { complianceText } from './compliance.js';
import { hostSummaryLines } from './host-summary.js';

export interface TextOptions {
  color: boolean;
  /** Columns to wrap at: COLUMNS, else the terminal's width, else 80. */
  width?: number;
  /** Show only findings at this level and above (--severity, --quiet); the counts stay whole. */
  minLevel?: Level;
}

export const DEFAULT_WIDTH = 80;

const STYLES = { error: '31', warning: '33', note: '36', dim: '2', bold: '1', underline: '4' } as const;
type Style = keyof typeof STYLES;
type Paint = (style: Style, text: string) => string;

function painter(enabled: boolean): Paint {
  return (style, text) => (enabled && text ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
}

/** Findings of one file, under the file's name. */
interface FileGroup {
  header: string;
  findings: Finding[];
}

/**
 * Findings by file, in the order they come (by host, then file). The file is named
 * relative to the scanned PATH (with the PATH when several were scanned); the host is
 * added where the path does not already start with it (a host root, a live node).
 */
function groupByFile(result: ScanResult, findings: Finding[]): FileGroup[] {
  const { roots } = result.cluster;
  const loose = new Set(result.cluster.hosts.filter((h) => h.loose).map((h) => h.name));
  const groups = new Map<string, FileGroup>();
  for (const finding of findings) {
    const { at } = finding;
    const key = `${at.root}\u0000${at.host}\u0000${at.file}`;
    let group = groups.get(key);
    if (!group) {
      const file = at.root >= 0 && roots.length > 1 ? path.join(roots[at.root].given, at.file) : at.file;
      const showHost = !loose.has(at.host) && !at.file.startsWith(`${at.host}/`);
      group = { header: oneLine(file) + (showHost ? `  (${oneLine(at.host)})` : ''), findings: [] };
      groups.set(key, group);
    }
    group.findings.push(finding);
  }
  return [...groups.values()];
}

/** A related place: its file and line, and its host where the path does not say it. */
function relatedText(finding: Finding, rel: Finding['related'][number]): string {
  const where = rel.host !== finding.at.host && !rel.file.startsWith(`${rel.host}/`) ? `${rel.host}: ` : '';
  return oneLine(`${where}${rel.file}${rel.line ? `:${rel.line}` : ''}${rel.message ? ` (${rel.message})` : ''}`);
}

/** One file's block: `  line  level    message  rule-id`, wrapped under the message column. */
function fileBlock(group: FileGroup, lineWidth: number, width: number, paint: Paint): string[] {
  const indent = 2 + lineWidth + 2 + 7 + 2;
  const lines = [paint('underline', group.header)];
  for (const finding of group.findings) {
    const first = `  ${paint('dim', String(finding.at.line ?? '').padStart(lineWidth))}  ${paint(finding.level, finding.level.padEnd(7))}  `;
    lines.push(...hanging(oneLine(finding.message), { indent, width, first, tail: finding.ruleId, paintTail: (id) => paint('dim', id) }));
    for (const rel of finding.related) {
      lines.push(...hanging(relatedText(finding, rel), { indent: indent + 2, width, first: `${' '.repeat(indent)}↳ ` }).map((l) => paint('dim', l)));
    }
  }
  return lines;
}

/** A line of the report's end, wrapped with a two-space hanging indent. */
function note(text: string, width: number, paint: Paint, style: Style): string[] {
  return wrapWords(text, width, width - 2).map((line, i) => paint(style, i === 0 ? line : `  ${line}`));
}

function summaryLines(result: ScanResult, width: number, paint: Paint): string[] {
  const counts = countByLevel(result.findings);
  const total = result.findings.length;
  const hosts = new Set(result.findings.map((f) => f.at.host)).size;
  const scope = `${plural(result.cluster.hosts.length, 'host')}, ${plural(result.cluster.components.length, 'component')}, ${plural(result.cluster.certificates.length, 'certificate')}`;
  if (total === 0) return note(`✔ no problems (${scope} checked)`, width, paint, 'bold');
  const summary = `✖ ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}) on ${plural(hosts, 'host')}`;
  return [...note(summary, width, paint, counts.error > 0 ? 'error' : counts.warning > 0 ? 'warning' : 'note'), ...note(`checked: ${scope}`, width, paint, 'dim')];
}

/** What --quiet or --severity left out: the report says so, so that a short report is not mistaken for a clean one. */
function hiddenLine(result: ScanResult, minLevel: Level): string | undefined {
  const counts = countByLevel(result.findings.filter((f) => LEVEL_ORDER[f.level] < LEVEL_ORDER[minLevel]));
  const parts = (['warning', 'note'] as const).filter((level) => counts[level] > 0).map((level) => plural(counts[level], level));
  return parts.length ? `${parts.join(' and ')} not shown (showing ${minLevel}${minLevel === 'error' ? 's' : 's and above'})` : undefined;
}

/** After the summary: suppressions, unknowns, the baseline. */
function trailerLines(result: ScanResult, minLevel: Level, width: number, paint: Paint): string[] {
  const lines: string[] = [];
  const suppressed = result.suppressed ?? [];
  const inline = suppressed.filter((s) => s.suppression.kind !== 'config').length;
  if (inline > 0) lines.push(...note(`${plural(inline, 'finding')} suppressed inline (--no-inline-ignores shows them)`, width, paint, 'dim'));
  if (suppressed.length > inline) lines.push(...note(`${plural(suppressed.length - inline, 'finding')} ignored by the config file`, width, paint, 'dim'));
  if (LEVEL_ORDER[minLevel] <= LEVEL_ORDER.warning) {
    for (const { suppression, why } of result.unusedSuppressions ?? []) {
      const { at } = suppression;
      const host = suppression.kind === 'config' || at.host === at.file.split('/')[0] ? '' : `${at.host}: `;
      lines.push(...note(oneLine(`unused suppression at ${host}${at.file}:${at.line}: ${why}`), width, paint, 'warning'));
    }
  }
  if (LEVEL_ORDER[minLevel] <= LEVEL_ORDER.note) {
    for (const unknown of result.cluster.unknowns) lines.push(...note(oneLine(`not checked: ${unknown.what}: ${unknown.why}; ${unknown.supply}`), width, paint, 'dim'));
  }
  if (result.baseline) {
    const { known, gone, file } = result.baseline;
    lines.push(...note(oneLine(`${plural(known, 'finding')} left out as in the baseline ${file}; ${gone} of its findings ${gone === 1 ? 'is' : 'are'} gone`), width, paint, 'dim'));
  }
  return lines;
}

/**
 * The terminal report, in ESLint's "stylish" layout: findings grouped by file, one
 * `line  level  message  rule-id` entry each, wrapped to the width, then a summary line.
 * Everything that comes from the scanned tree is printed through terminalSafe.
 */
export function formatText(result: ScanResult, options: TextOptions): string {
  const paint = painter(options.color);
  const width = options.width ?? DEFAULT_WIDTH;
  const minLevel = options.minLevel ?? 'note';
  const shown = result.findings.filter((f) => LEVEL_ORDER[f.level] >= LEVEL_ORDER[minLevel]);
  const lines: string[] = [];
  // One message column for the whole report: the widest line number sets it.
  const lineWidth = Math.max(1, ...shown.map((f) => String(f.at.line ?? '').length));
  for (const group of groupByFile(result, shown)) lines.push(...fileBlock(group, lineWidth, width, paint), '');
  lines.push(...summaryLines(result, width, paint), ...hostSummaryLines(result.cluster));
  const hidden = hiddenLine(result, minLevel);
  if (hidden) lines.push(...note(hidden, width, paint, 'dim'));
  lines.push(...trailerLines(result, minLevel, width, paint));
  const view = result.compliance ? `\n${complianceText(result.compliance, paint)}` : '';
  return `${lines.join('\n')}\n${view}`;
}
