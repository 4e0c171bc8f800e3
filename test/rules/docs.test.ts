import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, docPath } from '../../src/rules/index.js';

describe('rules-docs', () => {
  it('has a page for every rule, titled by its ID, with what, why, how to fix and references', () => {
    for (const rule of RULES) {
      const page = fs.readFileSync(docPath(rule), 'utf8');
      expect(page.split('\n')[0]).toBe(`# ${rule.id}`);
      expect(page).toContain(`**Level:** ${rule.level}`);
      for (const section of ['## What it checks', '## Why it matters', '## How to fix', '## References']) expect(page, rule.id).toContain(section);
    }
  });

  it('has an index that is what kaudit rules --format markdown writes from the registry', async () => {
    const { rulesIndexMarkdown } = await import('../../src/cli/rules-command.js');
    expect(fs.readFileSync('rules-docs/README.md', 'utf8')).toBe(rulesIndexMarkdown());
  });

  it('lists every rule in the index, with the level and title of the registry', () => {
    const index = fs.readFileSync('rules-docs/README.md', 'utf8');
    const rows = index.split('\n').filter((line) => line.startsWith('| ['));
    expect(rows).toEqual(RULES.map((r) => `| [${r.id}](${r.id}.md) | ${r.level} | ${r.title} |`));
  });
});
