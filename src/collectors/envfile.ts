import { splitWords } from './args.js';

export interface EnvValue {
  value: string;
  line: number;
}

/**
 * Reads a systemd EnvironmentFile / shell-style env file: KEY=VALUE per line, optional
 * `export`, quotes, `#` comments, backslash line continuations.
 */
export function parseEnvFile(text: string): Map<string, EnvValue> {
  const vars = new Map<string, EnvValue>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const trimmed = line.trim().replace(/^export\s+/, '');
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    const key = trimmed.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    vars.set(key, { value: unquote(trimmed.slice(eq + 1).trim()), line: startLine });
  }
  return vars;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0])) {
    return raw[0] === '"' ? raw.slice(1, -1).replace(/\\(["\\$`])/g, '$1') : raw.slice(1, -1);
  }
  return raw.replace(/\s+#.*$/, '');
}

/** `Environment="A=1" B=2` → [[A, 1], [B, 2]]. */
export function parseEnvironmentAssignments(value: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const word of splitWords(value)) {
    const eq = word.indexOf('=');
    if (eq > 0) out.push([word.slice(0, eq), word.slice(eq + 1)]);
  }
  return out;
}

/** etcd reads every flag from an ETCD_* variable: ETCD_INITIAL_CLUSTER → initial-cluster. */
export function etcdFlagOfVariable(name: string): string | undefined {
  if (!name.startsWith('ETCD_') || name === 'ETCDCTL_API') return undefined;
  return name.slice(5).toLowerCase().replace(/_/g, '-');
}
