import { HELP_BASE_URL, RULES, docPath, ruleById } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { UsageError } from './errors.js';
import { markdownForTerminal } from './markdown-terminal.js';
import { terminalWidth, wantsColor } from './tty.js';
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

/** A rule as `kaudit rules --format json` gives it to scripts. */
function ruleJson(rule: Rule) {
  return {
    id: rule.id,
    level: rule.level,
    title: rule.title,
    description: rule.description,
    fix: rule.fix,
    tags: rule.tags,
    cis: rule.cis ?? [],
    docs: docPath(rule),
    helpUri: `${HELP_BASE_URL}${docPath(rule)}`,
  };
}

function ruleOrUsageError(id: string): Rule {
  const rule = ruleById(id);
  if (!rule) throw new UsageError(`unknown rule "${id}" (see kaudit rules)`);
  return rule;
}

function docOf(rule: Rule): string {
  return readPackageFile(new URL(`../../${docPath(rule)}`, import.meta.url));
}

/** `kaudit rules` lists the rules; `kaudit rules ID` prints the rule's documentation page. */
export function runRulesCommand(id: string | undefined, format: 'text' | 'json' | 'markdown' = 'text'): number {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(id ? ruleJson(ruleOrUsageError(id)) : RULES.map(ruleJson), null, 2)}\n`);
    return 0;
  }
  if (!id && format === 'markdown') {
    process.stdout.write(rulesIndexMarkdown());
    return 0;
  }
  if (!id) {
    const width = Math.max(...RULES.map((r) => r.id.length));
    for (const rule of RULES) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.level.padEnd(7)}  ${rule.title}\n`);
    return 0;
  }
  process.stdout.write(docOf(ruleOrUsageError(id)));
  return 0;
}

/** `kaudit explain ID`: the rule's page laid out for the terminal, wrapped to its width. */
export function runExplain(id: string, color: boolean): number {
  const rule = ruleOrUsageError(id);
  const page = markdownForTerminal(docOf(rule), { color: color && wantsColor(process.stdout), width: terminalWidth(process.stdout) });
  process.stdout.write(`${page}\nOnline: ${HELP_BASE_URL}${docPath(rule)}\n`);
  return 0;
}
