import type { Finding } from '../model/finding.js';
import type { Suppression } from '../model/types.js';
import { ruleMatchesPattern, rulesMatching } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { globToRegExp, type ConfigIgnore } from '../cli/config.js';

/** A finding a suppression covers: reported as suppressed, never failing. */
export interface SuppressedFinding {
  finding: Finding;
  suppression: Suppression;
}

export interface SuppressionOutcome {
  /** Findings no suppression covers. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Suppressions that covered nothing, or name a rule kaudit does not have. */
  unused: Array<{ suppression: Suppression; why: string }>;
}

interface Waiver {
  suppression: Suppression;
  covers: (finding: Finding) => boolean;
}

/** An inline suppression covers findings of its rules on its lines of its file. */
function inlineWaiver(suppression: Suppression): Waiver {
  const { at } = suppression;
  return {
    suppression,
    covers: (finding) =>
      finding.at.host === at.host &&
      finding.at.root === at.root &&
      finding.at.file === at.file &&
      finding.at.line !== undefined &&
      finding.at.line >= suppression.fromLine &&
      finding.at.line <= suppression.toLine &&
      suppression.rules.some((pattern) => ruleMatchesPattern(finding.ruleId, pattern)),
  };
}

/** A config ignore covers findings of its rule, on its host, in files matching its glob. */
function configWaiver(entry: ConfigIgnore): Waiver {
  const pathPattern = entry.path ? globToRegExp(entry.path) : undefined;
  return {
    suppression: { rules: [entry.rule], reason: entry.reason, at: { host: entry.host ?? '', root: -1, file: entry.file, line: entry.line }, fromLine: entry.line, toLine: entry.line, kind: 'config' },
    covers: (finding) =>
      ruleMatchesPattern(finding.ruleId, entry.rule) && (entry.host === undefined || finding.at.host === entry.host) && (pathPattern === undefined || pathPattern.test(finding.at.file)),
  };
}

/**
 * Sets aside the findings that inline suppressions and config ignores cover. One is
 * reported as unused only when every rule it names ran: `--rule` must not make the
 * others look stale.
 */
export function applySuppressions(findings: Finding[], inline: Suppression[], ignores: ConfigIgnore[], rulesRun: readonly Rule[]): SuppressionOutcome {
  const waivers = [...inline.map(inlineWaiver), ...ignores.map(configWaiver)];
  const used = new Set<Waiver>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const waiver = waivers.find((w) => w.covers(finding));
    if (waiver) {
      used.add(waiver);
      suppressed.push({ finding, suppression: waiver.suppression });
    } else kept.push(finding);
  }
  const ran = new Set(rulesRun);
  const unused: SuppressionOutcome['unused'] = [];
  for (const { suppression } of waivers.filter((w) => !used.has(w))) {
    const unknown = suppression.rules.filter((pattern) => rulesMatching(pattern).length === 0);
    if (unknown.length > 0) unused.push({ suppression, why: `names no kaudit rule: ${unknown.join(', ')}` });
    else if (suppression.rules.every((pattern) => rulesMatching(pattern).every((rule) => ran.has(rule)))) {
      unused.push({ suppression, why: `matches no finding of ${suppression.rules.join(', ')}` });
    }
  }
  return { findings: kept, suppressed, unused };
}
