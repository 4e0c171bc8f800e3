import { createHash } from 'node:crypto';
import type { Cluster } from './model/cluster.js';
import type { Finding } from './model/finding.js';
import { maskUrlPassword, secretValuesOf, urlPasswords, type SecretValues } from './model/secrets.js';
import type { SourceLocation } from './model/types.js';
import type { Rule, RuleContext, RuleOptions } from './rules/rule.js';
import { record } from './util/timing.js';

function fingerprintOf(ruleId: string, host: string, file: string, key: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${host}\u0000${file}\u0000${key}`).digest('hex').slice(0, 32);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.at.host.localeCompare(b.at.host) ||
    a.at.file.localeCompare(b.at.file) ||
    (a.at.line ?? 0) - (b.at.line ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

/** The location of a model object: its `at`, or a component's `definedAt`. */
function locationOf(item: unknown): SourceLocation | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const record = item as { at?: unknown; definedAt?: unknown };
  for (const candidate of [record.at, record.definedAt]) {
    if (candidate && typeof candidate === 'object' && typeof (candidate as SourceLocation).file === 'string') return candidate as SourceLocation;
  }
  return undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}

/**
 * A rule that throws is a bug in kaudit, never a pass: what it could not judge is an
 * unknown (a note in SARIF and JSON, naming the rule and the file), said once on stderr
 * too, and every other object and rule is still judged.
 */
function ruleFailed(cluster: Cluster, rule: Rule, at: SourceLocation | undefined, error: unknown): void {
  const where = at ? `${at.file}${at.line ? `:${at.line}` : ''}` : 'the cluster';
  const why = reason(error);
  cluster.addUnknown({
    what: `${rule.id} on ${where}`,
    why: `the rule failed there (${why}); its findings elsewhere are kept`,
    supply: 'a fix of kaudit (please report it with the file)',
    ...(at ? { at } : {}),
    affects: [rule.id, ...(rule.cis ?? [])],
  });
  cluster.diagnostics.push({ level: 'error', ...(at ? { at } : {}), message: `rule ${rule.id} failed on ${where} (${why}); that is not judged by it` });
}

/** Secret-bearing settings (marked where parsed) and passwords in URLs are known to the masking of every output. */
function learnSecretSettings(cluster: Cluster, secrets: SecretValues): void {
  for (const component of cluster.components) {
    for (const s of component.settings) {
      if (s.secret) secrets.add(s.value);
      for (const password of urlPasswords(s.value)) secrets.add(password);
    }
  }
}

function masked(secrets: SecretValues, text: string): string {
  return secrets.mask(maskUrlPassword(text));
}

/**
 * Runs rules over the model. Each rule runs on its own, and each object within a rule
 * when the rule checks them through `context.each`: a failure is a note, not a crash.
 * Messages never carry a secret value (model/secrets.ts): they are masked here, once.
 */
export function runRules(cluster: Cluster, rules: readonly Rule[], options: RuleOptions): Finding[] {
  const secrets = secretValuesOf(cluster);
  learnSecretSettings(cluster, secrets);
  for (const diagnostic of cluster.diagnostics) diagnostic.message = masked(secrets, diagnostic.message);
  for (const unknown of cluster.unknowns) Object.assign(unknown, { what: masked(secrets, unknown.what), why: masked(secrets, unknown.why) });
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const context: RuleContext = {
      ...options,
      each(items, check, where) {
        for (const item of items) {
          try {
            check(item);
          } catch (error) {
            ruleFailed(cluster, rule, where ? where(item) : locationOf(item), error);
          }
        }
      },
    };
    const start = performance.now();
    try {
      rule.check(cluster, context, (report) => {
        const fingerprint = fingerprintOf(rule.id, report.at.host, report.at.file, report.key);
        if (seen.has(fingerprint)) return;
        seen.add(fingerprint);
        const fixes = report.fix === undefined ? [] : Array.isArray(report.fix) ? report.fix : [report.fix];
        const related = (report.related ?? []).map((r) => (r.message === undefined ? r : { ...r, message: masked(secrets, r.message) }));
        findings.push({ ruleId: rule.id, level: report.level ?? rule.level, message: masked(secrets, report.message), at: report.at, related, fingerprint, cis: report.cis ?? rule.cis ?? [], fixes });
      });
    } catch (error) {
      ruleFailed(cluster, rule, undefined, error);
    }
    record(`rule ${rule.id}`, performance.now() - start);
  }
  return findings.sort(compareFindings);
}
