/**
 * Benchmark rows in words, for the generated docs: the page of every control with kaudit's
 * coverage (rules-docs/cis/controls.md) and the pages of the benchmark-only rules. The
 * docs are written from the same rows the engine runs, and a test compares them.
 */
import { planOnlyReason, type Check, type Control, type FileTarget, type Remediation, type SettingTest } from './types.js';

/** kube-bench's file at the commit the tables were checked against. */
export const KUBE_BENCH_URL = 'https://github.com/aquasecurity/kube-bench/blob/a73ce378/cfg';

function describeTest(test: SettingTest): string {
  const orUnset = 'orUnset' in test && test.orUnset ? ' (or not set)' : '';
  switch (test.op) {
    case 'set':
      return 'is set';
    case 'notset':
      return 'is not set';
    case 'eq':
      return `equals \`${test.value}\`${orUnset}`;
    case 'noteq':
      return `is not \`${test.value}\`${orUnset}`;
    case 'gte':
      return `is ${test.value} or more${orUnset}`;
    case 'has':
      return test.list ? `lists \`${test.value}\`` : `contains \`${test.value}\`${orUnset}`;
    case 'nothave':
      return test.list ? `does not list \`${test.value}\`${orUnset}` : `does not contain \`${test.value}\`${orUnset}`;
    case 'valid_elements':
      return `lists only suites of: ${test.value.map((v) => `\`${v}\``).join(', ')}`;
  }
}

function describeFiles(files: FileTarget): string {
  switch (files.kind) {
    case 'definition':
      return `the pod specification of ${files.component} (its static pod manifest or unit; RKE2: the manifest it generates)`;
    case 'unit-files':
      return `the ${files.component} unit and its drop-ins`;
    case 'etcd-data-dir':
      return "etcd's `--data-dir` (else `/var/lib/etcd/default.etcd`)";
    case 'cni-files':
      return "files under the kubelet's `--cni-conf-dir` (when on its command line) and `/var/lib/cni/networks`";
    case 'paths':
      return files.paths.map((p) => `\`${p}\``).join(' and ') + ' (each when present)';
    case 'admin-kubeconfig':
      return "the administrator's kubeconfigs where the host's layout keeps them (kubeadm: `/etc/kubernetes/admin.conf` and `/etc/kubernetes/super-admin.conf`), each when present";
    case 'kubeconfig':
      return `the kubeconfig of ${files.component}${files.fallback ? ` (else \`${files.fallback}\`)` : ', when it names one'}`;
    case 'setting-file':
      return `the file of ${files.component} \`--${files.setting}\`${files.fallback ? ` (else \`${files.fallback}\`)` : ''}`;
    case 'kubelet-config':
      return "the kubelet's `--config` file and `--config-dir` drop-ins";
    case 'pki':
      return files.select === 'tree' ? 'the PKI folder and everything in it' : `the \`*${files.select}\` files of the PKI folder`;
  }
}

/** A check in one line: "kube-apiserver `--profiling` equals `false`". */
export function describeCheck(check: Check): string {
  switch (check.template) {
    case 'setting':
      return `${check.component} ${check.settings.map((s) => `\`--${s}\``).join(' and ')} ${describeTest(check.test)}`;
    case 'kubelet-setting':
      return `kubelet ${check.settings.map((s) => `\`--${s}\``).join(' and ')}${check.flagOnly ? ' (command line only)' : ' (flag, else config file)'} ${describeTest(check.test)}`;
    case 'feature-gate':
      return `${check.component} feature gate \`${check.gate}\` ${describeTest(check.test)}`;
    case 'file-mode':
      return `${describeFiles(check.files)}: mode ${check.mode.toString(8).padStart(4, '0')} or stricter`;
    case 'file-owner':
      return `${describeFiles(check.files)}: owner \`${check.owner}\`${check.absent === 'pass' ? ' (a missing file passes)' : ''}`;
    case 'encryption-providers':
      return `first provider for secrets is one of ${check.allowed.map((a) => `\`${a}\``).join(', ')}`;
    case 'audit-policy':
      return '`--audit-policy-file` names an audit.k8s.io Policy';
    case 'unit-directive':
      return `${check.component} unit \`${check.directive}=\` ${describeTest(check.test)}`;
    case 'api':
      return `findings of \`${check.rule}\` through the Kubernetes API`;
    case 'manual':
      return 'no test (review by hand)';
  }
}

export function describeRemediation(remedy: Remediation): string {
  switch (remedy.kind) {
    case 'set':
      return `set \`${remedy.setting}\` to \`${remedy.value.length > 40 ? `${remedy.value.slice(0, 40)}…` : remedy.value}\``;
    case 'unset':
      return `remove \`--${remedy.setting}\``;
    case 'add-to-list':
      return `add \`${remedy.item}\` to \`--${remedy.setting}\``;
    case 'remove-from-list':
      return `remove \`${remedy.item}\` from \`--${remedy.setting}\``;
    case 'feature-gate':
      return `feature gate \`${remedy.gate}=${remedy.value}\``;
    case 'chmod':
      return `chmod ${remedy.mode.toString(8)}`;
    case 'chown':
      return `chown ${remedy.owner}`;
    case 'flag-with-file':
      return `\`--${remedy.setting}\` with its ${remedy.file} file and mount`;
    case 'manual':
      return remedy.why ? `${remedy.steps.join('; ')} (a plan step: ${remedy.why})` : remedy.steps.join('; ');
  }
}

/** The fix kind that writes each kind of remediation (src/compliance/remediation.ts). */
const FIX_KIND: Record<Exclude<Remediation['kind'], 'manual'>, string> = {
  set: 'set-flag',
  unset: 'remove-flag',
  'add-to-list': 'add-to-list',
  'remove-from-list': 'remove-from-list',
  'feature-gate': 'feature-gate',
  chmod: 'chmod',
  chown: 'chown',
  'flag-with-file': 'flag-with-file',
};

/**
 * What `kaudit fix` does for a control, from its data: the fix kinds that write it, the
 * fix of kaudit's own rule, or a plan with the reason it cannot be written.
 */
export function fixCoverage(control: Control, ownRuleFix?: 'fix' | 'plan'): string {
  if (control.check.template === 'manual') return '—';
  if (control.check.template === 'api') return `by \`${control.rule}\``;
  const why = planOnlyReason(control);
  if (why) return `plan: ${why}`;
  if (control.remediation.length === 0) return ownRuleFix ? `${ownRuleFix} (by the rule)` : 'plan';
  const kinds = [...new Set(control.remediation.map((r) => (r.kind === 'manual' ? 'plan' : FIX_KIND[r.kind])))];
  return `fix (${kinds.join(', ')})`;
}
