import type { Finding } from '../model/finding.js';
import { countByLevel, type ScanResult } from './result.js';
import { distributionJson } from './host-summary.js';
import { shown } from '../model/secrets.js';
import { complianceJson } from './compliance.js';

function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    level: f.level,
    message: f.message,
    host: f.at.host,
    root: f.at.root < 0 ? null : f.at.root,
    file: f.at.file,
    line: f.at.line ?? null,
    related: f.related.map((r) => ({ host: r.host, root: r.root, file: r.file, line: r.line ?? null, message: r.message ?? null })),
    fingerprint: f.fingerprint,
    cis: f.cis,
  };
}

/** The JSON report (shape documented in the README). */
export function formatJson(result: ScanResult): string {
  const { cluster } = result;
  const report = {
    tool: { name: 'kaudit', version: result.toolVersion },
    now: result.now.toISOString(),
    roots: cluster.roots.map((r) => r.given),
    hosts: cluster.hosts.map((h) => ({ name: h.name, root: h.root, path: h.prefix, fileModes: h.modes, distribution: distributionJson(h) })),
    summary: {
      ...countByLevel(result.findings),
      findings: result.findings.length,
      hosts: cluster.hosts.length,
      components: cluster.components.length,
      certificates: cluster.certificates.length,
    },
    ...(result.baseline ? { baseline: result.baseline } : {}),
    findings: result.findings.map(findingJson),
    suppressed: (result.suppressed ?? []).map(({ finding, suppression }) => ({ ...findingJson(finding), suppression: { kind: suppression.kind, reason: suppression.reason, file: suppression.at.file, line: suppression.at.line ?? null } })),
    unusedSuppressions: (result.unusedSuppressions ?? []).map(({ suppression, why }) => ({ host: suppression.at.host, file: suppression.at.file, line: suppression.at.line ?? null, rules: suppression.rules, problem: why })),
    components: cluster.components.map((c) => ({
      host: c.host,
      kind: c.kind,
      source: c.source,
      file: c.definedAt.file,
      version: c.version ?? null,
      // Flag values are paths, addresses and switches; a secret one (a token, a password in a URL) is masked.
      flags: c.settings.map((s) => ({ name: s.name, value: shown(s), origin: s.origin, file: s.at.file, line: s.at.line ?? null })),
    })),
    // What the sources could not show: never findings (interfaces.md, "Unknown is not absent").
    unknowns: cluster.unknowns.map((u) => ({
      what: u.what,
      why: u.why,
      supply: u.supply,
      host: u.at?.host ?? null,
      file: u.at?.file ?? null,
      affects: u.affects ?? [],
    })),
    ...(result.compliance ? { compliance: complianceJson(result.compliance) } : {}),
    warnings: cluster.diagnostics.map((d) => ({
      level: d.level,
      message: d.message,
      host: d.at?.host ?? null,
      file: d.at?.file ?? null,
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
