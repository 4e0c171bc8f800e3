/**
 * The compliance view of a scan with --benchmark, in every format: what the pipeline
 * computed (src/compliance), printed — nothing is judged here.
 */
import { sectionOf } from '../benchmarks/types.js';
import { STATUSES, type ComplianceReport, type ControlResult, type ControlStatus, type Totals } from '../compliance/types.js';
import { terminalSafe } from './terminal.js';

function totalsText(totals: Totals): string {
  return STATUSES.map((s) => `${totals[s]} ${s}`).join(', ');
}

function sectionTitle(report: ComplianceReport, section: string): string {
  return report.benchmark.sections[section] ?? '';
}

function hostsInOrder(report: ComplianceReport): string[] {
  return [...report.byHost.keys()];
}

// ---------------------------------------------------------------- JSON

export function complianceJson(report: ComplianceReport) {
  return {
    benchmark: report.benchmark.id,
    title: report.benchmark.title,
    version: report.benchmark.version,
    kubernetes: report.benchmark.kubernetes,
    why: report.why,
    notes: report.notes,
    totals: report.totals,
    sections: [...report.bySection].map(([id, totals]) => ({ id, title: sectionTitle(report, id), totals })),
    hosts: [...report.byHost].map(([name, totals]) => ({ name, totals })),
    // What each control is, once; the results name it by id (a large cluster has thousands of results).
    controls: report.benchmark.controls.map((c) => ({ id: c.id, title: c.text, section: sectionOf(c.id), scored: c.scored, automated: c.check.template !== 'manual', template: c.check.template, ruleId: c.rule || null })),
    results: report.results.map((r) => ({
      host: r.host,
      id: r.control.id,
      status: r.status,
      reason: r.reason,
      source: r.source
        ? {
            origin: r.source.origin,
            ...(r.source.at ? { file: r.source.at.file, ...(r.source.at.line !== undefined ? { line: r.source.at.line } : {}) } : {}),
            ...(r.source.key !== undefined ? { key: r.source.key } : {}),
            ...(r.source.value !== undefined ? { value: r.source.value } : {}),
          }
        : null,
      findings: r.findings,
    })),
  };
}

// ---------------------------------------------------------------- text

export type Paint = (style: 'error' | 'warning' | 'note' | 'dim' | 'bold' | 'underline', text: string) => string;

const STYLE: Record<ControlStatus, Parameters<Paint>[0]> = { PASS: 'dim', FAIL: 'error', WARN: 'warning', UNKNOWN: 'note', 'N/A': 'dim' };

function resultLine(r: ControlResult, paint: Paint): string {
  const rule = r.control.rule ? `  ${paint('dim', r.control.rule)}` : '';
  return `  ${paint(STYLE[r.status], `[${r.status}]`.padEnd(9))} ${r.control.id.padEnd(7)} ${terminalSafe(r.reason)}${rule}`;
}

/**
 * kube-bench's summary for the whole cluster: per host the controls that are not PASS
 * (manual ones in one line), then totals by section and by host.
 */
export function complianceText(report: ComplianceReport, paint: Paint): string {
  const lines: string[] = [];
  lines.push(paint('bold', `${report.benchmark.title} (${report.benchmark.id})`));
  lines.push(paint('dim', `why this one: ${terminalSafe(report.why)}`));
  for (const note of report.notes) lines.push(paint('warning', `note: ${terminalSafe(note)}`));
  lines.push('');
  const byHost = new Map<string, ControlResult[]>();
  for (const r of report.results) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  for (const host of hostsInOrder(report)) {
    const results = byHost.get(host) ?? [];
    lines.push(paint('underline', terminalSafe(host)));
    const manual = results.filter((r) => r.control.check.template === 'manual');
    for (const r of results) if ((r.status === 'FAIL' || r.status === 'WARN') && r.control.check.template !== 'manual') lines.push(resultLine(r, paint));
    // Controls left open by one cause (no owner data, say) are listed together.
    const unknown = new Map<string, ControlResult[]>();
    for (const r of results.filter((x) => x.status === 'UNKNOWN')) {
      const key = `${r.unknown?.cause ?? r.reason}\u0000${r.unknown?.supply ?? ''}`;
      unknown.set(key, [...(unknown.get(key) ?? []), r]);
    }
    for (const [key, group] of unknown) {
      const [cause, supply] = key.split('\u0000');
      const text = group.length === 1 ? group[0].reason : `${cause}${supply ? `; would be known from ${supply}` : ''}`;
      lines.push(`  ${paint('note', '[UNKNOWN]'.padEnd(9))} ${group.map((r) => r.control.id).join(', ')}: ${terminalSafe(text)}`);
    }
    if (manual.length) lines.push(`  ${paint('warning', '[WARN]'.padEnd(9))} ${paint('dim', `manual, to review by hand: ${manual.map((r) => r.control.id).join(', ')}`)}`);
    lines.push(`  ${paint('dim', totalsText(report.byHost.get(host)!))}`);
    lines.push('');
  }
  const width = Math.max(...[...report.bySection.keys()].map((s) => `${s} ${sectionTitle(report, s)}`.length), 10);
  lines.push(paint('bold', 'By section'));
  lines.push(`  ${''.padEnd(width)}  ${STATUSES.map((s) => s.padStart(7)).join(' ')}`);
  for (const [section, totals] of report.bySection) lines.push(`  ${`${section} ${sectionTitle(report, section)}`.padEnd(width)}  ${STATUSES.map((s) => String(totals[s]).padStart(7)).join(' ')}`);
  lines.push('');
  const { FAIL: failed, WARN: warned } = report.totals;
  const summary = `${report.benchmark.id}: ${totalsText(report.totals)} on ${report.byHost.size} host${report.byHost.size === 1 ? '' : 's'}`;
  lines.push(paint(failed > 0 ? 'error' : warned > 0 ? 'warning' : 'bold', summary));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- JUnit

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One test suite per section, one test case per control and host (kube-bench's JUnit: WARN is skipped). */
export function complianceJunit(report: ComplianceReport): { suites: string[]; tests: number; failures: number } {
  const bySection = new Map<string, ControlResult[]>();
  for (const r of report.results) {
    const section = sectionOf(r.control.id);
    bySection.set(section, [...(bySection.get(section) ?? []), r]);
  }
  let failures = 0;
  const suites = [...bySection].map(([section, results]) => {
    const cases = results.map((r) => {
      const open = `    <testcase classname="${xml(`${report.benchmark.id}.${r.control.id}`)}" name="${xml(`${r.control.id} ${r.host}: ${r.control.text}`)}"`;
      if (r.status === 'PASS') return `${open}/>`;
      if (r.status === 'FAIL') {
        failures++;
        return `${open}>\n      <failure type="FAIL" message="${xml(r.reason)}">${xml(`${r.control.rule}: ${r.reason}`)}</failure>\n    </testcase>`;
      }
      return `${open}>\n      <skipped message="${xml(`${r.status}: ${r.reason}`)}"/>\n    </testcase>`;
    });
    const failed = results.filter((r) => r.status === 'FAIL').length;
    const skipped = results.filter((r) => r.status !== 'PASS' && r.status !== 'FAIL').length;
    return `  <testsuite name="${xml(`${report.benchmark.id} ${section} ${sectionTitle(report, section)}`)}" tests="${results.length}" failures="${failed}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return { suites, tests: report.results.length, failures };
}

// ---------------------------------------------------------------- HTML

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function totalsRow(label: string, totals: Totals): string {
  return `<tr><td>${html(label)}</td>${STATUSES.map((s) => `<td class="count ${s === 'N/A' ? 'na' : s.toLowerCase()}">${totals[s]}</td>`).join('')}</tr>`;
}

export const COMPLIANCE_STYLE = `
.status{border-radius:4px;padding:0 6px;font-size:12px;color:#fff}.status.pass{background:#2e7d32}.status.fail{background:#c62828}.status.warn{background:#ef8f00}.status.unknown{background:#1976d2}.status.na{background:#90a4ae}
td.count.fail{color:#c62828;font-weight:600}td.count.warn{color:#b26a00}
`;

/** The compliance section of the HTML report. */
export function complianceHtml(report: ComplianceReport): string {
  const head = `<tr><th></th>${STATUSES.map((s) => `<th>${s}</th>`).join('')}</tr>`;
  const sections = [...report.bySection].map(([id, totals]) => totalsRow(`${id} ${sectionTitle(report, id)}`, totals)).join('');
  const hosts = [...report.byHost].map(([name, totals]) => totalsRow(name, totals)).join('');
  const open = report.results.filter((r) => r.status !== 'PASS' && r.status !== 'N/A' && r.control.check.template !== 'manual');
  const rows = open
    .map((r) => `<tr><td>${html(r.host)}</td><td>${html(r.control.id)}</td><td><span class="status ${r.status === 'N/A' ? 'na' : r.status.toLowerCase()}">${r.status}</span></td><td>${html(r.control.text)}<div class="related">${html(r.reason)}</div></td><td><code>${html(r.control.rule)}</code></td></tr>`)
    .join('');
  return `<section id="compliance"><h2>Compliance: ${html(report.benchmark.title)}</h2>
<p>${html(report.why)}${report.notes.map((n) => `<br><strong>note:</strong> ${html(n)}`).join('')}</p>
<div class="summary">${STATUSES.map((s) => `<div class="status-${s === 'N/A' ? 'na' : s.toLowerCase()}"><b>${report.totals[s]}</b>${s}</div>`).join('')}</div>
<h3>By section</h3><table class="compliance-sections"><thead>${head}</thead><tbody>${sections}</tbody></table>
<h3>By host</h3><table class="compliance-hosts"><thead>${head}</thead><tbody>${hosts}</tbody></table>
<h3>Controls to act on</h3>${open.length ? `<table class="compliance-results"><thead><tr><th>host</th><th>control</th><th>status</th><th>what</th><th>rule</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Every control with a test passes or does not apply.</p>'}
</section>`;
}
