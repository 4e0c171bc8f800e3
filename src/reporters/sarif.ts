import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HELP_BASE_URL, docPath } from '../rules/index.js';
import type { SourceLocation, Suppression } from '../model/types.js';
import type { Finding } from '../model/finding.js';
import type { ArtifactBase, ScanResult } from './result.js';
import { readPackageFile } from '../io/read.js';
import type { Rule } from '../rules/rule.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The SARIF base of each scanned root: its id, the folder it names, and the root's path below it. */
interface UriBase {
  id: string;
  dir: string;
  prefix: string;
}

/**
 * URIs are relative to the git work tree that holds the scanned folder (GitHub resolves
 * them there and ignores originalUriBaseIds), to --sarif-root, or to the scanned path.
 * `originalUriBaseIds` still names each base, for viewers that use it.
 */
function uriBases(result: ScanResult): UriBase[] {
  const bases: ArtifactBase[] = result.artifactBases ?? result.cluster.roots.map((root) => ({ dir: root.path, prefix: '', kind: 'scanned' as const }));
  const name = (kind: ArtifactBase['kind']) => (kind === 'scanned' ? 'SCANROOT' : 'SRCROOT');
  const dirs = [...new Map(bases.map((b) => [b.dir, b])).values()];
  const ids = new Map(dirs.map((b, i) => [b.dir, dirs.filter((o) => name(o.kind) === name(b.kind)).length > 1 ? `${name(b.kind)}${i + 1}` : name(b.kind)]));
  return bases.map((b) => ({ id: ids.get(b.dir)!, dir: b.dir, prefix: b.prefix }));
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function physicalLocation(bases: UriBase[], at: SourceLocation) {
  // A live source is located by its URL, an absolute URI.
  if (at.root < 0) return { artifactLocation: { uri: at.file }, region: { startLine: at.line ?? 1 } };
  const base = bases[at.root];
  const uri = encodePath(base.prefix ? `${base.prefix}/${at.file}` : at.file);
  return { artifactLocation: { uri, uriBaseId: base.id }, region: { startLine: at.line ?? 1 } };
}

/** The rule's documentation page, for SARIF `help` (GitHub code scanning shows it). */
function helpOf(rule: Rule): { text: string; markdown: string } {
  let markdown: string;
  try {
    markdown = readPackageFile(new URL(`../../${docPath(rule)}`, import.meta.url));
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
  const bases = uriBases(result);
  const originalUriBaseIds = Object.fromEntries(
    bases.map((base) => {
      const href = pathToFileURL(base.dir).href;
      return [base.id, { uri: href.endsWith('/') ? href : `${href}/` }];
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
                ...(d.at ? { locations: [{ physicalLocation: { artifactLocation: physicalLocation(bases, d.at).artifactLocation } }] } : {}),
              })),
              // Unknown is not absent: what a source could not show is a note, never a result.
              ...cluster.unknowns.map((u) => ({
                level: 'note',
                message: { text: `not checked: ${u.what}: ${u.why}; ${u.supply}` },
                ...(u.at ? { locations: [{ physicalLocation: { artifactLocation: physicalLocation(bases, u.at).artifactLocation } }] } : {}),
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
    if (suppression.kind !== 'config') return physicalLocation(bases, suppression.at);
    // .kaudit.yaml: relative to a base that holds it (the repository), else an absolute file URI.
    const file = path.resolve(suppression.at.file);
    const base = bases.find((b) => !path.relative(b.dir, file).startsWith('..'));
    const artifactLocation = base ? { uri: encodePath(path.relative(base.dir, file).split(path.sep).join('/')), uriBaseId: base.id } : { uri: pathToFileURL(file).href };
    return { artifactLocation, region: { startLine: suppression.at.line ?? 1 } };
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
      locations: [{ physicalLocation: physicalLocation(bases, finding.at) }],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((rel, index) => ({
              id: index + 1,
              physicalLocation: physicalLocation(bases, rel),
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
