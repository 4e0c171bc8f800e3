/**
 * deploy/: the collector manifests are valid Kubernetes objects (the API's OpenAPI schemas,
 * through kubernetes-models), the namespace admits the collector under Pod Security
 * admission, the collector needs the privileged level for its host access and for nothing
 * else, and deploy/gather.sh gathers a cluster folder, run against a stub kubectl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { baselineViolations, restrictedViolations, type PodSpec } from './support/pod-security.js';
import { CLI, kaudit } from './support/cli.js';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec: PodSpec } };
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
};

function manifests(): Array<{ file: string; object: KubeObject }> {
  return fs
    .readdirSync('deploy')
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join('deploy', file), 'utf8')).map((doc) => ({ file, object: doc.toJS() as KubeObject })))
    .filter((m) => m.object);
}

describe('deploy/ manifests', () => {
  const all = manifests();
  const collector = all.find((m) => m.object.kind === 'DaemonSet' && m.object.metadata.name === 'kaudit-collector')!.object;
  const namespace = all.find((m) => m.object.kind === 'Namespace')!.object;

  it("validate against the Kubernetes API's schemas", () => {
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { file, object } of all) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind} has no model in this test`).toBeDefined();
      expect(() => new Model(object as never).validate(), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    // The validation is real: a broken copy fails it.
    const broken = structuredClone(collector) as unknown as { spec: { template: { spec: { containers: Array<{ name?: unknown }> } } } };
    broken.spec.template.spec.containers[0].name = 7;
    expect(() => new DaemonSet(broken as never).validate()).toThrow(/name must be string/);
  });

  it('label their namespace for the privileged Pod Security level, which the collector needs for host access only', () => {
    const labels = namespace.metadata.labels ?? {};
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('latest');
    for (const { object } of all) if (object.metadata.namespace) expect(object.metadata.namespace).toBe(namespace.metadata.name);
    const pod = collector.spec!.template!.spec;
    // What baseline (the default level of many clusters) refuses, and why: nothing but host access.
    expect(baselineViolations(pod, collector.spec!.template!.metadata?.annotations).sort()).toEqual(['host namespaces (hostNetwork=true)', 'host namespaces (hostPID=true)', 'hostPath volumes (host)']);
    const container = pod.containers[0].securityContext!;
    expect(container.privileged).toBeUndefined();
    expect(container).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const host = pod.volumes!.find((v) => v.name === 'host') as unknown as { hostPath: { path: string } };
    expect(host.hostPath.path).toBe('/');
    expect((pod.containers[0] as unknown as { volumeMounts: Array<{ name: string; readOnly?: boolean }> }).volumeMounts.find((m) => m.name === 'host')!.readOnly).toBe(true);
  });

  it('need nothing above baseline for anything but the collector', () => {
    const others = all.filter(({ object }) => object.spec?.template && object !== collector);
    for (const { file, object } of others) expect(baselineViolations(object.spec!.template!.spec), `${file}: ${object.kind} ${object.metadata.name}`).toEqual([]);
    // And the check itself tells the levels apart.
    const plain: PodSpec = { containers: [{ name: 'c' }] };
    expect(baselineViolations(plain)).toEqual([]);
    expect(restrictedViolations(plain).length).toBeGreaterThan(0);
    expect(baselineViolations({ containers: [{ name: 'c', securityContext: { privileged: true } }] })).toEqual(['privileged (container c)']);
    expect(baselineViolations({ containers: [{ name: 'c', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] })).toEqual(['capabilities (container c adds SYS_ADMIN)']);
    const hardened: PodSpec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] };
    expect(restrictedViolations(hardened)).toEqual([]);
  });
});

/** A kubectl that answers as a cluster with the given collector pods would: each pod's /snapshots is a folder here. */
const STUB_KUBECTL = `#!/bin/sh
printf 'kubectl %s\\n' "$*" >> "$STUB_DIR/calls"
ns=""
if [ "$1" = "-n" ]; then ns="$2"; shift 2; fi
case "$1" in
  apply)
    if [ "$3" = "-" ]; then cat > "$STUB_DIR/applied.yaml"; else cp "$3" "$STUB_DIR/applied.yaml"; fi
    echo "namespace/kaudit created"; echo "daemonset.apps/kaudit-collector created" ;;
  rollout)
    echo "daemon set \\"kaudit-collector\\" successfully rolled out" ;;
  get)
    for pod in $(ls "$STUB_DIR/pods"); do printf '%s %s\\n' "$pod" "$(cat "$STUB_DIR/pods/$pod/node")"; done ;;
  exec)
    pod="$2"; shift 2
    [ "$1" = "--" ] && shift
    [ "$1" = "sh" ] && [ "$2" = "-c" ] || { echo "stub: unexpected exec $*" >&2; exit 1; }
    sh -c "$(printf '%s' "$3" | sed "s#/snapshots#$STUB_DIR/pods/$pod/snapshots#g")" ;;
  delete)
    echo "namespace \\"kaudit\\" deleted" ;;
  *) echo "stub: unexpected kubectl $*" >&2; exit 1 ;;
esac
`;

describe('deploy/gather.sh, against a stub kubectl', () => {
  let dir: string;
  let stub: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-gather-'));
    stub = path.join(dir, 'stub');
    fs.mkdirSync(path.join(stub, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(stub, 'bin', 'kubectl'), STUB_KUBECTL, { mode: 0o755 });
    // Two collector pods, each with the snapshot `kaudit collect` wrote on its node: the
    // node's hostname (its folder) differs from its node name, as on many clouds.
    for (const [pod, node, host] of [['kaudit-collector-7xk2p', 'cp-1.example.internal', 'cp-1'], ['kaudit-collector-m4q9z', 'worker-1.example.internal', 'worker-1']]) {
      const snapshots = path.join(stub, 'pods', pod, 'snapshots');
      fs.mkdirSync(snapshots, { recursive: true });
      fs.writeFileSync(path.join(stub, 'pods', pod, 'node'), node);
      execFileSync(process.execPath, [CLI, 'collect', '--host-root', path.join('fixtures/example-cluster', host), '--output', snapshots]);
      fs.writeFileSync(path.join(snapshots, '.complete'), '');
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function gather(...args: string[]) {
    const env = { ...process.env, PATH: `${path.join(stub, 'bin')}:${process.env.PATH}`, STUB_DIR: stub };
    fs.rmSync(path.join(stub, 'calls'), { force: true });
    const run = spawnSync('sh', ['deploy/gather.sh', ...args], { env, encoding: 'utf8' });
    const calls = fs.existsSync(path.join(stub, 'calls')) ? fs.readFileSync(path.join(stub, 'calls'), 'utf8').trim().split('\n') : [];
    return { ...run, calls };
  }

  it('gathers a cluster folder named by node name that kaudit scans, and cleans up', () => {
    const cluster = path.join(dir, 'cluster');
    const run = gather('--image', 'registry.local/kaudit:test', '--output', cluster);
    expect(run.status, run.stderr).toBe(0);
    expect(fs.readdirSync(cluster).sort()).toEqual(['cp-1.example.internal', 'worker-1.example.internal']);
    expect(run.stdout).toMatch(/^cp-1\.example\.internal: \d+ files$/m);
    expect(run.stdout).toContain(`gathered 2 nodes into ${cluster}; next: kaudit scan ${cluster}`);
    // The manifest went in with the image asked for, and its namespace labelled privileged.
    const applied = fs.readFileSync(path.join(stub, 'applied.yaml'), 'utf8');
    expect(applied).toContain('image: registry.local/kaudit:test');
    expect(applied).not.toContain('image: registry.example.internal');
    expect(applied).toContain('pod-security.kubernetes.io/enforce: privileged');
    expect(run.calls).toEqual([
      'kubectl apply -f -',
      'kubectl -n kaudit rollout status daemonset/kaudit-collector --timeout=5m',
      `kubectl -n kaudit get pods -l app.kubernetes.io/name=kaudit-collector -o jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}`,
      "kubectl -n kaudit exec kaudit-collector-7xk2p -- sh -c cd /snapshots/* && tar cf - .",
      "kubectl -n kaudit exec kaudit-collector-m4q9z -- sh -c cd /snapshots/* && tar cf - .",
      'kubectl delete namespace kaudit --wait=false',
    ]);
    // Each node's folder is its snapshot, links and the snapshot manifest kept.
    const node = path.join(cluster, 'cp-1.example.internal');
    expect(fs.existsSync(path.join(node, '.kaudit-snapshot.json'))).toBe(true);
    expect(fs.existsSync(path.join(node, 'etc/kubernetes/manifests/kube-apiserver.yaml'))).toBe(true);
    const scan = kaudit(['scan', cluster, '--now', '2026-12-01', '-f', 'json', '--fail-on', 'none']);
    expect(scan.status, scan.stderr).toBe(0);
    const report = JSON.parse(scan.stdout) as { hosts: Array<{ name: string }>; summary: { components: number; certificates: number } };
    expect(report.hosts.map((h) => h.name)).toEqual(['cp-1.example.internal', 'worker-1.example.internal']);
    expect(report.summary.components).toBeGreaterThanOrEqual(4);
    expect(report.summary.certificates).toBeGreaterThan(10);
  });

  it('keeps the collectors with --keep, uses the manifest as it is without --image, and refuses unknown options', () => {
    const run = gather('--keep', '--output', path.join(dir, 'kept'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls[0]).toBe(`kubectl apply -f ${path.join('deploy', 'kaudit-collector.yaml')}`);
    expect(run.calls.some((c) => c.startsWith('kubectl delete'))).toBe(false);
    const wrong = gather('--frobnicate');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.trim()).toBe('gather.sh: unknown option --frobnicate (see --help)');
    expect(wrong.calls).toEqual([]);
  });
});
