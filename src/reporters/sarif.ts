import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HELP_BASE_URL, docPath } from '../rules/index.js';
import type { SourceLocation, Suppression } from '../model/types.js';
import type { Finding } from '../model/finding.js';
import type { ScanResult } from './result.js';
import type { Rule } from '../rules/rule.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function baseId(result: ScanResult, root: number): string {
  return result.cluster.roots.length === 1 ? 'SCANROOT' : `SCANROOT${root + 1}`;
}

function physicalLocation(result: ScanResult, at: SourceLocation) {
  // A live source is located by its URL, an absolute URI.
  const artifactLocation = at.root < 0 ? { uri: at.file } : { uri: at.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: baseId(result, at.root) };
  return { artifactLocation, region: { startLine: at.line ?? 1 } };
}

/** The rule's documentation page, for SARIF `help` (GitHub code scanning shows it). */
function helpOf(rule: Rule): { text: string; markdown: string } {
  let markdown: string;
  try {
    markdown = fs.readFileSync(new URL(`../../${docPath(rule)}`, import.meta.url), 'utf8');
  } catch {
    markdown = `# ${rule.id}\n\n${rule.description}\n`;
  }
  const text = markdown.replace(/^#+ /gm, '').replace(/\*\*|`/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
  return { text, markdown };
}

/** GitHub's security-severity scale (0–10) by level: error is high, warning medium, note low. */
const SECURITY_SEVERITY = { error: '8.0', warning: '5.0', note: '2.0' } as const;

/** SARIF 2.1.0 with one run; `results` is present even when empty. */
export function formatSarif(result: ScanResult): string {
  const { cluster } = result;
  const ruleIndex = new Map(result.rules.map((rule, index) => [rule.id, index]));
  const originalUriBaseIds = Object.fromEntries(
    cluster.roots.map((root, index) => {
      const href = pathToFileURL(root.path).href;
      return [baseId(result, index), { uri: href.endsWith('/') ? href : `${href}/` }];
    }),
  );
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kaudit',
            version: result.toolVersion,
            semanticVersion: result.toolVersion,
            informationUri: HELP_BASE_URL.replace(/blob\/main\/$/, ''),
            rules: result.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              helpUri: `${HELP_BASE_URL}${docPath(rule)}`,
              help: helpOf(rule),
              defaultConfiguration: { level: rule.level },
              properties: { tags: rule.tags, precision: 'high', 'security-severity': SECURITY_SEVERITY[rule.level], ...(rule.cis?.length ? { cis: rule.cis } : {}) },
            })),
          },
        },
        automationDetails: { id: 'kaudit/scan/' },
        // With --benchmark: which benchmark, why, and its totals (failing controls are the results).
        ...(result.compliance ? { properties: { compliance: { benchmark: result.compliance.benchmark.id, version: result.compliance.benchmark.version, why: result.compliance.why, totals: result.compliance.totals } } } : {}),
        originalUriBaseIds,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...cluster.diagnostics.map((d) => ({
                level: d.level,
                message: { text: d.message },
                ...(d.at ? { locations: [{ physicalLocation: { artifactLocation: physicalLocation(result, d.at).artifactLocation } }] } : {}),
              })),
              // Unknown is not absent: what a source could not show is a note, never a result.
              ...cluster.unknowns.map((u) => ({
                level: 'note',
                message: { text: `not checked: ${u.what}: ${u.why}; ${u.supply}` },
                ...(u.at ? { locations: [{ physicalLocation: { artifactLocation: physicalLocation(result, u.at).artifactLocation } }] } : {}),
                ...(u.affects?.length ? { properties: { affects: u.affects } } : {}),
              })),
              ...(result.unusedSuppressions ?? []).map(({ suppression, why }) => ({
                level: 'warning',
                message: { text: `unused suppression: ${why}` },
                locations: [{ physicalLocation: suppressionLocation(suppression) }],
              })),
            ],
          },
        ],
        results: [...result.findings.map((finding) => sarifResult(finding)), ...(result.suppressed ?? []).map(({ finding, suppression }) => sarifResult(finding, suppression))],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;

  /** Inline suppressions are in the scanned files; a config ignore is in .kaudit.yaml, outside them. */
  function suppressionLocation(suppression: Suppression) {
    if (suppression.kind !== 'config') return physicalLocation(result, suppression.at);
    return { artifactLocation: { uri: pathToFileURL(path.resolve(suppression.at.file)).href }, region: { startLine: suppression.at.line ?? 1 } };
  }

  function sarifSuppression(suppression: Suppression) {
    return { kind: suppression.kind === 'config' ? 'external' : 'inSource', status: 'accepted', justification: suppression.reason, location: { physicalLocation: suppressionLocation(suppression) } };
  }

  function sarifResult(finding: Finding, suppression?: Suppression) {
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: finding.level,
      message: { text: `${finding.at.host}: ${finding.message}` },
      locations: [{ physicalLocation: physicalLocation(result, finding.at) }],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((rel, index) => ({
              id: index + 1,
              physicalLocation: physicalLocation(result, rel),
              message: { text: rel.host === finding.at.host ? (rel.message ?? rel.file) : `${rel.host}: ${rel.message ?? rel.file}` },
            })),
          }
        : {}),
      partialFingerprints: { 'kauditFindingHash/v1': finding.fingerprint },
      ...(result.baseline ? { baselineState: 'new' } : {}),
      // GitHub code scanning closes a result suppressed in source, with the reason.
      ...(suppression ? { suppressions: [sarifSuppression(suppression)] } : {}),
      properties: { host: finding.at.host, ...(finding.cis.length > 0 ? { cis: finding.cis } : {}) },
    };
  }
}
