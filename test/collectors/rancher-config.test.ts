/**
 * k3s and RKE2 options merged as the binary merges them (k3s-io/k3s
 * pkg/configfilearg/parser.go; https://docs.k3s.io/installation/configuration#multiple-config-files):
 * files in name order, a later key replaces, `key+:` appends, the command line wins and
 * replaces whole lists, environment variables lose to both.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommandLine, mergeConfigFiles, optionOfVariable, optionsFromEnvironment, type ConfigFile } from '../../src/collectors/rancher-config.js';
import { parseYamlDocuments } from '../../src/collectors/yaml-source.js';
import { collect } from '../../src/collectors/index.js';
import { setting, type Cluster } from '../../src/model/cluster.js';
import { TreeWriter } from '../support/tree.js';

function file(name: string, text: string): ConfigFile {
  return { hostPath: `/etc/rancher/k3s/${name}`, doc: parseYamlDocuments(text)[0], at: (line) => ({ host: 'h', root: 0, file: `etc/rancher/k3s/${name}`, ...(line ? { line } : {}) }) };
}

function values(options: ReturnType<typeof mergeConfigFiles>, name: string): string[] | undefined {
  return options.get(name)?.values.map((v) => v.text);
}

describe('merging config.yaml and its drop-ins', () => {
  it('follows the documented example: later files replace, `+` appends, lists from one file stay whole', () => {
    const options = mergeConfigFiles([
      file('config.yaml', 'token: bleep\nnode-label:\n  - region=north\n  - tier=db\n'),
      file('config.yaml.d/10-site.yaml', 'write-kubeconfig-mode: 600\nnode-taint:\n  - dedicated=db:NoExecute\n'),
      file('config.yaml.d/20-team.yaml', 'write-kubeconfig-mode: 640\nnode-label:\n  - team=data\n  - region=south\nnode-taint+:\n  - spot=true:NoSchedule\n'),
    ]);
    expect(values(options, 'write-kubeconfig-mode')).toEqual(['640']);
    expect(values(options, 'token')).toEqual(['bleep']);
    expect(values(options, 'node-label')).toEqual(['team=data', 'region=south']);
    expect(values(options, 'node-taint')).toEqual(['dedicated=db:NoExecute', 'spot=true:NoSchedule']);
    // Each value where it is written; the key where it was last set.
    expect(options.get('node-taint')!.values.map((v) => `${v.at.file}:${v.at.line}`)).toEqual(['etc/rancher/k3s/config.yaml.d/10-site.yaml:3', 'etc/rancher/k3s/config.yaml.d/20-team.yaml:6']);
    expect(options.get('token')).toMatchObject({ secret: true, from: 'config-file' });
  });

  it('lays the command line over the files (a repeatable flag replaces the whole list) and the files over the environment', () => {
    const at = { host: 'h', root: 0, file: 'etc/systemd/system/k3s.service', line: 3 };
    const env = optionsFromEnvironment(new Map([['K3S_TOKEN', { value: 'from-env', at }], ['K3S_URL', { value: 'https://10.0.0.1:6443', at }], ['K3S_DATASTORE_ENDPOINT', { value: 'postgres://k3s:hunter2@db:5432/k3s', at }]]), 'K3S_');
    const merged = mergeConfigFiles([file('config.yaml', 'token: from-file\nnode-label: [a=1, b=2]\n')], env);
    const options = applyCommandLine(merged, [{ name: 'node-label', value: 'c=3', at }]);
    expect(values(options, 'token')).toEqual(['from-file']);
    expect(values(options, 'server')).toEqual(['https://10.0.0.1:6443']);
    expect(values(options, 'node-label')).toEqual(['c=3']);
    expect(options.get('datastore-endpoint')).toMatchObject({ secret: true, from: 'env' });
  });

  it('maps environment variables to options as urfave/cli names them', () => {
    expect(['K3S_TOKEN', 'K3S_URL', 'K3S_KUBECONFIG_MODE', 'K3S_CONFIG_FILE', 'RKE2_DATASTORE_ENDPOINT', 'HOME'].map((v) => optionOfVariable(v, v.startsWith('RKE2') ? 'RKE2_' : 'K3S_'))).toEqual(['token', 'server', 'write-kubeconfig-mode', 'config', 'datastore-endpoint', undefined]);
  });

  const key = fc.constantFrom('a', 'b', 'node-label', 'kube-apiserver-arg');
  const scalar = fc.oneof(fc.stringMatching(/^[a-z0-9=.-]{1,8}$/), fc.integer({ min: 0, max: 999 }).map(String));
  const entry = fc.record({ key, append: fc.boolean(), value: fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 })) });
  const files = fc.array(fc.array(entry, { maxLength: 4 }), { minLength: 1, maxLength: 4 });

  function yamlOf(entries: Array<{ key: string; append: boolean; value: string | string[] }>): string {
    const seen = new Set<string>();
    return entries
      .filter((e) => !seen.has(e.key) && seen.add(e.key))
      .map((e) => `${e.key}${e.append ? '+' : ''}: ${Array.isArray(e.value) ? `[${e.value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(e.value)}`)
      .join('\n');
  }

  it('property: a key ends as its last plain setting, followed by every later append, in file order', () => {
    fc.assert(
      fc.property(files, (contents) => {
        const parsed = contents.map((entries, i) => file(`config.yaml.d/${i}.yaml`, `${yamlOf(entries)}\n`));
        const options = mergeConfigFiles(parsed);
        for (const k of ['a', 'b', 'node-label', 'kube-apiserver-arg']) {
          let expected: string[] | undefined;
          for (const entries of contents) {
            const e = entries.find((x) => x.key === k);
            if (!e) continue;
            const vs = Array.isArray(e.value) ? e.value : [e.value];
            expected = e.append && expected ? [...expected, ...vs] : vs;
          }
          expect(values(options, k)).toEqual(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: odd YAML shapes (nulls, maps, nested lists, numbers) never throw and give string values', () => {
    const odd = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,8}\+?$/), odd, { maxKeys: 5 }), (data) => {
        const text = Object.entries(data).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n');
        const options = mergeConfigFiles([file('config.yaml', `${text}\n`)]);
        for (const option of options.values()) for (const v of option.values) expect(typeof v.text).toBe('string');
      }),
      { numRuns: 200 },
    );
  });
});

describe('a k3s node configured three ways at once', () => {
  let tree: TreeWriter;
  let cluster: Cluster;
  beforeAll(() => {
    tree = TreeWriter.temp();
    tree.write('s1', '/etc/systemd/system/k3s.service', [
      '[Service]',
      'EnvironmentFile=-/etc/systemd/system/k3s.service.env',
      'ExecStart=/usr/local/bin/k3s \\',
      '    server \\',
      "\t'--kube-apiserver-arg' \\",
      "\t'profiling=true' \\",
      "\t'--disable-cloud-controller' \\",
      '',
    ].join('\n'));
    tree.write('s1', '/etc/systemd/system/k3s.service.env', 'K3S_TOKEN=K10secret::server:abc\n');
    tree.write('s1', '/etc/rancher/k3s/config.yaml', 'kube-apiserver-arg:\n  - "anonymous-auth=true"\nservice-cidr: 10.50.0.0/16\ndatastore-endpoint: https://etcd-1:2379,https://etcd-2:2379\n');
    cluster = collect([tree.dir]);
  });
  afterAll(() => tree.cleanup());

  it("gives the apiserver the unit's kube-apiserver-arg list (replacing config.yaml's), options as flags, and k3s's defaults under them", () => {
    const apiserver = cluster.componentsOf('kube-apiserver')[0];
    expect(setting(apiserver, 'profiling')).toMatchObject({ value: 'true', origin: 'flag', sourceKey: 'kube-apiserver-arg', at: { file: 's1/etc/systemd/system/k3s.service', line: 5 } }); // where --kube-apiserver-arg is written
    expect(setting(apiserver, 'anonymous-auth')).toMatchObject({ value: 'false', origin: 'distribution-default' });
    expect(setting(apiserver, 'service-cluster-ip-range')).toMatchObject({ value: '10.50.0.0/16', origin: 'flag', sourceKey: 'service-cidr', at: { file: 's1/etc/rancher/k3s/config.yaml', line: 3 } });
    expect(setting(apiserver, 'etcd-servers')).toMatchObject({ value: 'https://etcd-1:2379,https://etcd-2:2379', sourceKey: 'datastore-endpoint' });
    // An external datastore: no embedded etcd.
    expect(cluster.componentsOf('etcd')).toEqual([]);
    expect(cluster.hosts[0].distribution?.settings.find((s) => s.name === 'token')).toMatchObject({ origin: 'env', secret: true });
  });
});
