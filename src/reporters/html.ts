import type { Finding, Level } from '../model/finding.js';
import type { Certificate } from '../model/types.js';
import { isSelfSigned, issuersOf } from '../rules/lib/pki.js';
import { countByLevel, plural, type ScanResult } from './result.js';
import { COMPLIANCE_STYLE, complianceHtml } from './compliance.js';

const DAY = 86_400_000;
/** The expiry window when the result does not say (as --expiry-window's default). */
const DEFAULT_WINDOW_DAYS = 30;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** One certificate as the report shows it: every copy of it, and what is wrong with it. */
interface CertView {
  cert: Certificate;
  places: string[];
  hosts: Set<string>;
  marks: Set<'expired' | 'expiring' | 'shared-key' | 'finding'>;
}

const MARK_OF_RULE: Record<string, 'expired' | 'expiring' | 'shared-key'> = {
  'pki/cert-expired': 'expired',
  'pki/cert-expiring': 'expiring',
  'pki/shared-keypair': 'shared-key',
};

/** Certificates by fingerprint (kubeadm copies a CA to every master: one node in the picture). */
function certViews(result: ScanResult): Map<string, CertView> {
  const views = new Map<string, CertView>();
  const byPlace = new Map<string, CertView>();
  for (const cert of result.cluster.certificates) {
    const view = views.get(cert.fingerprint) ?? { cert, places: [], hosts: new Set<string>(), marks: new Set() };
    views.set(cert.fingerprint, view);
    view.places.push(cert.at.file);
    view.hosts.add(cert.host);
    byPlace.set(`${cert.at.root}:${cert.at.file}`, view);
    const left = cert.notAfter.getTime() - result.now.getTime();
    if (left < 0) view.marks.add('expired');
    else if (left < (result.expiryWindowDays ?? DEFAULT_WINDOW_DAYS) * DAY) view.marks.add('expiring');
  }
  for (const finding of result.findings) {
    for (const at of [finding.at, ...finding.related]) {
      const view = byPlace.get(`${at.root}:${at.file}`);
      if (view) view.marks.add(MARK_OF_RULE[finding.ruleId] ?? 'finding');
    }
  }
  return views;
}

function badges(view: CertView): string {
  const label = { expired: 'expired', expiring: 'expiring', 'shared-key': 'shared key pair', finding: 'finding' } as const;
  return [...view.marks].map((mark) => `<span class="badge ${mark}" data-mark="${mark}">${label[mark]}</span>`).join(' ');
}

function certLabel(cert: Certificate): string {
  return escape(cert.commonName || cert.subject || '(empty subject)');
}

/** The PKI: every CA with the certificates it signed, as nested boxes. */
function pkiPicture(result: ScanResult, views: Map<string, CertView>): string {
  const children = new Map<string, CertView[]>();
  const roots: CertView[] = [];
  for (const view of views.values()) {
    const issuers = isSelfSigned(view.cert) ? [] : issuersOf(result.cluster, view.cert);
    if (issuers.length === 0) roots.push(view);
    for (const issuer of issuers) children.set(issuer.fingerprint, [...(children.get(issuer.fingerprint) ?? []), view]);
  }
  const node = (view: CertView, depth: number): string => {
    const kids = depth < 4 ? (children.get(view.cert.fingerprint) ?? []) : [];
    const title = `${view.cert.subject}\nvalid ${view.cert.notBefore.toISOString().slice(0, 10)} – ${view.cert.notAfter.toISOString().slice(0, 10)}\n${view.places.join('\n')}`;
    const marked = [...view.marks].map((m) => ` mark-${m}`).join('');
    return `<li class="cert${view.cert.isCA ? ' ca' : ''}${marked}" title="${escape(title)}"><span class="name">${certLabel(view.cert)}</span> <span class="copies">${escape([...view.hosts].join(', '))}${view.places.length > 1 ? ` · ${view.places.length} copies` : ''}</span> ${badges(view)}${
      kids.length ? `<ul>${kids.map((kid) => node(kid, depth + 1)).join('')}</ul>` : ''
    }</li>`;
  };
  const cas = roots.filter((v) => v.cert.isCA || children.has(v.cert.fingerprint));
  const orphans = roots.filter((v) => !cas.includes(v));
  return `<ul class="pki">${cas.map((v) => node(v, 0)).join('')}${orphans.length ? `<li class="cert orphan"><span class="name">issuer not found</span><ul>${orphans.map((v) => node(v, 1)).join('')}</ul></li>` : ''}</ul>`;
}

/** Certificate lifetimes on one time axis, with today marked. */
function expiryTimeline(result: ScanResult, views: Map<string, CertView>): string {
  const certs = [...views.values()].sort((a, b) => a.cert.notAfter.getTime() - b.cert.notAfter.getTime());
  if (certs.length === 0) return '<p>No certificates.</p>';
  const now = result.now.getTime();
  const start = Math.min(now - 365 * DAY, ...certs.map((v) => v.cert.notBefore.getTime()));
  const end = Math.max(now + 365 * DAY, ...certs.map((v) => Math.min(v.cert.notAfter.getTime(), now + 30 * 365 * DAY)));
  const [labelWidth, width, row] = [330, 600, 16];
  const x = (t: number) => labelWidth + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * width;
  const rows = certs.map((view, i) => {
    const y = 20 + i * row;
    const name = `${certLabel(view.cert)} (${escape([...view.hosts].join(', '))})`;
    const kind = view.marks.has('expired') ? 'expired' : view.marks.has('expiring') ? 'expiring' : 'valid';
    return `<g class="lifetime ${kind}"><title>${certLabel(view.cert)}: until ${view.cert.notAfter.toISOString().slice(0, 10)}</title><text x="${labelWidth - 6}" y="${y + 11}" text-anchor="end">${name}</text><rect x="${x(view.cert.notBefore.getTime())}" y="${y + 2}" width="${Math.max(2, x(view.cert.notAfter.getTime()) - x(view.cert.notBefore.getTime()))}" height="${row - 5}"/></g>`;
  });
  const height = 30 + certs.length * row;
  const years: string[] = [];
  for (let year = new Date(start).getUTCFullYear() + 1; Date.UTC(year, 0) <= end; year += Math.max(1, Math.ceil((end - start) / (365 * DAY) / 12))) {
    const t = Date.UTC(year, 0);
    years.push(`<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="14" y2="${height}"/><text class="year" x="${x(t)}" y="10" text-anchor="middle">${year}</text>`);
  }
  const today = `<line class="now" x1="${x(now)}" x2="${x(now)}" y1="14" y2="${height}"/><text class="now" x="${x(now) + 3}" y="${height}">${result.now.toISOString().slice(0, 10)}</text>`;
  return `<svg class="timeline" role="img" aria-label="certificate expiry timeline" viewBox="0 0 ${labelWidth + width + 20} ${height + 6}" width="${labelWidth + width + 20}">${years.join('')}${rows.join('')}${today}</svg>`;
}

function findingRows(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `<tr class="${f.level}"><td><span class="level ${f.level}">${f.level}</span></td><td>${escape(f.message)}${f.related.length ? `<div class="related">${f.related.map((r) => `↳ ${escape(r.file)}${r.line ? `:${r.line}` : ''}${r.message ? ` (${escape(r.message)})` : ''}`).join('<br>')}</div>` : ''}</td><td class="where">${escape(f.at.file)}${f.at.line ? `:${f.at.line}` : ''}</td><td><code>${escape(f.ruleId)}</code></td></tr>`,
    )
    .join('');
}

function byHost(result: ScanResult): string {
  const hosts = [...new Set(result.findings.map((f) => f.at.host))];
  return hosts.map((host) => `<h3>${escape(host)}</h3><table class="findings"><tbody>${findingRows(result.findings.filter((f) => f.at.host === host))}</tbody></table>`).join('');
}

function byRule(result: ScanResult): string {
  const rows = result.rules
    .map((rule) => ({ rule, findings: result.findings.filter((f) => f.ruleId === rule.id) }))
    .filter((r) => r.findings.length > 0)
    .map(({ rule, findings }) => `<tr><td><code>${escape(rule.id)}</code></td><td><span class="level ${rule.level}">${rule.level}</span></td><td>${escape(rule.title)}</td><td>${findings.length}</td><td>${escape([...new Set(findings.map((f) => f.at.host))].join(', '))}</td></tr>`);
  return `<table class="rules"><thead><tr><th>rule</th><th>level</th><th>what</th><th>findings</th><th>hosts</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2430}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #ddd}
.summary{display:flex;gap:12px;flex-wrap:wrap}.summary div{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.summary b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 8px;vertical-align:top;text-align:left}
.where{color:#555;font-family:monospace;font-size:12px}.related{color:#666;font-size:12px}
.level{border-radius:4px;padding:0 6px;color:#fff;font-size:12px}.level.error{background:#c62828}.level.warning{background:#ef8f00}.level.note{background:#1976d2}
ul.pki,ul.pki ul{list-style:none;padding-left:22px;border-left:2px solid #cfd8dc;margin:4px 0}
ul.pki{border:0;padding:0}li.cert{margin:3px 0}li.cert>.name{border:1px solid #90a4ae;border-radius:4px;padding:1px 6px;background:#fff}
li.cert.ca>.name{background:#e3f2fd;font-weight:600}.copies{color:#777;font-size:12px}
li.mark-expired>.name{border-color:#c62828;background:#ffebee}li.mark-shared-key>.name{border:2px dashed #6a1b9a}
.badge{border-radius:8px;padding:0 6px;font-size:11px;color:#fff}.badge.expired{background:#c62828}.badge.expiring{background:#ef8f00}.badge.shared-key{background:#6a1b9a}.badge.finding{background:#78909c}
svg.timeline{font-size:10px}svg .lifetime.valid rect{fill:#81c784}svg .lifetime.expiring rect{fill:#ef8f00}svg .lifetime.expired rect{fill:#c62828}
svg line.grid{stroke:#eee}svg line.now{stroke:#1d2430;stroke-dasharray:3 2}svg text.year{fill:#777}
`;

/** One self-contained page (no scripts, no network): summary, findings, the PKI and expiry. */
export function formatHtml(result: ScanResult): string {
  const counts = countByLevel(result.findings);
  const views = certViews(result);
  const { cluster } = result;
  const summary = [
    ['errors', counts.error],
    ['warnings', counts.warning],
    ['notes', counts.note],
    ['suppressed', result.suppressed?.length ?? 0],
    ['hosts', cluster.hosts.length],
    ['components', cluster.components.length],
    // Every copy counts, as in the JSON and text summaries; the PKI picture shows each distinct certificate once.
    ['certificates', cluster.certificates.length, `${views.size} distinct`],
  ]
    .map(([label, value, detail]) => `<div class="${label}"><b>${value}</b>${label}${detail ? ` <small>(${detail})</small>` : ''}</div>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kaudit report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>${STYLE}${result.compliance ? COMPLIANCE_STYLE : ''}</style></head><body>
<h1>kaudit report</h1>
<p>${escape(cluster.roots.map((r) => r.given).join(', '))} · judged at ${result.now.toISOString().slice(0, 10)} · kaudit ${escape(result.toolVersion)}</p>
<section id="summary"><h2>Summary</h2><div class="summary">${summary}</div></section>
<section id="by-rule"><h2>Findings by rule</h2>${byRule(result)}</section>
<section id="by-host"><h2>Findings by host</h2>${result.findings.length ? byHost(result) : '<p>No problems.</p>'}</section>
${result.compliance ? complianceHtml(result.compliance) : ''}
<section id="pki"><h2>PKI</h2><p>Each CA with the certificates it signed; a certificate found in several places is one box (hover for its files).</p>${pkiPicture(result, views)}</section>
<section id="expiry"><h2>Certificate expiry</h2>${expiryTimeline(result, views)}</section>
</body></html>
`;
}
