import { describe, expect, it } from 'vitest';
import { kaudit } from './support/cli.js';

/** The example cluster of the README: its planted defects, and nothing else. */
describe('fixtures/example-cluster', () => {
  it('reports exactly the planted pki defects, grouped by host', () => {
    const json = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; host: string; file: string; line: number }> };
    expect(report.findings.map((f) => `${f.ruleId} ${f.host} ${f.file}:${f.line}`)).toEqual([
      'pki/key-permissions cp-1 cp-1/etc/kubernetes/pki/apiserver-etcd-client.key:1',
      'pki/weak-key cp-1 cp-1/etc/kubernetes/pki/apiserver-kubelet-client.crt:1',
      'pki/wrong-usage cp-1 cp-1/etc/kubernetes/pki/etcd/peer.crt:1',
      'pki/key-mismatch cp-2 cp-2/etc/kubernetes/manifests/etcd.yaml:29',
      'pki/missing-san cp-2 cp-2/etc/kubernetes/pki/apiserver.crt:1',
      'pki/ca-outlived cp-2 cp-2/etc/kubernetes/pki/front-proxy-client.crt:1',
      'pki/untrusted-chain cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:21',
      'pki/missing-file cp-3 cp-3/etc/kubernetes/manifests/kube-apiserver.yaml:30',
      'pki/missing-file cp-3 cp-3/etc/kubernetes/manifests/kube-controller-manager.yaml:26',
      'pki/cert-expiring cp-3 cp-3/etc/kubernetes/pki/front-proxy-client.crt:1',
      'pki/shared-keypair worker-1 worker-1/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem:1',
      'pki/cert-expired worker-2 worker-2/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem:1',
    ]);

    const text = kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01']);
    const hostHeaders = text.stdout.split('\n').filter((line) => /^\S/.test(line) && !line.startsWith('✖'));
    expect(hostHeaders).toEqual(['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2']);
    expect(text.stdout).toMatch(/✖ 12 problems \(8 errors, 4 warnings, 0 notes\) on 5 hosts/);
    expect(text.stdout).not.toContain('\u001b['); // no colour when stdout is not a terminal
  });
});
