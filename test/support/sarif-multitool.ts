import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Microsoft's SARIF validator with GitHub's rules (what code scanning requires); returns its errors. */
export function validateForGitHub(file: string): string[] {
  const tool = path.join(path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'Sarif.Multitool');
  fs.chmodSync(tool, 0o755); // npm may have skipped the package's own chmod (install scripts off)
  const out = path.join(path.dirname(file), 'validation.sarif');
  let text: string;
  try {
    text = execFileSync(tool, ['validate', file, '--output', out, '--rule-kind', 'Gh;Sarif', '--log', 'ForceOverwrite'], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  } catch (error) {
    text = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
  }
  return text.split('\n').filter((line) => /: error [A-Z]+\d+/.test(line));
}
