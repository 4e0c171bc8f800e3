/**
 * Every rule against odd shapes (fast-check, fixed seeds so runs repeat):
 *  - in the model: the documents rules read raw (manifests, CNI configs) replaced by any
 *    JSON value: no rule may fail;
 *  - on disk: one field of one YAML file of the example cluster replaced by a value of
 *    another shape (a list for a map, a map for a string, null): no rule may fail, and a
 *    finding that goes away goes with a warning naming the file it came from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { runRules } from '../../src/engine.js';
import { Cluster } from '../../src/model/cluster.js';
import { RULES } from '../../src/rules/index.js';
import { copyTree } from '../support/files.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const EXAMPLE = 'fixtures/example-cluster';

function ruleFailures(cluster: Cluster): string[] {
  return cluster.unknowns.filter((u) => /the rule failed/.test(u.why)).map((u) => `${u.what}: ${u.why}`);
}

/** A copy of a cluster whose lists can be replaced without touching the original (caches are per Cluster object). */
function variant(base: Cluster, changes: Partial<Pick<Cluster, 'manifests' | 'cniConfigs'>>): Cluster {
  const copy = Object.assign(Object.create(Cluster.prototype) as Cluster, base, changes);
  Object.assign(copy, { diagnostics: [], unknowns: [] });
  return copy;
}

describe('rules on odd shapes in the model', () => {
  const base = collect([EXAMPLE]);
  const odd = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(null, 0, '', [], {}, 'true', [null], [{}], { resources: 1 }, { anonymous: [] }, { profiles: {} }));

  it('no rule fails whatever a manifest holds (every manifest, any JSON)', () => {
    fc.assert(
      fc.property(fc.nat(base.manifests.length - 1), odd, (index, data) => {
        const manifests = base.manifests.map((m, i) => (i === index ? { ...m, data: { ...(typeof data === 'object' && data && !Array.isArray(data) ? data : {}), kind: m.kind, apiVersion: m.apiVersion, value: data } } : m));
        const replaced = base.manifests.map((m, i) => (i === index ? { ...m, data: data as unknown } : m));
        for (const candidate of [manifests, replaced]) {
          const cluster = variant(base, { manifests: candidate });
          runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 });
          expect(ruleFailures(cluster)).toEqual([]);
        }
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('no rule fails whatever a manifest of each kind the rules read holds under its fields', () => {
    const kinds = ['EncryptionConfiguration', 'EncryptionConfig', 'AuthenticationConfiguration', 'KubeSchedulerConfiguration', 'Pod', 'Deployment', 'DaemonSet', 'ConfigMap', 'ServiceAccount', 'List'];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.dictionary(fc.constantFrom('resources', 'spec', 'metadata', 'anonymous', 'profiles', 'template', 'items', 'providers'), odd), (kind, fields) => {
        const manifest = { ...base.manifests[0], kind, data: { apiVersion: 'v1', kind, ...fields } };
        const cluster = variant(base, { manifests: [...base.manifests, manifest] });
        runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 });
        expect(ruleFailures(cluster)).toEqual([]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('no rule fails whatever a CNI config holds', () => {
    fc.assert(
      fc.property(fc.nat(Math.max(0, base.cniConfigs.length - 1)), odd, fc.string(), (index, data, name) => {
        const config = { ...base.cniConfigs[index], data, fileName: `${name}.conflist` };
        const cluster = variant(base, { cniConfigs: [...base.cniConfigs, config] });
        runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 });
        expect(ruleFailures(cluster)).toEqual([]);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});

type NodeKind = 'scalar' | 'map' | 'list';

/** Every node path of a YAML document, with the kind of node there. */
function nodePaths(node: Node | null, prefix: Array<string | number> = [], out: Array<{ path: Array<string | number>; kind: NodeKind }> = []) {
  if (!node) return out;
  if (prefix.length > 0) out.push({ path: prefix, kind: isMap(node) ? 'map' : isSeq(node) ? 'list' : 'scalar' });
  if (isMap(node)) for (const pair of node.items) nodePaths(pair.value as Node, [...prefix, String(isScalar(pair.key) ? pair.key.value : pair.key)], out);
  else if (isSeq(node)) node.items.forEach((item, i) => nodePaths(item as Node, [...prefix, i], out));
  return out;
}

describe('rules on odd shapes in the files of a cluster', () => {
  let work: string;
  let files: string[];
  const baseline = new Map<string, Set<string>>();
  let baseFindings: Array<{ fingerprint: string; file: string; ruleId: string }>;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-fuzz-'));
    copyTree(EXAMPLE, path.join(work, 'cluster'));
    const cluster = collect([path.join(work, 'cluster')]);
    baseFindings = runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 }).map((f) => ({ fingerprint: f.fingerprint, file: f.at.file, ruleId: f.ruleId }));
    files = fs
      .readdirSync(path.join(work, 'cluster'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ya?ml|conf)$/.test(f) && !f.includes('systemd') && !f.includes('cni'))
      .sort();
    for (const f of baseFindings) baseline.set(f.fingerprint, new Set([f.file]));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** A value of another shape than the node it replaces: a list or a map for a string, a string or a list for a map, null for anything. */
  const list = fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 });
  const map = fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string(), { minKeys: 1, maxKeys: 2 });
  const scalar = fc.oneof(fc.integer(), fc.string(), fc.boolean());
  const otherShape = (kind: NodeKind) => fc.oneof(fc.constant(null), ...(kind === 'scalar' ? [list, map] : kind === 'map' ? [scalar, list] : [scalar, map]));

  it('never fails, and a finding that goes away goes with a warning naming the file changed', () => {
    expect(baseFindings.length).toBeGreaterThan(20);
    expect(files.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(
        fc.nat(files.length - 1).chain((fileIndex) => {
          const file = path.join(work, 'cluster', files[fileIndex]);
          const text = fs.readFileSync(file, 'utf8');
          const docs = parseAllDocuments(text) as Document[];
          const paths = docs.flatMap((doc, d) => nodePaths(doc.contents as Node).map((p) => ({ ...p, doc: d })));
          return fc.record({ file: fc.constant(file), text: fc.constant(text), target: fc.constantFrom(...paths) }).chain((r) => fc.record({ r: fc.constant(r), value: otherShape(r.target.kind) }));
        }),
        ({ r, value }) => {
          const docs = parseAllDocuments(r.text) as Document[];
          docs[r.target.doc].setIn(r.target.path, value);
          fs.writeFileSync(r.file, docs.map((d) => d.toString()).join('---\n'));
          try {
            const cluster = collect([path.join(work, 'cluster')]);
            const findings = runRules(cluster, RULES, { now: NOW, expiryWindowDays: 30 });
            expect(ruleFailures(cluster)).toEqual([]);
            const changed = path.relative(path.join(work, 'cluster'), r.file).split(path.sep).join('/');
            const kept = new Set(findings.map((f) => f.fingerprint));
            const dropped = baseFindings.filter((f) => !kept.has(f.fingerprint));
            if (dropped.length > 0) {
              const warned = cluster.diagnostics.some((d) => d.at?.file === changed);
              expect(warned, `${changed} ${r.target.path.join('.')} = ${JSON.stringify(value)} dropped ${dropped.map((f) => f.ruleId).join(', ')} without a warning`).toBe(true);
            }
          } finally {
            fs.writeFileSync(r.file, r.text);
          }
        },
      ),
      { seed: 42, numRuns: 120 },
    );
  }, 120_000);
});
