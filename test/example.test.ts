import { describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';

/**
 * The example cluster of the README: its planted defects, what stock kubeadm leaves open
 * (anonymous auth, no encryption at rest, no etcd token), and nothing else.
 */
describe('fixtures/example-cluster', () => {
  it('reports exactly the planted defects, and what stock kubeadm gets wrong, grouped by file', () => {
    const json = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; host: string; file: string; line: number }> };
    expect(report.findings.map((f) => `${f.ruleId} ${f.host} ${f.file}:${f.line}`)).toEqual([
      'scheduler/unknown-scheduler cp-1 cp-1/etc/kubernetes/addons/batch/nightly-report.yaml:14',
      'addons/missing-mode-label cp-1 cp-1/etc/kubernetes/addons/metrics-server/service-account.yaml:6',
      'encryption/no-aescbc-provider cp-1 cp-1/etc/kubernetes/enc/encryption-config.yaml:7',
      'etcd/weak-cluster-token cp-1 cp-1/etc/kubernetes/manifests/etcd.yaml:12',
      'auth/anonymous-auth cp-1 cp-1/etc/kubernetes/manifests/kube-apiserver.yaml:12',
      'pki/key-permissions cp-1 cp-1/etc/kubernetes/pki/apiserver-etcd-client.key:1',
      'pki/weak-key cp-1 cp-1/etc/kubernetes/pki/apiserver-kubelet-client.crt:1',
      'pki/wrong-usage cp-1 cp-1/etc/kubernetes/pki/etcd/peer.crt:1',
      'pki/key-mismatch cp-2 cp-2/etc/kubernetes/manifests/etcd.yaml:29',
      'apiserver/no-encryption-at-rest cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:12',
      'auth/anonymous-auth cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:12',
      'apiserver/master-count-reconciler cp-2 cp-2/etc/kubernetes/manifests/kube-apiserver.yaml:41',
      'pki/missing-san cp-2 cp-2/etc/kubernetes/pki/apiserver.crt:1',
      'pki/ca-outlived cp-2 cp-2/etc/kubernetes/pki/front-proxy-client.crt:1',
      'etcd/inconsistent-membership cp-3 cp-3/etc/kubernetes/manifests/etcd.yaml:20',
      'apiserver/no-encryption-at-rest cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:12',
      'auth/anonymous-auth cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:12',
      'pki/untrusted-chain cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:21',
      'pki/missing-file cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:30',
      'pki/missing-file cp-3 cp-3/etc/kubernetes/manifests/kube-controller-manager.yaml:26',
      'pki/cert-expiring cp-3 cp-3/etc/kubernetes/pki/front-proxy-client.crt:1',
      'network/missing-service-route cp-3 cp-3/proc/net/route:2',
      'cni/invalid-config worker-1 worker-1/etc/cni/net.d/10-weave.conf:1',
      'cni/leftover-weave-conf worker-1 worker-1/etc/cni/net.d/10-weave.conf:1',
      'pki/shared-keypair worker-1 worker-1/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem:1',
      'upgrade/version-skew worker-2 worker-2/.kaudit-snapshot.json:1',
      'upgrade/removed-flag worker-2 worker-2/var/lib/kubelet/kubeadm-flags.env:1',
      'pki/cert-expired worker-2 worker-2/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem:1',
    ]);

    const text = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01']);
    // Grouped by file, as ESLint's stylish report: one header per file, in the order of the findings.
    const fileHeaders = text.stdout.split('\n').filter((line) => /^\S/.test(line) && !/^(✖|checked:)/.test(line));
    expect(fileHeaders).toEqual([...new Set(report.findings.map((f) => f.file))]);
    expect(text.stdout).toMatch(/✖ 28 problems \(16 errors, 11 warnings, 1 note\) on 5 hosts/);
    expect(text.stdout).not.toContain('\u001b['); // no colour when stdout is not a terminal
  });
});
