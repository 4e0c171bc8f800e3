/**
 * rules-docs/distribution-defaults.md, written from the same rows the collectors use (a test
 * compares the file with this text): what kaudit assumes a distribution gives the components
 * it starts, each with the document that shows it.
 */
import { LAYOUTS } from './index.js';
import { ETCD_MANAGER } from './kops.js';
import { ARG_KEYS, K3S_DEFAULTS, OPTION_DEFAULTS, OPTION_FLAGS, RKE2_DEFAULTS, RKE2_FORCED_OPTIONS, type DefaultFlag } from './rancher-defaults.js';
import type { ComponentKind } from '../../model/types.js';

/** The documents above, where their text was read. */
const SOURCES = [
  'https://docs.k3s.io/security/self-assessment-1.12 — k3s-io/docs docs/security/self-assessment-1.12.md at 18ee0839809e3d8b6ef3d4af18b65f01bbfecdb1 (the `Running kube-apiserver …` lines of a k3s v1.32–v1.36 server)',
  'https://docs.k3s.io/installation/configuration — k3s-io/docs docs/installation/configuration.md at 147c3699b8dcf0bb95daadbc2c4642da097cee97 (config file, drop-ins, `+` appends, kubelet drop-ins from v1.32)',
  'https://docs.k3s.io/cli/server — option defaults (cluster-cidr, service-cidr, cluster-dns, cluster-domain)',
  'https://docs.rke2.io/security/cis_self_assessment112 — rancher/rke2-docs docs/security/cis_self_assessment112.md at 9477b7b1df1f0bd431cdabbb39fbdcd21cb82602 (RKE2 process lines; embedded etcd\'s config file)',
  'rancher/rke2 pkg/executor/staticpod/staticpod.go, pkg/rke2/rke2.go, pkg/cli/cmds/profile_linux.go at 6ce1a8019e9d0b81eb7a715edbc2b8ac12d26da0 (the flags RKE2 adds; secrets-encryption forced; the CIS profile)',
  'k3s-io/k3s pkg/configfilearg/parser.go at f646604010affc6a1d3233a8a0870bca46bf80cf and pkg/util/args.go (how options and `<component>-arg` entries merge)',
  'kubernetes-sigs/etcd-manager pkg/etcd/etcdprocess.go at 12a1729b11c8d483849dc9639dc36a746423ace3 (what etcd-manager gives etcd)',
];

const ORDER: ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(defaults: Partial<Record<ComponentKind, DefaultFlag[]>>): string[] {
  const lines: string[] = [];
  for (const kind of ORDER) {
    const rows = defaults[kind];
    if (!rows) continue;
    lines.push(`### ${kind}`, '', '| flag | value | when | source |', '|---|---|---|---|');
    for (const row of rows) {
      const when = [row.when ?? '', row.level === 'config' ? 'KubeletConfiguration drop-in' : ''].filter(Boolean).join('; ');
      lines.push(`| \`--${row.flag}\` | \`${cell(row.value)}\` | ${cell(when)} | ${row.source} |`);
    }
    lines.push('');
  }
  return lines;
}

export function distributionDefaultsMarkdown(): string {
  return [
    '# Distribution defaults kaudit relies on',
    '',
    'Written by `npx tsx scripts/write-distribution-defaults.ts` from the tables in',
    '`src/collectors/layouts/` (a test checks that this page is what they say).',
    '',
    'k3s, RKE2 and kOps start some components themselves, with flags of their own that no file',
    'of the node spells out. kaudit gives those components these settings with the origin',
    '`distribution-default`, located at the distribution\'s config file (or unit) and naming the',
    'document below as their `sourceKey`. The operator\'s own settings replace them, as the',
    'distribution does: `<component>-arg` entries of config.yaml (`name=value` replaces,',
    '`name+=value` appends, `name-=value` prepends, k3s-io/k3s pkg/util/args.go), and what the',
    'component runs (a process, RKE2\'s generated static pods, embedded etcd\'s generated config)',
    'stands where a default of these tables differs from it, since the running release is the',
    'better witness of its own defaults. A value whose placeholder no file resolves (a node IP)',
    'is left out: unknown, not guessed.',
    '',
    'Placeholders: `{data}` = /var/lib/rancher/<program>, `{config}` = /etc/rancher/<program>,',
    '`{program}` = k3s or rke2, `{option}` = the option\'s value in config.yaml, else its default:',
    '',
    '| option | default | source |',
    '|---|---|---|',
    ...Object.entries(OPTION_DEFAULTS).map(([option, d]) => `| \`${option}\` | \`${d.value}\` | ${d.source} |`),
    '',
    'Options that become component flags:',
    '',
    '| option | component | flag |',
    '|---|---|---|',
    ...OPTION_FLAGS.map((m) => `| \`${m.option}\` | ${m.component} | \`--${m.flag}\` |`),
    ...Object.entries(ARG_KEYS).map(([key, kind]) => `| \`${key}\` | ${kind} | each \`name=value\` entry |`),
    '',
    'Certificate renewal: a component whose distribution renews its certificates is not asked to',
    'rotate them itself (bootstrap/tls-bootstrap):',
    '',
    ...LAYOUTS.filter((l) => l.renewsCertificates).map((l) => `- ${l.title}: ${l.renewsCertificates}`),
    '',
    '## k3s',
    '',
    ...table(K3S_DEFAULTS),
    '## RKE2',
    '',
    'RKE2 sets some options itself, whatever config.yaml says:',
    '',
    ...RKE2_FORCED_OPTIONS.map((o) => `- \`${o.option}: ${o.value}\`${o.when ? ` (with \`${o.when}\`)` : ''}: ${o.source}`),
    '',
    ...table(RKE2_DEFAULTS),
    '## kOps (etcd-manager)',
    '',
    'etcd-manager starts etcd with `ETCD_*` variables it generates (its member name, the',
    'cluster\'s membership and token, its certificate paths under the etcd volume): a scan of',
    'files alone cannot see them and says so in `unknowns`; a snapshot of the process',
    '(`proc/<pid>/environ`) supplies them. What it always sets:',
    '',
    '| flag | value | source |',
    '|---|---|---|',
    ...Object.entries(ETCD_MANAGER.defaults).map(([flag, value]) => `| \`--${flag}\` | \`${value}\` | ${ETCD_MANAGER.source} |`),
    ...Object.entries(ETCD_MANAGER.urlFlags).map(([flag, etcd]) => `| ${etcd.map((f) => `\`--${f}\``).join(', ')} | etcd-manager's \`--${flag}\` (\`__name__\` filled in at start) | ${ETCD_MANAGER.source} |`),
    '',
    'Generated at start, known only from the process: ' + ETCD_MANAGER.generated.map((f) => `\`--${f}\``).join(', ') + '.',
    '',
    '## Sources, at the versions read',
    '',
    ...SOURCES.map((s) => `- ${s}`),
    '',
  ].join('\n');
}
