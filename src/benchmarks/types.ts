/**
 * A benchmark is data: one row per control, each judged by one of a few check templates
 * (src/compliance/templates.ts). A new benchmark version is a new table and a line in the
 * version mapping (index.ts), not new code.
 */
import type { ComponentKind } from '../model/types.js';

/** Where kube-bench runs a control's group: master, etcd and controlplane on control-plane nodes, node on every node, policies through the API. */
export type NodeType = 'master' | 'etcd' | 'controlplane' | 'node' | 'policies';

/**
 * The test applied to a setting's value, as kube-bench's `tests` do (check/test.go):
 * `set` and `notset` test presence; the others compare the value when the setting is
 * written and fail when it is not, unless `orUnset` (kube-bench's `bin_op: or` with
 * `set: false`) lets an unwritten setting pass.
 */
export type SettingTest =
  | { op: 'set' }
  | { op: 'notset' }
  | { op: 'eq' | 'noteq'; value: string; orUnset?: boolean }
  | { op: 'gte'; value: number; orUnset?: boolean }
  /** `list`: the value is a comma-separated list and `value` must (not) be one of its items; otherwise a substring, as kube-bench's `has`. */
  | { op: 'has' | 'nothave'; value: string; list?: boolean; orUnset?: boolean }
  /** Every item of the comma-separated value is one of these (kube-bench's valid_elements). */
  | { op: 'valid_elements'; value: string[] };

/** The files a file-mode or file-owner control judges on a host. */
export type FileTarget =
  /** The component's pod specification: its static pod manifest or unit, or the manifest its distribution generates (RKE2). */
  | { kind: 'definition'; component: ComponentKind }
  /** A systemd unit of the component and its drop-ins (the kubelet service file). */
  | { kind: 'unit-files'; component: ComponentKind }
  /** etcd's --data-dir (ETCD_DATA_DIR, data-dir in its config file), else kube-bench's default. */
  | { kind: 'etcd-data-dir' }
  /** Files under the kubelet's --cni-conf-dir (only when on its command line) and /var/lib/cni/networks. */
  | { kind: 'cni-files' }
  /** Files at fixed paths, each judged when present. */
  | { kind: 'paths'; paths: readonly string[] }
  /** The administrator's kubeconfigs where the host's layout keeps them (kubeadm: admin.conf and super-admin.conf), each judged when present. */
  | { kind: 'admin-kubeconfig' }
  /** The kubeconfig a component's setting names (through its mounts), else a default path. */
  | { kind: 'kubeconfig'; component: ComponentKind; fallback?: string }
  /** The file a component's setting names, else a default path (the kubelet's client CA). */
  | { kind: 'setting-file'; component: ComponentKind; setting: string; fallback?: string }
  /** The kubelet's --config file and its --config-dir drop-ins. */
  | { kind: 'kubelet-config' }
  /** The control plane's PKI folder (/etc/kubernetes/pki, else the folder of the apiserver's --client-ca-file): the folder, or its files of one extension. */
  | { kind: 'pki'; select: 'tree' | '.crt' | '.key' };

/** One check template and its parameters. */
export type Check =
  /** A component's setting: a flag, an ETCD_* variable, or a field of the config file the component reads. `settings` must all pass (bin_op and). */
  | { template: 'setting'; component: ComponentKind; settings: string[]; test: SettingTest; default?: string }
  /** A kubelet setting resolved as the kubelet does: flag, else --config and --config-dir drop-ins; `flagOnly` for settings no config file holds. */
  | { template: 'kubelet-setting'; settings: string[]; test: SettingTest; flagOnly?: boolean }
  /** One gate of a component's feature gates (--feature-gates, or a config file's featureGates), judged as a boolean. */
  | { template: 'feature-gate'; component: ComponentKind; gate: string; test: SettingTest; default: string }
  /** File permission bits: `mode` or stricter (kube-bench's bitmask: no bit outside `mode`). */
  | { template: 'file-mode'; files: FileTarget; mode: number }
  /** File owner and group ("user:group"); `absent: 'pass'` where CIS passes a missing file (4.1.2). */
  | { template: 'file-owner'; files: FileTarget; owner: string; absent?: 'pass' }
  /** The first provider of the EncryptionConfiguration entry for Secrets is one of `allowed`. */
  | { template: 'encryption-providers'; allowed: string[] }
  /** The apiserver names an audit policy file, and that file is an audit Policy. */
  | { template: 'audit-policy' }
  /** A directive of the component's systemd unit (IPAddressDeny=any). */
  | { template: 'unit-directive'; component: ComponentKind; directive: string; test: SettingTest }
  /** Judged by a rule over the live Kubernetes API (section 5): the control fails where that rule's findings carry its id. */
  | { template: 'api'; rule: string }
  /** No test: CIS leaves it to the reader (kube-bench reports WARN). */
  | { template: 'manual' };

export type TemplateName = Check['template'];

/**
 * What fixes a control, as data. `kaudit fix` writes each kind where the component reads
 * it (src/compliance/remediation.ts → src/fixers/); `manual` is printed as plan steps, with
 * the reason it cannot be written (a control whose remediation holds one is plan-only).
 */
export type Remediation =
  | { kind: 'set'; setting: string; value: string }
  | { kind: 'unset'; setting: string }
  | { kind: 'add-to-list'; setting: string; item: string }
  | { kind: 'remove-from-list'; setting: string; item: string }
  | { kind: 'feature-gate'; gate: string; value: string }
  | { kind: 'chmod'; mode: number }
  | { kind: 'chown'; owner: string }
  /** A flag that names a file kaudit must write (an audit policy), with its hostPath mount in a static pod. */
  | { kind: 'flag-with-file'; setting: string; file: 'audit-policy' | 'audit-log' | 'event-rate-limit' }
  /** What cannot be written for the operator (a certificate to obtain, a value to choose), and why (for an automated control). */
  | { kind: 'manual'; steps: string[]; why?: string };

export interface Control {
  /** The control's number in this benchmark version, e.g. 1.2.15. */
  id: string;
  /** The control's title, as CIS words it. */
  text: string;
  node: NodeType;
  /** CIS marks it Automated (kube-bench: `scored: true`): a failure is FAIL, else WARN. */
  scored: boolean;
  /** The rule whose findings say the control fails: kaudit's own rule when one judges it, else the benchmark's. */
  rule: string;
  check: Check;
  /** What fixes it, in order (empty when an existing rule's own fix stands for it). */
  remediation: Remediation[];
  /** The kube-bench test it follows: file and test, for the docs. */
  kubeBench: string;
}

export interface Benchmark {
  /** `cis-1.12` */
  id: string;
  title: string;
  /** `1.12` */
  version: string;
  /** The Kubernetes minor versions it is written for, inclusive (kube-bench's version_mapping). */
  kubernetes: { from: string; to: string };
  /** Section titles by number (1, 1.1, …). */
  sections: Record<string, string>;
  controls: Control[];
}

/** Why `kaudit fix` cannot write an automated control's remediation; undefined when it can. */
export function planOnlyReason(control: Control): string | undefined {
  for (const remedy of control.remediation) if (remedy.kind === 'manual' && remedy.why) return remedy.why;
  return undefined;
}

/** Whether kube-bench runs a test for the control (the catalog's `automated` column). */
export function isAutomated(control: Control): boolean {
  return control.check.template !== 'manual';
}

/** The group a control belongs to: 1.2.15 → 1.2; 2.1 → 2. */
export function sectionOf(id: string): string {
  const parts = id.split('.');
  return parts.length <= 2 ? parts[0] : parts.slice(0, -1).join('.');
}
