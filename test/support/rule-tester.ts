/**
 * RuleTester, ESLint's habit in kaudit's terms: each case writes the host files it
 * needs, then the rule alone runs over them. Valid cases must give no finding; invalid
 * cases must give exactly the listed findings ("host file:line").
 */
import { describe, expect, it } from 'vitest';
import { planFixes } from '../../src/fixers/index.js';
import { writeChanges } from '../../src/fixers/writer.js';
import { ruleById } from '../../src/rules/index.js';
import { PkiFactory } from './pki.js';
import { scanPaths } from './scan.js';
import { loadApiObjects, type ApiObjects } from './api-objects.js';
import type { Cluster } from '../../src/model/cluster.js';
import { TreeWriter } from './tree.js';

export interface CaseContext {
  tree: TreeWriter;
  pki: PkiFactory;
  /** Values only known once files are written (a line in a bundle), for `{name}` in expected findings. */
  vars: Record<string, string | number>;
}

export interface ValidCase {
  name: string;
  /** Writes the case's host files (whatever it returns is ignored). */
  build(ctx: CaseContext): unknown;
  now?: Date;
  expiryWindowDays?: number;
  /** Objects of the live API, loaded into the model as the live collector reads them. */
  api?: ApiObjects;
}

export interface InvalidCase extends ValidCase {
  /** Expected findings of the rule, as "host file:line" (file relative to the cluster folder). */
  findings: string[];
  /** Text that the messages must contain, in the same order. */
  messages?: Array<string | RegExp>;
  /** Related locations ("host file:line") the first finding must name. */
  related?: string[];
  /** Why `kaudit fix` cannot write this case's fix (it plans it instead); by default it must. */
  planOnly?: string;
}

/**
 * Builds the case and scans it. With `fix`, the rule's fixes are then written and the
 * tree scanned again (kubeaudit's habit: fix every fixture, assert nothing remains).
 */
async function run(ruleId: string, testCase: ValidCase, vars: Record<string, string | number> = {}, fix = false) {
  const tree = TreeWriter.temp();
  try {
    await testCase.build({ tree, pki: new PkiFactory(), vars });
    tree.writeSnapshotManifests();
    const options = {
      rules: [ruleId],
      ...(testCase.now ? { now: testCase.now } : {}),
      ...(testCase.expiryWindowDays !== undefined ? { expiryWindowDays: testCase.expiryWindowDays } : {}),
    };
    const prepare = testCase.api ? (cluster: Cluster) => loadApiObjects(cluster, testCase.api!) : undefined;
    const first = scanPaths([tree.dir], options, prepare);
    if (!fix) return { ...first, afterFix: undefined, written: undefined, changes: undefined };
    const changes = await planFixes(first.cluster, first.findings, { now: options.now ?? new Date() });
    const written = writeChanges(changes, { now: new Date() });
    return { ...first, afterFix: scanPaths([tree.dir], options, prepare).findings, written, changes };
  } finally {
    tree.cleanup();
  }
}

export function ruleTester(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(ruleId, () => {
    describe('valid', () => {
      for (const testCase of cases.valid) {
        it(testCase.name, async () => {
          const { findings, cluster } = await run(ruleId, testCase);
          expect(cluster.hosts.length).toBeGreaterThan(0);
          expect(findings.map((f) => `${f.at.file}:${f.at.line}: ${f.message}`)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const testCase of cases.invalid) {
        it(testCase.name, async () => {
          const vars: Record<string, string | number> = {};
          const writesFix = ruleById(ruleId)?.fix === 'fix' && !testCase.planOnly;
          const { findings, afterFix, written, changes } = await run(ruleId, testCase, vars, writesFix);
          const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name]));
          expect(findings.every((f) => f.ruleId === ruleId)).toBe(true);
          expect(findings.map((f) => `${f.at.host} ${f.at.file}:${f.at.line}`)).toEqual(testCase.findings.map(fill));
          testCase.messages?.forEach((text, index) => expect(findings[index]?.message).toMatch(text));
          if (testCase.related) {
            expect(findings[0].related.map((r) => `${r.host} ${r.file}:${r.line}`)).toEqual(testCase.related.map(fill));
          }
          if (afterFix) {
            expect(written?.error).toBeUndefined();
            expect(changes?.conflicts).toEqual([]);
            expect(afterFix.map((f) => `after kaudit fix: ${f.at.file}:${f.at.line}: ${f.message}`)).toEqual([]);
          }
        });
      }
    });
  });
}
