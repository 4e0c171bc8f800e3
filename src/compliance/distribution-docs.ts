/**
 * rules-docs/cis/distributions.md, written from the data the engine runs (a test compares
 * the file with this text): where each layout keeps what the CIS controls judge, what does
 * not exist there and why, and — for k3s and RKE2 — which controls their own defaults
 * already satisfy, judged by the benchmark's own test against the distribution's tables.
 */
import { BENCHMARKS } from '../benchmarks/index.js';
import type { Check, Control, FileTarget, SettingTest } from '../benchmarks/types.js';
import { LAYOUTS, RANCHER_LAYOUTS, type Layout, type RancherLayout } from '../collectors/layouts/index.js';
import { ARG_KEYS, K3S_DEFAULTS, RKE2_DEFAULTS, RKE2_FORCED_OPTIONS, type DefaultFlag } from '../collectors/layouts/rancher-defaults.js';
import type { ComponentKind } from '../model/types.js';
import { isAbsent } from './subjects-by-layout.js';
import { expectation, passes } from './tests.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text}\``;
}

function paths(list: readonly string[]): string {
  return list.length ? list.map(code).join(', ') : '—';
}

/** One row of the places table: what it is, and how each layout answers. */
const PLACES: Array<[string, (l: Layout) => string]> = [
  ['pod specifications (1.1.1–1.1.8)', (l) => (isAbsent(l.files.podSpecs) ? 'none (N/A)' : l.files.podSpecs === 'generated' ? 'the manifests it generates in ' + paths(l.staticPods.filter((p) => p.generated).map((p) => p.dir)) : 'the static pod or unit that defines the component')],
  ['administrator kubeconfigs (1.1.13, 1.1.14)', (l) => paths(l.files.adminKubeconfigs)],
  ['PKI folder (1.1.19–1.1.21)', (l) => code(l.files.pkiDir)],
  ['etcd data folder, when no setting names it (1.1.11, 1.1.12)', (l) => (l.files.etcdDataDir ? code(l.files.etcdDataDir) : 'only the process shows it') + (l.files.etcdDataOwner ? '; owner: N/A' : '')],
  ['kubelet service file (4.1.1, 4.1.2)', (l) => (isAbsent(l.files.kubeletService) ? 'none (N/A)' : 'its unit and drop-ins')],
  ['CNI folders beside `/var/lib/cni/networks` (1.1.9, 1.1.10)', (l) => paths(l.files.cniDirs)],
  ["kubelet's client CA when no setting names it (4.1.7, 4.1.8)", (l) => (l.files.kubeletClientCa ? code(l.files.kubeletClientCa) : '—')],
  ['kubeconfigs when no flag names them (1.1.15–1.1.18, 4.1.3–4.1.6)', (l) => paths(l.kubeconfigs.map((k) => `${k.usedBy}: ${k.path}`))],
];

function placesTable(): string[] {
  return [
    `| what | ${LAYOUTS.map((l) => l.title).join(' | ')} |`,
    `|---|${LAYOUTS.map(() => '---').join('|')}|`,
    ...PLACES.map(([what, answer]) => `| ${what} | ${LAYOUTS.map((l) => cell(answer(l))).join(' | ')} |`),
  ];
}

function notApplicable(layout: Layout): string[] {
  const files = layout.files;
  const lines: string[] = [];
  if (isAbsent(files.podSpecs)) lines.push(`- pod specifications: ${files.podSpecs.absent}`);
  if (isAbsent(files.kubeletService)) lines.push(`- kubelet service file: ${files.kubeletService.absent}`);
  if (files.etcdDataOwner) lines.push(`- etcd data folder's owner: ${files.etcdDataOwner.absent}`);
  for (const p of files.passes ?? []) lines.push(`- ${p.component} \`--${p.setting}\` not set: ${p.absent}`);
  return lines;
}

/** The component and setting names a check reads, when it reads settings. */
function settingsOf(check: Check): { component: ComponentKind; settings: string[] } | undefined {
  if (check.template === 'setting') return { component: check.component, settings: check.settings };
  if (check.template === 'kubelet-setting') return { component: 'kubelet', settings: check.settings };
  return undefined;
}

function tableOf(layout: RancherLayout): Partial<Record<ComponentKind, DefaultFlag[]>> {
  return layout.program === 'k3s' ? K3S_DEFAULTS : RKE2_DEFAULTS;
}

/** `when` in words, or nothing when the distribution always applies it (RKE2 forces secrets-encryption). */
function condition(layout: RancherLayout, when: string | undefined): string {
  if (!when) return '';
  const forced = layout.program === 'rke2' && RKE2_FORCED_OPTIONS.some((o) => o.option === when && !o.when);
  if (forced) return '';
  if (when === 'embedded-etcd') return ' (with embedded etcd)';
  if (when === 'sqlite') return ' (with SQLite)';
  const [option, value] = when.split('=');
  return ` (with \`${option}: ${value ?? 'true'}\` in config.yaml)`;
}

function placeholders(layout: RancherLayout, value: string): string {
  return value.replace(/\{data\}/g, layout.dataDir).replace(/\{config\}/g, layout.configFile.replace(/\/config\.yaml$/, '')).replace(/\{program\}/g, layout.program);
}

/** A default of the distribution's table, in words: `--profiling=false` (with …) ([source](…)). */
function shownDefault(layout: RancherLayout, name: string, row: DefaultFlag | undefined): string {
  if (!row) return `\`--${name}\` not passed`;
  const value = placeholders(layout, row.value);
  return `\`--${name}=${value.length > 60 ? `${value.slice(0, 57)}…` : value}\`${condition(layout, row.when)} ([source](${row.source}))`;
}

/** How the distribution's own defaults stand against a control that tests settings. */
function settingsVerdict(layout: RancherLayout, read: { component: ComponentKind; settings: string[] }, test: SettingTest): string {
  const defaults = tableOf(layout)[read.component] ?? [];
  const passed = test.op === 'notset' ? layout.files.passes?.find((p) => p.component === read.component && read.settings.includes(p.setting)) : undefined;
  if (passed) return `N/A: ${passed.absent}`;
  const parts = read.settings.map((name) => {
    const row = defaults.find((d) => d.flag === name);
    return { ok: passes(test, row ? placeholders(layout, row.value) : undefined), text: shownDefault(layout, name, row), conditional: condition(layout, row?.when) !== '' };
  });
  const what = parts.map((p) => p.text).join('; ');
  if (parts.every((p) => p.ok)) return `${parts.some((p) => p.conditional) ? 'satisfied by its default, on the condition said' : 'satisfied by its default'}: ${what}`;
  const argKey = Object.entries(ARG_KEYS).find(([, kind]) => kind === read.component)?.[0];
  const wanted = read.settings.map((name) => expectation(test, `--${name}`)).join(' and ');
  return `not satisfied by its default (${what}): set ${wanted} with \`${argKey}\` in config.yaml`;
}

/** Where a file control looks on the layout, or why it does not apply. */
function fileVerdict(layout: RancherLayout, target: FileTarget, aspect: 'mode' | 'owner'): string {
  const files = layout.files;
  const kubeconfig = (kind: ComponentKind) => layout.kubeconfigs.find((k) => k.usedBy === kind)?.path;
  switch (target.kind) {
    case 'definition':
      if (isAbsent(files.podSpecs)) return `N/A: ${files.podSpecs.absent}`;
      return `judged at ${code(`${layout.staticPods.find((p) => p.generated)?.dir}/${target.component}.yaml`)}, which ${layout.title} writes at each start`;
    case 'unit-files':
      return isAbsent(files.kubeletService) ? `N/A: ${files.kubeletService.absent}` : 'judged at the unit and its drop-ins';
    case 'etcd-data-dir':
      return aspect === 'owner' && files.etcdDataOwner ? `N/A: ${files.etcdDataOwner.absent}` : `judged at etcd's \`data-dir\` (${code(files.etcdDataDir ?? '')})`;
    case 'cni-files':
      return `judged at ${paths(['/var/lib/cni/networks', ...files.cniDirs])}`;
    case 'admin-kubeconfig':
      return `judged at ${paths(files.adminKubeconfigs)}`;
    case 'kubeconfig':
      return `judged at the file \`--kubeconfig\` names (${code(kubeconfig(target.component) ?? '—')})`;
    case 'setting-file':
      return `judged at the file \`--${target.setting}\` names (${code(files.kubeletClientCa ?? '—')})`;
    case 'kubelet-config':
      return `judged at the KubeletConfiguration drop-ins ${layout.title} writes (${code(`${layout.dataDir}/agent/etc/kubelet.conf.d`)})`;
    case 'pki':
      return `judged under ${code(files.pkiDir)}`;
    case 'paths':
      return `judged at ${paths(target.paths)}`;
  }
}

/** A control judged in the file an apiserver flag names, and what the distribution passes for it. */
function namedFile(layout: RancherLayout, flag: string): string {
  const row = tableOf(layout)['kube-apiserver']?.find((d) => d.flag === flag);
  return `judged in the file that \`--${flag}\` names; ${row ? `by default ${shownDefault(layout, flag, row)}` : `${layout.title} passes none by default`}`;
}

/** How a layout stands against one control, when the control judges the node. */
function verdict(layout: RancherLayout, control: Control): string | undefined {
  const check = control.check;
  const read = settingsOf(check);
  if (read && 'test' in check) return settingsVerdict(layout, read, check.test);
  if (check.template === 'file-mode' || check.template === 'file-owner') return fileVerdict(layout, check.files, check.template === 'file-mode' ? 'mode' : 'owner');
  if (check.template === 'encryption-providers') return namedFile(layout, 'encryption-provider-config');
  if (check.template === 'audit-policy') return namedFile(layout, 'audit-policy-file');
  return undefined;
}

function distributionSection(layout: RancherLayout, controls: Control[]): string[] {
  const rows = controls.flatMap((control) => {
    const text = verdict(layout, control);
    return text ? [`| ${control.id} | ${cell(control.text)} | ${cell(text)} |`] : [];
  });
  return [
    `## ${layout.title}`,
    '',
    'Not applicable, with the reason kaudit gives:',
    '',
    ...notApplicable(layout),
    '',
    `Settings the benchmark tests, against what ${layout.title} passes when config.yaml says nothing`,
    '(rules-docs/distribution-defaults.md lists the tables; a control satisfied only by a default',
    'passes with that default as its evidence, cited):',
    '',
    '| id | control | the default |',
    '|---|---|---|',
    ...rows,
    '',
  ];
}

export function distributionsMarkdown(): string {
  const benchmark = BENCHMARKS[BENCHMARKS.length - 1];
  const controls = benchmark.controls.filter((c) => c.node !== 'policies');
  return [
    '# CIS controls on each layout',
    '',
    'Written by `npm run make-benchmark-docs` from the layout adapters (`src/collectors/layouts/`)',
    'and the distribution tables; a test fails when this page and the data disagree.',
    '',
    "kube-bench keeps a config per distribution (`cfg/k3s-cis-1.9`, `cfg/rke2-cis-1.8`, each with its",
    "own `$apiserverconf`, `$kubeletsvc`…); kaudit keeps one adapter per layout, and the controls ask",
    "it where their subject is. A host of no recognised layout gets kubeadm's places. Where a",
    'subject does not exist by design the control is N/A with the reason below, never a PASS.',
    '',
    '## Where the controls look',
    '',
    ...placesTable(),
    '',
    `## Ids below are ${benchmark.title}'s`,
    '',
    ...RANCHER_LAYOUTS.flatMap((layout) => distributionSection(layout, controls)),
    '## Where kaudit differs from the distributions\' guides',
    '',
    ...GUIDE_DIFFERENCES.map((d) => `- ${d}`),
    '',
  ].join('\n');
}

/** Deliberate differences from the k3s and RKE2 self-assessments and kube-bench's variants, with why. */
export const GUIDE_DIFFERENCES: readonly string[] = [
  'Kubelet config file (4.1.9, 4.1.10): both guides say N/A ("all configuration is passed in as arguments"); since v1.32 k3s and RKE2 write a KubeletConfiguration drop-in (`agent/etc/kubelet.conf.d/00-<program>-defaults.conf`) that the kubelet reads through `--config-dir`, as kube-bench\'s config lists for RKE2. kaudit judges its mode and owner like any kubelet config file.',
  'Administrator kubeconfigs (1.1.13, 1.1.14): the guides judge `server/cred/admin.kubeconfig`; kaudit judges `/etc/rancher/<program>/<program>.yaml` too, the copy written for the operator\'s kubectl (`write-kubeconfig-mode` widens it).',
  'CNI files (1.1.9, 1.1.10): k3s\'s guide audits `/var/lib/cni/networks`; kaudit adds the folder k3s writes flannel\'s configuration to, and `/etc/cni/net.d` on RKE2 as its guide\'s remediation names.',
  'etcd data folder owner (1.1.12): N/A on k3s (its etcd runs inside the k3s process, as root), as its guide says; judged on RKE2, whose guide passes it with `etcd:etcd` under the CIS profile (kube-bench\'s `rke2-cis-1.8` skips it).',
];
