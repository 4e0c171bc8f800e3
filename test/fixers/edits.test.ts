import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collectors/index.js';
import { runRules } from '../../src/engine.js';
import { planFixes } from '../../src/fixers/index.js';
import { renderChanges } from '../../src/fixers/render.js';
import { writeChanges } from '../../src/fixers/writer.js';
import { rulesMatching } from '../../src/rules/index.js';
import { kaudit } from '../support/cli.js';
import { TreeWriter } from '../support/tree.js';
import { ADDON_MANAGER_POD } from '../support/addon-manager.js';

const trees: TreeWriter[] = [];
function tree(): TreeWriter {
  const t = TreeWriter.temp();
  trees.push(t);
  return t;
}
afterEach(() => trees.splice(0).forEach((t) => t.cleanup()));

async function fixes(dir: string, rule: string) {
  const cluster = collect([dir]);
  const findings = runRules(cluster, rulesMatching(rule), { now: new Date(), expiryWindowDays: 30 });
  return planFixes(cluster, findings, { now: new Date() });
}

/** A static pod as people leave them: comments, odd indentation, blank lines, flow items. */
const ODD_POD = `# kube-apiserver, edited by hand on 2025-03-02
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver   # the mirror pod's name
  namespace: kube-system

spec:
  containers:
      - name: kube-apiserver
        image: registry.k8s.io/kube-apiserver:v1.29.3
        command:
            - kube-apiserver
            # authorization
            - --authorization-mode=Node,RBAC
            - "--endpoint-reconciler-type=master-count"   # from the old guide
            - --anonymous-auth=false
            - --encryption-provider-config=/etc/kubernetes/enc/enc.yaml
        volumeMounts: [{mountPath: /etc/kubernetes/enc, name: enc}]
  volumes: [{name: enc, hostPath: {path: /etc/kubernetes/enc}}]
`;

describe('fix edits', () => {
  it('changes one flag of a commented, oddly indented static pod by exactly one line', async () => {
    const t = tree();
    t.write('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    t.write('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    const cs = await fixes(t.dir, 'apiserver/master-count-reconciler');
    const diff = renderChanges(cs).split('\n');
    const changed = (host: string) => {
      const start = diff.indexOf(`--- a/${host}/etc/kubernetes/manifests/kube-apiserver.yaml`);
      const hunk = diff.slice(start + 2, diff.findIndex((l, i) => i > start + 2 && (l.startsWith('--- ') || l === '')));
      return hunk.filter((l) => /^[-+]/.test(l));
    };
    expect(changed('cp-1')).toEqual(['-            - "--endpoint-reconciler-type=master-count"   # from the old guide', '+            - "--endpoint-reconciler-type=lease"   # from the old guide']);
    const result = writeChanges(cs, { now: new Date() });
    expect(result.error).toBeUndefined();
    expect(t.read('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(ODD_POD.replace('master-count', 'lease'));
  });

  it('adds flags to a unit in its continuation layout, and to a pod after its last flag', async () => {
    const t = tree();
    const unitText = '[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --authorization-mode=Node,RBAC \\\n  --client-ca-file=/var/lib/kubernetes/ca.pem\nRestart=on-failure\n';
    t.write('c0', '/etc/systemd/system/kube-apiserver.service', unitText);
    const cs = await fixes(t.dir, 'auth/anonymous-auth');
    writeChanges(cs, { now: new Date() });
    expect(t.read('c0', '/etc/systemd/system/kube-apiserver.service')).toBe(
      '[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --authorization-mode=Node,RBAC \\\n  --client-ca-file=/var/lib/kubernetes/ca.pem \\\n  --anonymous-auth=false\nRestart=on-failure\n',
    );
  });

  it("removes a flag from kubeadm's env file, and the last line of a unit's continuation", async () => {
    const t = tree();
    t.write('w', '/usr/lib/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet\n');
    t.write('w', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS \\\n  --v=2 \\\n  --network-plugin=cni\n');
    t.write('w', '/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime=remote --container-runtime-endpoint=unix:///run/containerd/containerd.sock"\n');
    t.write('w', '/.kaudit-snapshot.json', JSON.stringify({ versions: { kubelet: 'v1.28.0' } }));
    const cs = await fixes(t.dir, 'upgrade/removed-flag');
    writeChanges(cs, { now: new Date() });
    expect(t.read('w', '/var/lib/kubelet/kubeadm-flags.env')).toBe('KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock"\n');
    expect(t.read('w', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf')).toBe('[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS \\\n  --v=2\n');
  });

  it('sets a kubelet setting in its config file, keeping comments and key order', async () => {
    const t = tree();
    const config = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# who may talk to the kubelet\nauthentication:\n  anonymous:\n    enabled: true   # TODO\n  webhook:\n    enabled: true\n';
    t.write('w', '/var/lib/kubelet/config.yaml', config);
    t.write('w', '/etc/systemd/system/kubelet.service', '[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf\n');
    writeChanges(await fixes(t.dir, 'auth/anonymous-auth'), { now: new Date() });
    writeChanges(await fixes(t.dir, 'bootstrap/tls-bootstrap'), { now: new Date() });
    expect(t.read('w', '/var/lib/kubelet/config.yaml')).toBe(config.replace('enabled: true   # TODO', 'enabled: false   # TODO') + 'rotateCertificates: true\n');
  });

  it('adds the addon mode label to the right document of a multi-document file', async () => {
    const t = tree();
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n---\n# second\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n  namespace: kube-system\n';
    t.write('m', '/etc/kubernetes/addons/sa.yaml', text);
    t.write('m', '/etc/kubernetes/manifests/kube-addon-manager.yaml', ADDON_MANAGER_POD);
    writeChanges(await fixes(t.dir, 'addons/missing-mode-label'), { now: new Date() });
    expect(t.read('m', '/etc/kubernetes/addons/sa.yaml')).toBe(text.replace('  namespace: kube-system\n', '  namespace: kube-system\n  labels:\n    addonmanager.kubernetes.io/mode: Reconcile\n'));
  });
});

describe('fix writes', () => {
  it('puts every file back when the N-th rename fails, keeps the backup complete, and says nothing was changed', async () => {
    const t = tree();
    for (const host of ['cp-1', 'cp-2', 'cp-3']) t.write(host, '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    const cs = await fixes(t.dir, 'apiserver/master-count-reconciler');
    let renames = 0;
    const result = writeChanges(cs, {
      now: new Date(),
      faults: (step) => {
        if (step === 'rename' && ++renames === 2) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      },
    });
    expect(result.applied).toEqual([]);
    expect(result.notApplied).toEqual(['cp-1', 'cp-2', 'cp-3'].map((host) => `${host}/etc/kubernetes/manifests/kube-apiserver.yaml`));
    expect(result.error).toBe('edit of cp-2/etc/kubernetes/manifests/kube-apiserver.yaml failed (ENOSPC); the 1 file already changed were put back, so nothing was changed');
    for (const host of ['cp-1', 'cp-2', 'cp-3']) expect(t.read(host, '/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(ODD_POD);
    for (const host of ['cp-1', 'cp-2', 'cp-3']) expect(fs.readFileSync(path.join(result.backupDir!, host, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8')).toBe(ODD_POD);
    expect(fs.readdirSync(t.real('cp-2', '/etc/kubernetes/manifests'))).toEqual(['kube-apiserver.yaml']); // no temporary file left
  });

  it('never writes through a link out of the scanned folder', () => {
    const t = tree();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-outside-'));
    const outsideFile = path.join(outside, 'kube-apiserver.yaml');
    fs.writeFileSync(outsideFile, ODD_POD);
    try {
      fs.mkdirSync(t.real('cp-1', '/etc/kubernetes'), { recursive: true });
      fs.symlinkSync(outside, t.real('cp-1', '/etc/kubernetes/manifests')); // relative to nothing: it leaves the tree
      t.write('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
      t.write('cp-3', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD); // master-count needs two apiservers
      fs.symlinkSync(path.relative(t.real('cp-2', '/etc/kubernetes'), outsideFile), t.real('cp-2', '/etc/kubernetes/other.yaml'));
      const run = kaudit(['fix', t.dir, '--write', '--rule', 'apiserver/master-count-reconciler']);
      expect(fs.readFileSync(outsideFile, 'utf8')).toBe(ODD_POD);
      expect(t.read('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(ODD_POD.replace('master-count', 'lease'));
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a target whose folder is a link leading out of the tree', async () => {
    const t = tree();
    t.write('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    t.write('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    const cs = await fixes(t.dir, 'apiserver/master-count-reconciler');
    // After the scan, cp-2's folder is swapped for a link that leaves the tree.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-outside-'));
    fs.writeFileSync(path.join(outside, 'kube-apiserver.yaml'), ODD_POD);
    fs.rmSync(t.real('cp-2', '/etc/kubernetes/manifests'), { recursive: true });
    fs.symlinkSync(outside, t.real('cp-2', '/etc/kubernetes/manifests'));
    try {
      const result = writeChanges(cs, { now: new Date() });
      expect(result.refused).toEqual([{ file: 'cp-2/etc/kubernetes/manifests/kube-apiserver.yaml', reason: 'a link leads out of the scanned folder; not written' }]);
      expect(fs.readFileSync(path.join(outside, 'kube-apiserver.yaml'), 'utf8')).toBe(ODD_POD);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('changes nothing it cannot parse, and says so', () => {
    const t = tree();
    t.write('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    const broken = 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n    - command: [kube-apiserver, --endpoint-reconciler-type=master-count]\n';
    t.write('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml', broken);
    t.write('cp-3', '/etc/kubernetes/manifests/kube-apiserver.yaml', ODD_POD);
    t.write('w', '/etc/cni/net.d/10-broken.conflist', '{"cniVersion": "0.3.1", "name": "x", "plugins": [ {"type": "bridge" ');
    const run = kaudit(['fix', t.dir, '--write']);
    expect(run.stderr).toMatch(/kaudit: warning: cp-2\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml: YAML syntax error/);
    expect(t.read('cp-2', '/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(broken);
    expect(t.read('w', '/etc/cni/net.d/10-broken.conflist')).toBe('{"cniVersion": "0.3.1", "name": "x", "plugins": [ {"type": "bridge" ');
    expect(run.stdout).toMatch(/Correct \/etc\/cni\/net\.d\/10-broken\.conflist on w/);
    expect(t.read('cp-1', '/etc/kubernetes/manifests/kube-apiserver.yaml')).not.toBe(ODD_POD); // the rest is fixed
  });
});

describe('fix of kubeconfig credentials', () => {
  it('re-issues an expired embedded client certificate with its embedded key, and a shared one with a new embedded key', async () => {
    const { PkiFactory } = await import('../support/pki.js');
    const { kubeconfigText } = await import('../support/hosts.js');
    const { generateKeyPair } = await import('../../src/pki/issue.js');
    const t = tree();
    const pki = new PkiFactory();
    const ca = await pki.ca('kubernetes');
    t.write('cp', '/etc/kubernetes/pki/ca.crt', ca.certPem);
    t.write('cp', '/etc/kubernetes/pki/ca.key', ca.keyPem, 0o600);
    const admin = await pki.leaf(ca, 'kubernetes-admin', { organizations: ['system:masters'], usages: ['clientAuth'], validFromDays: -400, validForDays: -1 });
    t.write('cp', '/etc/kubernetes/admin.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'admin', admin), 0o600);
    const shared = await generateKeyPair({ algorithm: 'ec', curve: 'P-256' });
    t.write('cp', '/etc/kubernetes/scheduler.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'scheduler', await pki.leaf(ca, 'system:kube-scheduler', { key: shared, usages: ['clientAuth'] })), 0o600);
    t.write('cp', '/etc/kubernetes/controller-manager.conf', kubeconfigText('https://10.0.0.1:6443', ca, 'cm', await pki.leaf(ca, 'system:kube-controller-manager', { key: shared, usages: ['clientAuth'] })), 0o600);
    t.writeSnapshotManifests();
    const before = kaudit(['scan', t.dir, '--format', 'json', '--rule', 'pki/*']);
    expect(JSON.parse(before.stdout).findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['pki/cert-expired', 'pki/shared-keypair']);
    const run = kaudit(['fix', t.dir, '--write', '--rule', 'pki/*']);
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).not.toContain('Plan:');
    const after = kaudit(['scan', t.dir, '--format', 'json']);
    expect(JSON.parse(after.stdout).findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('pki/'))).toEqual([]);
    expect(t.read('cp', '/etc/kubernetes/pki/ca.crt')).toBe(ca.certPem);
  });
});
