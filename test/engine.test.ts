import { describe, expect, it } from 'vitest';
import { collect } from '../src/collectors/index.js';
import { runRules } from '../src/engine.js';
import { RULES, ruleById } from '../src/rules/index.js';
import { defineRule } from '../src/rules/rule.js';

const NOW = new Date('2026-12-01T00:00:00Z');

describe('rule isolation', () => {
  const breaksOnOne = defineRule({
    id: 'test/breaks-on-one',
    level: 'warning',
    title: 'a rule with a bug that one certificate shows',
    description: 'reports every CA certificate, and throws on the front proxy CA',
    fix: 'plan',
    tags: [],
    cis: ['9.9.9'],
    check(cluster, context, report) {
      context.each(cluster.certificates.filter((c) => c.isCA), (cert) => {
        if (cert.commonName === 'front-proxy-ca') throw new TypeError('Cannot read properties of undefined');
        report({ message: `CA ${cert.commonName}`, at: cert.at, key: cert.fingerprint });
      });
    },
  });
  const breaksAltogether = defineRule({ ...breaksOnOne, id: 'test/breaks-altogether', check: () => { throw new RangeError('boom'); } });

  it('keeps the rule\'s other findings, notes what it could not judge (rule and file), and runs every other rule', () => {
    const cluster = collect(['fixtures/example-cluster']);
    const expired = ruleById('pki/cert-expired')!;
    const findings = runRules(cluster, [breaksAltogether, breaksOnOne, expired], { now: NOW, expiryWindowDays: 30 });
    const own = findings.filter((f) => f.ruleId === 'test/breaks-on-one');
    expect(own.length).toBeGreaterThan(3);
    expect(own.some((f) => f.message === 'CA front-proxy-ca')).toBe(false);
    expect(findings.some((f) => f.ruleId === 'pki/cert-expired')).toBe(true);
    const proxyCAs = cluster.certificates.filter((c) => c.commonName === 'front-proxy-ca').map((c) => c.at.file);
    const notes = cluster.unknowns.filter((u) => u.what.startsWith('test/breaks-on-one on '));
    expect(notes.map((u) => u.at?.file).sort()).toEqual([...new Set(proxyCAs)].sort());
    expect(notes[0].why).toMatch(/^the rule failed there \(TypeError: Cannot read properties of undefined\); its findings elsewhere are kept$/);
    expect(notes[0].affects).toEqual(['test/breaks-on-one', '9.9.9']);
    expect(cluster.unknowns.find((u) => u.what === 'test/breaks-altogether on the cluster')?.why).toMatch(/RangeError: boom/);
    expect(cluster.diagnostics.filter((d) => d.message.startsWith('rule test/breaks-on-one failed on '))).toHaveLength(notes.length);
  });

  it('every rule of kaudit checks its objects one by one (context.each), so one object cannot hide the others', async () => {
    const fs = await import('node:fs');
    const lazy = RULES.filter((rule) => {
      // The benchmark's rules are made from its data, and report through one checker.
      const source = fs.readFileSync(rule.benchmarkOnly ? 'src/compliance/rules.ts' : `src/rules/${rule.id}.ts`, 'utf8');
      // A rule made from a template (lib/access.ts, lib/pod-security.ts) checks through the template.
      const templates = [...source.matchAll(/from '\.\.\/lib\/([\w-]+)\.js'/g)].map((m) => fs.readFileSync(`src/rules/lib/${m[1]}.ts`, 'utf8'));
      const checked = [source, ...templates].some((text) => /context\.each\(/.test(text));
      return !checked && !/check\(\) \{/.test(source);
    });
    expect(lazy.map((r) => r.id)).toEqual([]);
  });
});
