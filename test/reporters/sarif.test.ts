import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { runRules } from '../../src/engine.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { sarifValidator } from '../support/sarif-schema.js';
import { staticPod, writePair } from '../support/hosts.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

const EXAMPLE = path.resolve('fixtures/example-cluster');
const EXAMPLE_NOW = new Date('2026-12-01T00:00:00Z');

interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; helpUri: string; shortDescription: { text: string } }> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Array<{
      ruleId: string;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }>;
      relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      partialFingerprints: Record<string, string>;
    }>;
  }>;
}

function sarifOf(paths: string[], now = EXAMPLE_NOW): SarifLog {
  const cluster = collect(paths);
  const findings = runRules(cluster, RULES, { now, expiryWindowDays: 30 });
  return JSON.parse(formatSarif({ cluster, findings, rules: RULES, now, toolVersion: '0.1.0' })) as SarifLog;
}

describe('SARIF output', () => {
  const validate = sarifValidator();

  it('of the example cluster validates against the official SARIF 2.1.0 schema', () => {
    const log = sarifOf([EXAMPLE]);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results.length).toBeGreaterThan(5);
    expect(log.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(log.runs[0].tool.driver.rules.every((r) => r.helpUri.endsWith(`rules-docs/${r.id}.md`))).toBe(true);
  });

  it('points every location at a real file and line below the scanned folder', () => {
    const run = sarifOf([EXAMPLE]).runs[0];
    const base = new URL(run.originalUriBaseIds.SCANROOT.uri);
    expect(base.pathname).toBe(`${EXAMPLE}/`);
    const places = run.results.flatMap((r) => [...r.locations, ...(r.relatedLocations ?? [])].map((l) => l.physicalLocation));
    for (const place of places) {
      const file = path.join(EXAMPLE, decodeURIComponent(place.artifactLocation.uri));
      expect(place.artifactLocation.uri.startsWith('/')).toBe(false);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(place.region.startLine).toBeGreaterThanOrEqual(1);
      expect(place.region.startLine).toBeLessThanOrEqual(lines.length);
    }
  });

  describe('on a tree that changes', () => {
    let tree: TreeWriter;
    beforeAll(async () => {
      tree = TreeWriter.temp();
      const pki = new PkiFactory();
      const ca = await pki.ca('kubernetes');
      writePair(tree, 'cp', '/etc/kubernetes/pki/apiserver', await pki.leaf(ca, 'kube-apiserver', { validFromDays: -400, validForDays: -3 }));
      staticPod(tree, 'cp', 'kube-apiserver', ['--client-ca-file=/etc/kubernetes/pki/missing-ca.crt', '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt']);
    });
    afterAll(() => tree.cleanup());

    it('keeps partialFingerprints across runs and when unrelated lines are added above', () => {
      const fingerprints = (log: SarifLog) => log.runs[0].results.map((r) => `${r.ruleId} ${r.partialFingerprints['kauditFindingHash/v1']}`).sort();
      const first = sarifOf([tree.dir], new Date());
      const second = sarifOf([tree.dir], new Date(Date.now() + 86_400_000)); // another day: messages change, fingerprints do not
      expect(fingerprints(first).length).toBeGreaterThanOrEqual(2);
      expect(fingerprints(second)).toEqual(fingerprints(first));

      const manifest = tree.read('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml');
      tree.write('cp', '/etc/kubernetes/manifests/kube-apiserver.yaml', manifest.replace('kind: Pod\n', 'kind: Pod\n# added by hand\n# and one more\n'));
      const third = sarifOf([tree.dir], new Date());
      const moved = third.runs[0].results.find((r) => r.ruleId === 'pki/missing-file')!;
      const before = first.runs[0].results.find((r) => r.ruleId === 'pki/missing-file')!;
      expect(moved.locations[0].physicalLocation.region.startLine).toBe(before.locations[0].physicalLocation.region.startLine + 2);
      expect(fingerprints(third)).toEqual(fingerprints(first));
    });

    it('has a results array when there is nothing to report', () => {
      const log = sarifOf([tree.dir], new Date());
      const cluster = collect([tree.dir]);
      const empty = JSON.parse(formatSarif({ cluster, findings: [], rules: [], now: new Date(), toolVersion: '0.1.0' })) as SarifLog;
      expect(empty.runs[0].results).toEqual([]);
      expect(validate(empty)).toBe(true);
      expect(validate(log)).toBe(true);
    });
  });
});
