import fs from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

/** The official SARIF 2.1.0 schema, as @microsoft/sarif-multitool ships it (draft 2020-12). */
export function sarifValidator() {
  const schemaPath = require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
