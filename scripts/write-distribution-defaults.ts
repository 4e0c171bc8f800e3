/** Writes rules-docs/distribution-defaults.md from the layout tables. Run: npx tsx scripts/write-distribution-defaults.ts */
import fs from 'node:fs';
import { distributionDefaultsMarkdown } from '../src/collectors/layouts/docs.js';

fs.writeFileSync(new URL('../rules-docs/distribution-defaults.md', import.meta.url), distributionDefaultsMarkdown());
