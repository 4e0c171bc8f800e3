import { RULES, docPath, ruleById } from '../rules/index.js';
import { UsageError } from './errors.js';
import { readPackageFile } from '../io/read.js';

/** The rules index (rules-docs/README.md), made from the registry. */
export function rulesIndexMarkdown(): string {
  const rows = RULES.map((r) => `| [${r.id}](${r.id}.md) | ${r.level} | ${r.title} |`);
  return [
    '# kaudit rules',
    '',
    'One page per rule, at `rules-docs/<rule id>.md`; `kaudit rules` lists them and',
    '`kaudit rules <id>` prints a page. The IDs are a contract (see the project README).',
    'This index is written by `kaudit rules --format markdown`.',
    '',
    '| rule | level | title |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** `kaudit rules` lists the rules; `kaudit rules ID` prints the rule's documentation page. */
export function runRulesCommand(id: string | undefined, format: 'text' | 'markdown' = 'text'): number {
  if (!id && format === 'markdown') {
    process.stdout.write(rulesIndexMarkdown());
    return 0;
  }
  if (!id) {
    const width = Math.max(...RULES.map((r) => r.id.length));
    for (const rule of RULES) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.level.padEnd(7)}  ${rule.title}\n`);
    return 0;
  }
  const rule = ruleById(id);
  if (!rule) throw new UsageError(`unknown rule "${id}" (see kaudit rules)`);
  const page = new URL(`../../${docPath(rule)}`, import.meta.url);
  process.stdout.write(readPackageFile(page));
  return 0;
}
