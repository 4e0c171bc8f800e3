/** The benchmark tables against the catalog of the contract, and the two versions against each other. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS, BENCHMARK_CHOICES, benchmarkById } from '../../src/benchmarks/index.js';
import { BENCHMARK_RULE_INFO } from '../../src/benchmarks/rules.js';
import { isAutomated, type Control } from '../../src/benchmarks/types.js';
import { RULES, ruleById } from '../../src/rules/index.js';

/** The contract's catalog sits beside the repository (../shared/spec), where the project's checkout has it. */
const CATALOG = [new URL('../../../shared/spec/cis-1.12.tsv', import.meta.url).pathname, '/work/shared/spec/cis-1.12.tsv'].find((file) => fs.existsSync(file)) ?? '/work/shared/spec/cis-1.12.tsv';

interface CatalogRow {
  id: string;
  automated: boolean;
  component: string;
  op: string;
  expected: string;
  scored: boolean;
}

/** The v1.12 catalog of the contract (facts: id, automated, scored, test). */
function catalog(): CatalogRow[] {
  const [header, ...lines] = fs.readFileSync(CATALOG, 'utf8').trim().split('\n');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = Object.fromEntries(line.split('\t').map((cell, i) => [columns[i], cell]));
    return { id: cells.id, automated: cells.automated === 'yes', component: cells.component, op: cells.op, expected: cells.expected, scored: cells.scored === 'true' };
  });
}

const v111 = benchmarkById('cis-1.11')!;
const v112 = benchmarkById('cis-1.12')!;

describe.skipIf(!fs.existsSync(CATALOG))('cis-1.12 against the catalog (cis-1.12.tsv)', () => {
  it('holds every control of the catalog, automated and scored as it says', () => {
    const rows = catalog();
    expect(v112.controls.map((c) => c.id)).toEqual(rows.map((r) => r.id));
    for (const row of rows) {
      const control = v112.controls.find((c) => c.id === row.id)!;
      expect(`${row.id} automated=${isAutomated(control)} scored=${control.scored}`).toBe(`${row.id} automated=${row.automated} scored=${row.scored}`);
    }
  });

  it('tests what the catalog says each setting control tests', () => {
    const opOf = (c: Control): string | undefined => {
      const check = c.check;
      if (check.template !== 'setting' && check.template !== 'kubelet-setting' && check.template !== 'feature-gate') return undefined;
      const test = check.test;
      const base = test.op === 'notset' ? 'notset' : test.op;
      return 'orUnset' in test && test.orUnset ? `${base}|unset` : base;
    };
    for (const row of catalog()) {
      const control = v112.controls.find((c) => c.id === row.id)!;
      const op = opOf(control);
      if (op === undefined) continue;
      expect(`${row.id} ${op}`).toBe(`${row.id} ${row.op}`);
      const check = control.check as { test: { value?: unknown } };
      if (row.op === 'valid_elements') expect((check.test.value as string[]).join(',')).toBe(row.expected);
    }
  });
});

describe('v1.11 and v1.12', () => {
  it('differ exactly in the cipher lists, 4.2.15 and the numbering of 5.2 after 5.2.8', () => {
    const byId = (controls: Control[]) => new Map(controls.map((c) => [c.id, c]));
    const old = byId(v111.controls);
    const current = byId(v112.controls);
    const differences: string[] = [];
    for (const id of new Set([...old.keys(), ...current.keys()])) {
      const a = old.get(id);
      const b = current.get(id);
      if (!a) differences.push(`${id} only in v1.12`);
      else if (!b) differences.push(`${id} only in v1.11`);
      else if (JSON.stringify({ ...a, kubeBench: '' }) !== JSON.stringify({ ...b, kubeBench: '' })) differences.push(`${id} differs`);
    }
    expect(differences.sort()).toEqual(['1.2.29 differs', '4.2.12 differs', '4.2.15 only in v1.11', '5.2.10 differs', '5.2.11 differs', '5.2.12 differs', '5.2.13 only in v1.11', '5.2.9 differs'].sort());
    // v1.11's 5.2.9 (added capabilities) has a test; v1.12 keeps "capabilities assigned" as 5.2.9, manual; the rest move up by one.
    expect(old.get('5.2.9')!.text).toBe('Minimize the admission of containers with added capabilities');
    expect(old.get('5.2.13')!.text).toBe(current.get('5.2.12')!.text);
    expect(old.get('5.2.10')!.text).toBe(current.get('5.2.9')!.text);
  });

  it('drop the CBC and RSA key-exchange suites from the strong lists in v1.12', () => {
    const ciphers = (b: typeof v111, id: string) => ((b.controls.find((c) => c.id === id)!.check as { test: { value: string[] } }).test.value);
    const dropped = (id: string) => ciphers(v111, id).filter((s) => !ciphers(v112, id).includes(s));
    expect(dropped('1.2.29')).toEqual(['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA']);
    expect(dropped('4.2.12')).toEqual(['TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
    expect(ciphers(v112, '1.2.29').every((s) => ciphers(v111, '1.2.29').includes(s))).toBe(true);
  });

  it('cover the Kubernetes versions kube-bench maps to them', () => {
    expect(BENCHMARKS.map((b) => `${b.id} ${b.kubernetes.from}-${b.kubernetes.to}`)).toEqual(['cis-1.11 1.29-1.31', 'cis-1.12 1.32-1.34']);
  });
});

describe('rules of the benchmark', () => {
  it('name every control by a rule that exists, never by a control number', () => {
    const sectionFive = new Set(['rbac/cluster-admin-binding', 'rbac/secret-access', 'rbac/wildcard-rule', 'rbac/pod-create-access', 'rbac/default-service-account-token', 'rbac/automounted-token', 'pod/privileged-container', 'pod/host-pid', 'pod/host-ipc', 'pod/host-network', 'pod/privilege-escalation', 'pod/added-capabilities']);
    for (const benchmark of BENCHMARKS) {
      for (const control of benchmark.controls.filter(isAutomated)) {
        expect(control.rule, control.id).not.toMatch(/\d+\.\d+/);
        if (!sectionFive.has(control.rule)) expect(ruleById(control.rule), `${benchmark.id} ${control.id} ${control.rule}`).toBeDefined();
      }
      for (const control of benchmark.controls.filter((c) => !isAutomated(c))) expect(control.rule).toBe('');
    }
  });

  it('are error where a control they report is scored, else warning, and run only with a benchmark', () => {
    for (const info of BENCHMARK_RULE_INFO) {
      const rule = ruleById(info.id)!;
      const controls = BENCHMARKS.flatMap((b) => b.controls.filter((c) => c.rule === info.id));
      expect(controls.length, info.id).toBeGreaterThan(0);
      expect(rule.level, info.id).toBe(controls.some((c) => c.scored) ? 'error' : 'warning');
      expect(rule.benchmarkOnly).toBe(true);
      // A rule reports controls of one scoring only, so its level is theirs.
      expect(new Set(controls.map((c) => c.scored)).size, info.id).toBe(1);
    }
    expect(RULES.filter((r) => r.benchmarkOnly).map((r) => r.id).sort()).toEqual(BENCHMARK_RULE_INFO.map((r) => r.id).sort());
  });

  it('is asked for with the same names on the command line, in .kaudit.yaml and in the code', () => {
    const schema = JSON.parse(fs.readFileSync('schema/kaudit-config.schema.json', 'utf8')) as { properties: { benchmark: { enum: string[] } } };
    expect(schema.properties.benchmark.enum).toEqual([...BENCHMARK_CHOICES]);
    const main = fs.readFileSync('src/cli/main.ts', 'utf8');
    expect(/const BENCHMARK_CHOICES = \[([^\]]*)\]/.exec(main)![1].split(',').map((s) => s.trim().replace(/'/g, ''))).toEqual([...BENCHMARK_CHOICES]);
  });
});
