import fs from 'node:fs';
import { RULES, docPath, ruleById } from '../rules/index.js';
import { UsageError } from './errors.js';

/** `kaudit rules` lists the rules; `kaudit rules ID` prints the rule's documentation page. */
export function runRulesCommand(id: string | undefined): number {
  if (!id) {
    const width = Math.max(...RULES.map((r) => r.id.length));
    for (const rule of RULES) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.level.padEnd(7)}  ${rule.title}\n`);
    return 0;
  }
  const rule = ruleById(id);
  if (!rule) throw new UsageError(`unknown rule "${id}" (see kaudit rules)`);
  const page = new URL(`../../${docPath(rule)}`, import.meta.url);
  process.stdout.write(fs.readFileSync(page, 'utf8'));
  return 0;
}
