import { applyEdits, unifiedDiff } from './text.js';
import type { ChangeSet } from './changeset.js';
import type { WriteResult } from './writer.js';
import { maskSecretsInText } from '../model/secrets.js';

const SECRET_FIELD = /^(\s*(?:-\s+)?(?:secret|client-key-data|token|password):\s*).+$/;

/** What a diff may show: private key bodies and secret values are replaced by a marker. */
export function redact(text: string): string {
  const out: string[] = [];
  let inKey = false;
  for (const line of text.split('\n')) {
    if (/^-----BEGIN .*PRIVATE KEY-----/.test(line.trim())) {
      inKey = true;
      out.push(line, '(private key material not shown)');
      continue;
    }
    if (inKey) {
      if (/^-----END .*PRIVATE KEY-----/.test(line.trim())) {
        inKey = false;
        out.push(line);
      }
      continue;
    }
    // Then whatever the one notion of a secret says is one (agent-token:, --token=…, K3S_TOKEN=…).
    out.push(maskSecretsInText(line.replace(SECRET_FIELD, '$1<not shown>')));
  }
  return out.join('\n');
}

function mode(value: number): string {
  return value.toString(8).padStart(4, '0');
}

/** The dry run: a unified diff per edited file, the files to create, remove and chmod, the plan. */
export function renderChanges(cs: ChangeSet): string {
  const parts: string[] = [];
  for (const edit of [...cs.edits.values()].sort((a, b) => a.file.localeCompare(b.file))) {
    const before = redact(edit.original);
    const after = redact(applyEdits(edit.original, edit.edits));
    parts.push(before === after ? `${edit.file}: secret material replaced (not shown)\n` : unifiedDiff(before, after, `a/${edit.file}`, `b/${edit.file}`));
  }
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) parts.push(`${title}\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  };
  section('Files to create:', [...cs.creates.values()].map((c) => `${c.file} (mode ${mode(c.secret ? 0o600 : c.mode)}${c.secret ? ', holds key material: not shown' : ''})  [${c.ruleId}]`));
  section('Files to remove (kept in the backup):', [...cs.removes.values()].map((r) => `${r.file}: ${r.reason}  [${r.ruleId}]`));
  section('Modes to change:', [...cs.chmods.values()].map((c) => `${c.file} → ${mode(c.mode)}  [${c.ruleId}]`));
  if (cs.plan.length > 0) {
    const steps = cs.plan.map((step, i) => [`${i + 1}. ${step.title}  [${step.ruleId}]`, ...step.commands.map((c) => `     $ ${c}`)].join('\n'));
    parts.push(`Plan: steps kaudit cannot write\n${steps.join('\n')}\n`);
  }
  section('Conflicts:', cs.conflicts.map((c) => `${c.file}: ${c.message}`));
  section('Not fixed:', cs.skipped.map((s) => `${s.file ? `${s.file}: ` : ''}${s.message}`));
  if (parts.length === 0) parts.push('Nothing to fix.\n');
  return parts.join('\n');
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
  return `${lines.join('\n')}\n`;
}
