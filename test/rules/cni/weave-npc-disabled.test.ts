import { describe, expect, it } from 'vitest';
import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER, loadApiObjects } from '../../support/api-objects.js';
import { lineOf, weaveDaemonSet, weaveList, weaveMultiDoc, weaveUnit } from '../../support/weave.js';
import { TreeWriter } from '../../support/tree.js';
import { scanPaths } from '../../support/scan.js';
import { planFixes } from '../../../src/fixers/index.js';
import { renderChanges } from '../../../src/fixers/render.js';

const ADDON = '/etc/kubernetes/addons/weave-net.yaml';
const LIVE_DS = `kubernetes ${API_SERVER}/apis/apps/v1/namespaces/kube-system/daemonsets/weave-net:1`;
const POLICY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: team-1\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n';

ruleTester('cni/weave-npc-disabled', {
  valid: [
    { name: "manifest: weave's own List, weave-npc beside the router", build: ({ tree }) => tree.write('cp', ADDON, weaveList({ password: 'secretKeyRef' })) },
    { name: 'live: weave-npc present', api: { daemonSets: [weaveDaemonSet()], networkPolicies: ['team-1/deny-all'] }, build: () => undefined },
    { name: 'unit: weave run by systemd has no policy controller to lose', build: ({ tree }) => tree.write('w', '/etc/systemd/system/weave.service', weaveUnit()) },
  ],
  invalid: [
    {
      name: 'manifest: the weave-npc container removed',
      build: ({ tree, vars }) => {
        const text = weaveList({ npc: false });
        tree.write('cp', ADDON, text);
        vars.line = lineOf(text, '- name: weave', lineOf(text, 'containers:'));
      },
      findings: ['cp cp/etc/kubernetes/addons/weave-net.yaml:{line}'],
      messages: ['weave-net DaemonSet kube-system/weave-net runs without its network policy controller (no weave-npc container): NetworkPolicy objects would be accepted but not enforced'],
    },
    {
      name: 'manifest: EXPECT_NPC=0, with a NetworkPolicy in the same folder',
      build: ({ tree, vars }) => {
        const text = weaveMultiDoc({ expectNpc0: true });
        tree.write('cp', '/etc/weave/weave-net.yaml', text);
        tree.write('cp', '/etc/weave/policies.yaml', POLICY);
        vars.line = lineOf(text, '- name: EXPECT_NPC');
      },
      findings: ['cp cp/etc/weave/weave-net.yaml:{line}'],
      messages: [/\(EXPECT_NPC=0\): 1 NetworkPolicy object is in the cluster \(deny-all in \/etc\/weave\/policies.yaml\) and none is enforced$/],
    },
    {
      name: 'manifest: --no-npc and no weave-npc container',
      build: ({ tree, vars }) => {
        const text = weaveMultiDoc({ noNpcArg: true, npc: false });
        tree.write('cp', '/etc/weave/weave-net.yaml', text);
        vars.line = lineOf(text, '- --no-npc');
      },
      findings: ['cp cp/etc/weave/weave-net.yaml:{line}'],
      messages: ['(no weave-npc container, --no-npc)'],
    },
    {
      name: 'live: no weave-npc while NetworkPolicies exist',
      api: { daemonSets: [weaveDaemonSet({ npc: false })], networkPolicies: ['team-1/deny-all', 'team-2/deny-all'] },
      build: () => undefined,
      findings: [LIVE_DS],
      messages: ['weave-net DaemonSet kube-system/weave-net (live) runs without its network policy controller (no weave-npc container): 2 NetworkPolicy objects are in the cluster (team-1/deny-all, team-2/deny-all) and none is enforced'],
      planOnly: 'the live DaemonSet is changed with kubectl, in the plan',
    },
  ],
});

describe('cni/weave-npc-disabled', () => {
  it('is an error, not a warning, where NetworkPolicies exist and nothing enforces them', () => {
    const tree = TreeWriter.temp();
    try {
      const quiet = scanPaths([tree.dir], { rules: ['cni/weave-npc-disabled'] }, (c) => loadApiObjects(c, { daemonSets: [weaveDaemonSet({ npc: false })], networkPolicies: [] }));
      const loud = scanPaths([tree.dir], { rules: ['cni/weave-npc-disabled'] }, (c) => loadApiObjects(c, { daemonSets: [weaveDaemonSet({ npc: false })], networkPolicies: ['team-1/deny-all'] }));
      expect(quiet.findings.map((f) => f.level)).toEqual(['warning']);
      expect(loud.findings.map((f) => f.level)).toEqual(['error']);
    } finally {
      tree.cleanup();
    }
  });

  it("restores weave-npc in the router's version, and says that policies start to be enforced", async () => {
    const tree = TreeWriter.temp();
    try {
      tree.write('cp', ADDON, weaveList({ npc: false, expectNpc0: true, version: '2.8.1' }));
      tree.write('cp', '/etc/kubernetes/addons/policies.yaml', POLICY);
      const { cluster, findings } = scanPaths([tree.dir], { rules: ['cni/weave-npc-disabled'] });
      const dryRun = renderChanges(await planFixes(cluster, findings, { now: new Date() }));
      expect(dryRun).toMatch(/^\+ +image: weaveworks\/weave-npc:2\.8\.1$/m);
      expect(dryRun).toMatch(/^- +- name: EXPECT_NPC$/m);
      expect(dryRun).toContain('once it runs, the 1 NetworkPolicy object in the cluster starts to be enforced, and traffic they do not allow is dropped');
    } finally {
      tree.cleanup();
    }
  });

  it('plans the live DaemonSet patch with the real names', async () => {
    const tree = TreeWriter.temp();
    try {
      const { cluster, findings } = scanPaths([tree.dir], { rules: ['cni/weave-npc-disabled'] }, (c) => loadApiObjects(c, { daemonSets: [weaveDaemonSet({ npc: false, expectNpc0: true })] }));
      const dryRun = renderChanges(await planFixes(cluster, findings, { now: new Date() }));
      expect(dryRun).toContain(`kubectl -n kube-system patch daemonset weave-net --patch '{"spec":{"template":{"spec":{"containers":[{"name":"weave","env":[{"name":"EXPECT_NPC","$patch":"delete"}]},{"name":"weave-npc","image":"weaveworks/weave-npc:2.8.1"`);
    } finally {
      tree.cleanup();
    }
  });
});
