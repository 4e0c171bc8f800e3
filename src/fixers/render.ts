/**
 * `kaudit fix` output: the plan for people (a summary first, each change with its diff or
 * decoded certificates, side effects and restarts, the manual steps, and what a dry run
 * did not do) or as JSON for scripts. Everything shown is masked (plan.ts) and, from the
 * scanned tree, made safe for a terminal.
 */
import { buildFixPlan, type CertificateChange, type CertificateView, type FixPlan, type PlannedChange } from './plan.js';
import type { ChangeSet } from './changeset.js';
import type { WriteResult } from './writer.js';
import { terminalSafe } from '../reporters/terminal.js';

export const DRY_RUN_FOOTER = 'dry run: nothing written; run with --write to apply';

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** The summary line that starts the plan. */
export function summaryLine(plan: FixPlan): string {
  const s = plan.summary;
  const files = [s.edited && `${s.edited} edited`, s.created && `${s.created} created`, s.removed && `${s.removed} removed`, s.modesChanged && plural(s.modesChanged, 'mode change'), s.ownersChanged && plural(s.ownersChanged, 'owner change')].filter(Boolean).join(', ');
  const parts = [
    `${plural(s.filesChanged, 'file')} to change on ${plural(s.hosts, 'host')}${files ? ` (${files})` : ''}`,
    plural(s.certificatesReissued, 'certificate') + ' re-issued',
    ...(s.certificatesCreated ? [`${plural(s.certificatesCreated, 'certificate')} created`] : []),
    `${plural(s.keysCreated, 'key')} created${s.encryptionKeysCreated ? ` (and ${plural(s.encryptionKeysCreated, 'encryption key')})` : ''}`,
    plural(s.manualSteps, 'manual step'),
  ];
  return `Fix plan: ${parts.join('; ')}`;
}

const FIELDS: Array<[string, (v: CertificateView) => string | string[], string?]> = [
  ['subject', (v) => v.subject],
  ['SANs', (v) => v.sans, '(none)'],
  ['validity', (v) => `${v.notBefore} – ${v.notAfter}`],
  ['issuer', (v) => v.issuer],
  ['key', (v) => v.key],
  ['usages', (v) => v.usages, '(not restricted)'],
];

/** A field of a certificate: its value, `old  →  new` where it changes; lists say what was added and removed. */
function fieldLines(name: string, before: string | string[] | undefined, after: string | string[], empty = ''): string[] {
  const label = `    ${name.padEnd(9)} `;
  if (Array.isArray(after)) {
    const old = Array.isArray(before) ? before : undefined;
    const kept = old ? after.filter((x) => old.includes(x)) : after;
    const lines = [`${label}${kept.join(', ') || (old && old.length ? '' : empty)}`.trimEnd()];
    if (old) {
      const pad = ' '.repeat(label.length);
      for (const added of after.filter((x) => !old.includes(x))) lines.push(`${pad}+ ${added}`);
      for (const removed of old.filter((x) => !after.includes(x))) lines.push(`${pad}- ${removed}`);
    }
    return lines;
  }
  return [`${label}${before === undefined || before === after ? after : `${before as string}  →  ${after}`}`];
}

/** One certificate, decoded: each field, and what changes in it. */
function certificateLines(change: CertificateChange): string[] {
  const head = change.before ? `certificate re-issued${change.newKey ? ' with a new key pair' : ', same key'}:` : 'new certificate:';
  return [`  ${head}`, ...FIELDS.flatMap(([name, value, empty]) => fieldLines(name, change.before ? value(change.before) : undefined, value(change.after), empty))];
}

function headLine(change: PlannedChange): string {
  const rules = `  [${change.rules.join(', ')}]`;
  switch (change.action) {
    case 'create':
      return `create  ${change.file} (mode ${change.mode}${change.holdsKey ? ', holds a private key: not shown' : ''})${rules}`;
    case 'remove':
      return `remove  ${change.file}: ${change.reason}${rules}`;
    case 'chmod':
      return `mode    ${change.file}: ${change.modeBefore ? `${change.modeBefore} → ` : ''}${change.mode}${rules}`;
    case 'chown':
      return `owner   ${change.file}: ${change.ownerBefore ? `${change.ownerBefore} → ` : ''}${change.owner}${rules}`;
    default:
      return `edit    ${change.file}${rules}`;
  }
}

function changeBlock(change: PlannedChange): string {
  const lines = [headLine(change)];
  if (change.diff) lines.push(change.diff.trimEnd());
  for (const cert of change.certificates) lines.push(...certificateLines(cert));
  if (change.keysCreated > 0 && !change.certificates.some((c) => c.newKey)) lines.push(`  ${plural(change.keysCreated, 'new private key')} (not shown)`);
  if (change.action === 'edit' && !change.diff && change.certificates.length === 0 && change.keysCreated === 0) lines.push('  secret values replaced (not shown)');
  for (const effect of change.sideEffects) lines.push(`  side effect: ${effect}`);
  for (const restart of change.restart) lines.push(`  restart: ${restart}`);
  return `${lines.join('\n')}\n`;
}

/** The plan as text: summary, changes, manual steps, conflicts, and what was not fixed. */
export function renderPlanText(plan: FixPlan, options: { write: boolean }): string {
  if (plan.changes.length + plan.manualSteps.length + plan.conflicts.length + plan.notFixed.length === 0) return 'Nothing to fix.\n';
  const parts = [summaryLine(plan) + (plan.summary.restarts.length ? `\nRestarts: ${plan.summary.restarts.join(', ')}` : '') + '\n'];
  parts.push(...plan.changes.map(changeBlock));
  if (plan.manualSteps.length > 0) {
    const steps = plan.manualSteps.map((step, i) => [`${i + 1}. ${step.title}  [${step.rule}]`, ...step.commands.map((c) => `     $ ${c}`)].join('\n'));
    parts.push(`Manual steps (kaudit cannot write these):\n${steps.join('\n')}\n`);
  }
  if (plan.conflicts.length) parts.push(`Conflicts:\n${plan.conflicts.map((c) => `  ${c.file}: ${c.message}`).join('\n')}\n`);
  if (plan.notFixed.length) parts.push(`Not fixed:\n${plan.notFixed.map((s) => `  ${s.file ? `${s.file}: ` : ''}${s.message}`).join('\n')}\n`);
  if (!options.write) parts.push(`${DRY_RUN_FOOTER}\n`);
  return terminalSafe(parts.join('\n'));
}

/** The dry run of a change set, as `kaudit fix` prints it. */
export function renderChanges(cs: ChangeSet, options: { write: boolean } = { write: false }): string {
  return renderPlanText(buildFixPlan(cs), options);
}

/** The plan (and with --write, what was written) as one JSON document for scripts. */
export function renderPlanJson(plan: FixPlan, written?: WriteResult): string {
  return `${JSON.stringify({ dryRun: written === undefined, ...plan, ...(written ? { written } : {}) }, null, 2)}\n`;
}

export function renderWriteResult(result: WriteResult): string {
  const lines = [`Applied ${result.applied.length} change${result.applied.length === 1 ? '' : 's'}.`];
  if (result.backupDir) lines.push(`Backups of the replaced and removed files: ${result.backupDir}`);
  for (const refused of result.refused) lines.push(`Refused ${refused.file}: ${refused.reason}`);
  if (result.error) {
    lines.push(`Error: ${result.error}`);
    lines.push(`Applied: ${result.applied.join(', ') || 'nothing'}`);
    lines.push(`Not applied: ${result.notApplied.join(', ')}`);
  }
  return terminalSafe(`${lines.join('\n')}\n`);
}
