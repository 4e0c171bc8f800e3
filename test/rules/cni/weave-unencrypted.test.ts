import { describe, expect, it } from 'vitest';
import { ruleTester } from '../../support/rule-tester.js';
import { API_SERVER } from '../../support/api-objects.js';
import { lineOf, weaveDaemonSet, weaveList, weaveMultiDoc, weaveUnit } from '../../support/weave.js';
import { TreeWriter } from '../../support/tree.js';
import { scanPaths } from '../../support/scan.js';
import { planFixes } from '../../../src/fixers/index.js';
import { renderChanges } from '../../../src/fixers/render.js';
import { writeChanges } from '../../../src/fixers/writer.js';

const ADDON = '/etc/kubernetes/addons/weave-net.yaml';
const LIVE_DS = `kubernetes ${API_SERVER}/apis/apps/v1/namespaces/kube-system/daemonsets/weave-net:1`;

ruleTester('cni/weave-unencrypted', {
  valid: [
    { name: 'manifest: WEAVE_PASSWORD from a Secret (secretKeyRef)', build: ({ tree }) => tree.write('cp', ADDON, weaveList({ password: 'secretKeyRef' })) },
    { name: 'manifest: WEAVE_PASSWORD as a value', build: ({ tree }) => tree.write('cp', ADDON, weaveMultiDoc({ password: 'value' })) },
    { name: 'manifest: --password through EXTRA_ARGS', build: ({ tree }) => tree.write('cp', ADDON, weaveList({ password: 'extra-args' })) },
    { name: 'manifest: the environment from a Secret (envFrom)', build: ({ tree }) => tree.write('cp', ADDON, weaveList({ password: 'envFrom' })) },
    { name: 'manifest: a DaemonSet that is not weave', build: ({ tree }) => tree.write('cp', '/etc/kubernetes/addons/kube-proxy.yaml', 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.29.3\n') },
    { name: 'unit: WEAVE_PASSWORD in /etc/sysconfig/weave', build: ({ tree }) => { tree.write('w', '/etc/systemd/system/weave.service', weaveUnit()); tree.write('w', '/etc/sysconfig/weave', 'PEERS="10.0.0.11 10.0.0.12"\nWEAVE_PASSWORD=a-planted-weave-password\n', 0o600); } },
    { name: 'unit: --password on the command line', build: ({ tree }) => tree.write('w', '/etc/systemd/system/weave.service', weaveUnit([], ' --password=a-planted-weave-password')) },
    { name: 'live: the DaemonSet with a secretKeyRef password', api: { daemonSets: [weaveDaemonSet({ password: 'secretKeyRef' })] }, build: () => undefined },
  ],
  invalid: [
    {
      name: "manifest: weave's own List, no password",
      build: ({ tree, vars }) => {
        const text = weaveList();
        tree.write('cp', ADDON, text);
        vars.line = lineOf(text, '- name: weave', lineOf(text, 'containers:'));
      },
      findings: ['cp cp/etc/kubernetes/addons/weave-net.yaml:{line}'],
      messages: ['weave-net DaemonSet kube-system/weave-net runs without encryption (no WEAVE_PASSWORD, no --password): pod traffic between hosts crosses the network in clear'],
    },
    {
      name: 'manifest: a DaemonSet document after another, WEAVE_PASSWORD empty',
      build: ({ tree, vars }) => {
        const text = weaveMultiDoc({ password: 'empty' });
        tree.write('cp', '/etc/weave/weave-net.yaml', text);
        vars.line = lineOf(text, '- name: weave', lineOf(text, 'containers:'));
      },
      findings: ['cp cp/etc/weave/weave-net.yaml:{line}'],
    },
    {
      name: 'manifest: a router container without env',
      build: ({ tree, vars }) => {
        const text = weaveMultiDoc({ noEnv: true });
        tree.write('cp', '/etc/weave/weave-net.yaml', text);
        vars.line = lineOf(text, '- name: weave', lineOf(text, 'containers:'));
      },
      findings: ['cp cp/etc/weave/weave-net.yaml:{line}'],
    },
    {
      name: "unit: weave's documented unit without a password",
      build: ({ tree }) => tree.write('w', '/etc/systemd/system/weave.service', weaveUnit()),
      findings: ['w w/etc/systemd/system/weave.service:1'],
      messages: ['weave unit weave.service on w runs without encryption'],
    },
    {
      name: 'live: the kube-system DaemonSet without a password',
      api: { daemonSets: [weaveDaemonSet()] },
      build: () => undefined,
      findings: [LIVE_DS],
      messages: ['weave-net DaemonSet kube-system/weave-net (live) runs without encryption'],
      planOnly: 'the live DaemonSet is changed with kubectl, in the plan',
    },
  ],
});

describe('cni/weave-unencrypted fixes', () => {
  it('add WEAVE_PASSWORD from a Secret to the manifest, and plan the Secret without printing a password', async () => {
    const tree = TreeWriter.temp();
    try {
      tree.write('cp', ADDON, weaveList());
      const { cluster, findings } = scanPaths([tree.dir], { rules: ['cni/weave-unencrypted'] });
      const changes = await planFixes(cluster, findings, { now: new Date() });
      const dryRun = renderChanges(changes);
      expect(dryRun).toMatch(/^\+ +- name: WEAVE_PASSWORD$/m);
      expect(dryRun).toContain('secretKeyRef:');
      expect(dryRun).toContain('kubectl -n kube-system create secret generic weave-passwd --from-file=weave-passwd=./weave-passwd');
      expect(dryRun).toMatch(/umask 077; head -c 32 \/dev\/urandom/);
      writeChanges(changes, { now: new Date() });
      const after = tree.read('cp', ADDON);
      // The rest of the file is as it was: only the env entry is new.
      expect(after.split('\n').length).toBe(weaveList().split('\n').length + 6);
      expect(scanPaths([tree.dir], { rules: ['cni/weave-unencrypted'] }).findings).toEqual([]);
    } finally {
      tree.cleanup();
    }
  });

  it('give a unit a root-only password file through a drop-in, one password for every host, never printed', async () => {
    const tree = TreeWriter.temp();
    try {
      for (const host of ['w1', 'w2']) tree.write(host, '/etc/systemd/system/weave.service', weaveUnit());
      const { cluster, findings } = scanPaths([tree.dir], { rules: ['cni/weave-unencrypted'] });
      expect(findings).toHaveLength(2);
      const changes = await planFixes(cluster, findings, { now: new Date() });
      const dryRun = renderChanges(changes);
      writeChanges(changes, { now: new Date() });
      const fs = await import('node:fs');
      const [one, two] = ['w1', 'w2'].map((host) => tree.read(host, '/etc/weave/weave-password.env'));
      expect(one).toMatch(/^WEAVE_PASSWORD=[A-Za-z0-9+/=]{40,}\n$/);
      expect(two).toBe(one);
      expect(fs.statSync(tree.real('w1', '/etc/weave/weave-password.env')).mode & 0o777).toBe(0o600);
      expect(dryRun).not.toContain(one.trim().split('=').slice(1).join('='));
      expect(tree.read('w1', '/etc/systemd/system/weave.service.d/kaudit-weave-password.conf')).toContain('EnvironmentFile=/etc/weave/weave-password.env');
      expect(scanPaths([tree.dir], { rules: ['cni/weave-unencrypted'] }).findings).toEqual([]);
    } finally {
      tree.cleanup();
    }
  });
});
