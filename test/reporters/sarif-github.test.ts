import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit, kauditAsync } from '../support/cli.js';
import { startStandIn, type StandIn } from '../support/kube-standin.js';
import { validateForGitHub as validate } from '../support/sarif-multitool.js';

describe("SARIF that GitHub code scanning accepts (Microsoft's validator, GitHub rules)", () => {
  let dir: string;
  let api: StandIn;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-sarif-'));
    api = await startStandIn({ nodes: 5, pods: 20, forbidSecrets: true });
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await api.close();
  });

  it('for the example cluster: rules with help, no error', () => {
    const file = path.join(dir, 'example.sarif');
    kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', 'sarif', '--output', file]);
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    const rule = log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'pki/shared-ca');
    expect(rule.help.markdown).toBe(fs.readFileSync('rules-docs/pki/shared-ca.md', 'utf8'));
    expect(rule.properties['security-severity']).toBe('5.0');
    expect(log.runs[0].automationDetails.id).toBe('kaudit/scan/');
    expect(validate(file)).toEqual([]);
  }, 120_000);

  it('for findings of live sources, located by their URL', async () => {
    const file = path.join(dir, 'live.sarif');
    await kauditAsync(['scan', '--kubeconfig', api.kubeconfig, '--format', 'sarif', '--output', file, '--fail-on', 'none']);
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    const weave = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'cni/weave-unencrypted');
    expect(weave.locations[0].physicalLocation.artifactLocation.uri).toBe(`${api.url}/apis/apps/v1/namespaces/kube-system/daemonsets/weave-net`);
    // The 403 on secrets is a note of the run, located at the list's URL, not a result.
    const notes = log.runs[0].invocations[0].toolExecutionNotifications.filter((n: { level: string }) => n.level === 'note');
    expect(notes.map((n: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => n.locations[0].physicalLocation.artifactLocation.uri)).toContain(`${api.url}/api/v1/namespaces/kube-system/secrets`);
    expect(log.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'source/unreadable')).toBe(false);
    expect(validate(file)).toEqual([]);
  }, 120_000);
});
