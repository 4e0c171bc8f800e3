/**
 * Odd shapes from the API or a manifest (a number where a list is expected, null, a list
 * for a map) never crash the converters, the weave reader or the section-5 rules, and the
 * YAML block edits of the weave fixes always leave a document that parses with the item in it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ApiPlace, PodGroups, bindingOf, bootstrapTokenOf, kubeletFromConfigz, namespaceOf, roleOf, serviceAccountOf, weaveOfLiveDaemonSet } from '../../src/collectors/live-objects.js';
import { encryptionPrefix } from '../../src/collectors/live-etcd.js';
import { runRules } from '../../src/engine.js';
import { appendListItem } from '../../src/fixers/yaml-blocks.js';
import { Cluster } from '../../src/model/cluster.js';
import { applyEdits } from '../../src/fixers/text.js';
import { rulesMatching } from '../../src/rules/index.js';
import { loadApiObjects } from '../support/api-objects.js';
import { weaveDaemonSet } from '../support/weave.js';

const place = new ApiPlace('https://10.0.0.1:6443');

/** Any JSON value, with the keys the converters look for more likely than chance. */
const keys = fc.constantFrom('metadata', 'name', 'namespace', 'spec', 'template', 'containers', 'env', 'value', 'valueFrom', 'secretKeyRef', 'image', 'rules', 'verbs', 'subjects', 'roleRef', 'kind', 'labels', 'securityContext', 'privileged', 'hostPID', 'ownerReferences', 'controller', 'data', 'expiration', 'aggregationRule', 'clusterRoleSelectors', 'matchLabels', 'kubeletconfig', 'authentication');
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(keys, fc.string()), tie('value'), { maxKeys: 5 })),
})).value;

/** The weave DaemonSet with one subtree replaced by anything. */
const mangledWeave = fc.tuple(fc.constantFrom('spec', 'spec.template', 'spec.template.spec', 'spec.template.spec.containers', 'spec.template.spec.containers.0', 'spec.template.spec.containers.0.env', 'spec.template.spec.containers.0.env.2', 'spec.template.spec.containers.0.args', 'metadata'), json).map(([path, replacement]) => {
  const ds = weaveDaemonSet() as Record<string, unknown>;
  const parts = path.split('.');
  let node: Record<string, unknown> = ds;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = replacement;
  return ds;
});

describe('live objects of odd shapes', () => {
  it('never crash a converter', () => {
    fc.assert(
      fc.property(json, (obj) => {
        weaveOfLiveDaemonSet(obj, place);
        bootstrapTokenOf(obj, place);
        roleOf(obj, 'ClusterRole', place);
        bindingOf(obj, 'RoleBinding', place);
        serviceAccountOf(obj, place);
        namespaceOf(obj, place);
        new PodGroups(place).add(obj);
        kubeletFromConfigz({ kind: 'kubelet', host: 'n', source: 'live', definedAt: place.at('/'), settings: [], mounts: [] }, obj, place.at('/'));
      }),
      { numRuns: 500 },
    );
  });

  it('never crash the weave reader or the rules, whatever part of the DaemonSet is mangled', () => {
    const rules = ['cni/*', 'rbac/*', 'pod/*', 'bootstrap/long-lived-token'].flatMap(rulesMatching);
    fc.assert(
      fc.property(mangledWeave, fc.array(json, { maxLength: 3 }), (ds, others) => {
        const cluster = new Cluster();
        loadApiObjects(cluster, { daemonSets: [ds], pods: others, roles: others, clusterRoles: others, roleBindings: others, clusterRoleBindings: others, serviceAccounts: others, namespaces: others, bootstrapSecrets: others });
        runRules(cluster, rules, { now: new Date(), expiryWindowDays: 30 });
        expect(cluster.diagnostics.filter((d) => d.message.startsWith('rule '))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('keep nothing of an etcd value but its encryption prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), (tail, name) => {
        const value = Buffer.concat([Buffer.from(`k8s:enc:aescbc:v1:${name}:`), Buffer.from(tail)]).toString('base64');
        const prefix = encryptionPrefix(value);
        expect(prefix).toBeDefined();
        expect(prefix!.length).toBeLessThanOrEqual(96);
        expect(encryptionPrefix(Buffer.concat([Buffer.from('k8s\u0000'), Buffer.from(tail)]).toString('base64'))).toBeUndefined();
      }),
    );
  });
});

describe('YAML block edits', () => {
  it('append an item to any block list, in any indentation, leaving a parseable document that holds it', () => {
    const entry = ['name: WEAVE_PASSWORD', 'valueFrom:', '  secretKeyRef:', '    name: weave-passwd'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (base, dashOffset, items, comment) => {
        const pad = (n: number) => ' '.repeat(n);
        const list = Array.from({ length: items }, (_, i) => `${pad(base + 2 + dashOffset)}- name: V${i}\n${pad(base + 4 + dashOffset)}value: "${i}"`).join('\n');
        const empty = comment ? ' # none yet' : ' []';
        const text = `kind: X\nspec:\n${pad(base + 2)}env:${items === 0 ? empty : `\n${list}`}\n${pad(base + 2)}image: x\n`;
        const edit = appendListItem(text, 1, ['spec', 'env'], entry, 2);
        expect(edit).toBeDefined();
        const out = applyEdits(text, [edit!]);
        const [doc] = parseAllDocuments(out) as ReturnType<typeof parseAllDocuments> & unknown[];
        expect((doc as { errors: unknown[] }).errors).toEqual([]);
        const env = ((doc as { toJS(): { spec: { env: Array<{ name: string }> } } }).toJS()).spec.env;
        expect(env.map((e) => e.name)).toEqual([...Array.from({ length: items }, (_, i) => `V${i}`), 'WEAVE_PASSWORD']);
        if (comment && items === 0) expect(out).toContain('# none yet');
      }),
    );
  });
});
