/**
 * Writes the benchmark docs from src/benchmarks/: rules-docs/cis/controls.md, the page of
 * each benchmark-only rule, the rules index, and rules-docs/cis/distributions.md (from the layouts). Run: npm run make-benchmark-docs
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCHMARK_RULE_INFO, benchmarkRulePage, controlsPage } from '../src/benchmarks/docs.js';
import { distributionsMarkdown } from '../src/compliance/distribution-docs.js';
import { rulesIndexMarkdown } from '../src/cli/rules-command.js';
import { RULES, docPath } from '../src/rules/index.js';

const root = new URL('..', import.meta.url).pathname;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};

write('rules-docs/cis/controls.md', controlsPage(RULES.map((r) => ({ id: r.id, level: r.level, fix: r.fix }))));
for (const info of BENCHMARK_RULE_INFO) {
  const rule = RULES.find((r) => r.id === info.id)!;
  write(docPath(rule), benchmarkRulePage(info, rule));
}
write('rules-docs/README.md', rulesIndexMarkdown());
write('rules-docs/cis/distributions.md', distributionsMarkdown());
process.stdout.write(`wrote rules-docs/cis/controls.md, rules-docs/cis/distributions.md, ${BENCHMARK_RULE_INFO.length} rule pages and the index\n`);
