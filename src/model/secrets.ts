/**
 * The one place that decides what is a secret value (interfaces.md, "Secret values"):
 * private key material, client-key-data, tokens, Secret data, encryption provider
 * secrets and passwords. Collectors mark such values in the model where they parse
 * them (`Setting.secret`); every output prints `MASK` in their place. File paths are
 * not secrets: `--tls-private-key-file=/etc/kubernetes/pki/apiserver.key` is printed as is.
 */

/** What every output prints in place of a secret value. */
export const MASK = '*****';

/** Flag, variable and field names that say they hold a secret. */
const SECRET_NAME = /(password|passwd|passphrase|(^|[-_.])pass($|[-_.])|token|secret|(^|[-_.])(private-?)?key(-?data)?$|credential|api-?key)/i;

/**
 * Names that say "secret" but hold a path, a switch or a duration, not a secret; and
 * etcd's --initial-cluster-token, which tells clusters apart and authenticates nothing.
 */
const NOT_SECRET_NAME = /(file|path|dir|-ttl|ttl$|auth$|-auth-|enabled?$|mode$|lookup$|-cert|cert-|-ca$|issuer|audiences|usages|rotation|expiration|cluster-token|CLUSTER_TOKEN|(^|[-_.])id$)/i;

/** Names that hold a secret whatever it looks like; a name that only says "key" may name a key's file instead. */
const ALWAYS_SECRET_NAME = /(password|passwd|passphrase|(^|[-_.])pass($|[-_.])|token|secret|credential|key-data$)/i;

/** Whether a setting, variable or field of this name holds a secret value. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/**
 * Whether a setting holds a secret: its name says so, and, for a name that only says
 * "key", its value is not a file path (`--kubelet-client-key=/etc/kubernetes/pki/…key`
 * names a file). A password, token or secret is one whatever it starts with: a base64
 * key may well start with `/`.
 */
export function isSecretSetting(name: string, value: string): boolean {
  // A switch is never a secret, whatever its name says (--use-service-account-credentials=true).
  if (!isSecretName(name) || value === '' || /^(true|false)$/i.test(value)) return false;
  return ALWAYS_SECRET_NAME.test(name) || !/^(\/|\.\.?\/|~\/)/.test(value);
}

/** A value with the password of a URL (`https://user:pass@host`) masked. */
export function maskUrlPassword(value: string): string {
  if (!value.includes('://')) return value;
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s/]+@/gi, `$1${MASK}@`);
}

/** Whether a value carries a password inside a URL. */
export function hasUrlPassword(value: string): boolean {
  return value.includes('://') && /[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:[^@\s/]+@/i.test(value);
}

/** A setting's value as outputs print it. */
export function shown(setting: { value: string; secret?: boolean }): string {
  if (setting.secret) return MASK;
  return maskUrlPassword(setting.value);
}

/** How a secret value is replaced: MASK, or a marker that tells two values apart without showing them. */
export type SecretMarker = (value: string) => string;

const PRIVATE_KEY_BLOCK = /(-----BEGIN ([A-Z ]*)PRIVATE KEY-----)[\s\S]*?(-----END \2PRIVATE KEY-----)/g;
/** A private key block cut short (no END line): everything after its BEGIN is key material. */
const UNTERMINATED_KEY = /(-----BEGIN ([A-Z ]*)PRIVATE KEY-----)(?![\s\S]*?-----END \2PRIVATE KEY-----)[\s\S]*$/;

/**
 * Lines of a config text that carry a secret value, by structure: a private key PEM
 * block, `client-key-data`, `token`, `password`, `secret` fields, flags and variables
 * whose names say so, passwords in URLs. Diffs and snapshots print such lines masked.
 * `mark` replaces each value (by default with MASK).
 */
export function maskSecretsInText(text: string, mark: SecretMarker = () => MASK): string {
  return text
    .replace(PRIVATE_KEY_BLOCK, (_block, begin: string, _label: string, end: string) => `${begin}\n${mark(_block)}\n${end}`)
    .replace(UNTERMINATED_KEY, (block, begin: string) => `${begin}\n${mark(block)}\n`)
    .replace(/^([ \t]*(?:-[ \t]+)?["']?([A-Za-z0-9_.-]+)["']?[ \t]*:[ \t]*)(["']?)([^\s"'#][^"'#\n]*?)\3([ \t]*,?[ \t]*(?:#.*)?)$/gm, (line, head: string, name: string, quote: string, value: string, tail: string) =>
      isSecretSetting(name, value) ? `${head}${quote}${mark(value)}${quote}${tail}` : line,
    )
    .replace(/(--?([A-Za-z0-9_-]+)=)("[^"\n]*"|'[^'\n]*'|[^\s"',\]]+)/g, (flag, head: string, name: string, value: string) => (isSecretSetting(name, value.replace(/^["']|["']$/g, '')) ? `${head}${mark(value)}` : flag))
    .replace(/^([ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=)(.+)$/gm, (line, head: string, name: string, value: string) => (isSecretSetting(name, value) ? `${head}${mark(value)}` : line))
    .split('\n')
    .map((line) => line.replace(/([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)([^@\s/]+)@/gi, (_m, head: string, password: string) => `${head}${mark(password)}@`))
    .join('\n');
}

/** Values too common to be masked wherever they appear (a switch, a small number). */
const TOO_COMMON = /^(true|false|yes|no|on|off|null|none|\d{1,5})$/i;

/**
 * The secret values a scan has seen, so that any output can mask them wherever they
 * appear: in a message, in a diff line that a YAML style (flow maps, block scalars,
 * anchors) keeps from the line patterns, in a snapshot. Each value is also known in
 * the forms JSON and HTML print it.
 */
export class SecretValues {
  private readonly values = new Set<string>();
  private pattern?: RegExp | null;

  add(value: string | undefined): void {
    if (value === undefined) return;
    const trimmed = value.trim();
    if (trimmed.length < 4 || TOO_COMMON.test(trimmed)) return;
    for (const form of [trimmed, JSON.stringify(trimmed).slice(1, -1), escapeHtml(trimmed)]) {
      if (!this.values.has(form)) {
        this.values.add(form);
        this.pattern = undefined;
      }
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** Every known form, in the order learnt: what a worker thread hands back with a host's model. */
  forms(): string[] {
    return [...this.values];
  }

  /** Learns the forms another scan's SecretValues knew (as `forms()` gave them). */
  addForms(forms: Iterable<string>): void {
    for (const form of forms) {
      if (this.values.has(form)) continue;
      this.values.add(form);
      this.pattern = undefined;
    }
  }

  has(value: string): boolean {
    return this.values.has(value.trim());
  }

  /** Text with every known secret value replaced (longest first, so no part of one is left). */
  mask(text: string, mark: SecretMarker = () => MASK): string {
    if (this.values.size === 0) return text;
    if (this.pattern === undefined) {
      const sorted = [...this.values].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(sorted.join('|'), 'g');
    }
    return this.pattern ? text.replace(this.pattern, (value) => mark(value)) : text;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const registries = new WeakMap<object, SecretValues>();

/** The secret values known for one scan (keyed by its Cluster). */
export function secretValuesOf(owner: object): SecretValues {
  let values = registries.get(owner);
  if (!values) {
    values = new SecretValues();
    registries.set(owner, values);
  }
  return values;
}

/** Providers of an EncryptionConfiguration whose keys hold secrets. */
const KEYED_PROVIDERS = new Set(['aescbc', 'aesgcm', 'secretbox']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** The password of every URL in a text. */
export function urlPasswords(text: string): string[] {
  // Most values hold no URL: the pattern, tried at every letter, costs far more than this test.
  if (!text.includes('://')) return [];
  return [...text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@\s/]+)@/gi)].map((m) => m[1]);
}

/**
 * Every secret value of a parsed YAML or JSON document, by structure: a Secret's `data`
 * (and `stringData` fields whose names say secret), an EncryptionConfiguration's
 * provider keys, a kubeconfig's token, password and client-key-data, any field, flag
 * or env entry (`{name, value}`) whose name says password, token, secret or key, and
 * passwords in URLs. Depth is bounded: a document deeper than any config is not walked further.
 */
export function secretValuesIn(data: unknown, add: (value: string) => void): void {
  const walk = (node: unknown, key: string | undefined, depth: number): void => {
    if (depth > 64) return;
    const text = scalarText(node);
    if (text !== undefined) {
      if (key !== undefined && isSecretSetting(key, text)) add(text);
      for (const password of urlPasswords(text)) add(password);
      const flag = /^--?([A-Za-z0-9_-]+)=(.*)$/s.exec(text);
      if (flag && isSecretSetting(flag[1], flag[2])) add(flag[2]);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) walk(item, key, depth + 1);
      return;
    }
    if (!isRecord(node)) return;
    if (node.kind === 'Secret') {
      for (const value of Object.values(isRecord(node.data) ? node.data : {})) {
        const secret = scalarText(value);
        if (secret !== undefined) add(secret);
      }
    }
    if (typeof node.name === 'string' && isSecretName(node.name)) {
      const value = scalarText(node.value);
      if (value !== undefined && isSecretSetting(node.name, value)) add(value);
    }
    for (const [field, value] of Object.entries(node)) {
      if (KEYED_PROVIDERS.has(field) && isRecord(value)) {
        for (const entry of Array.isArray(value.keys) ? value.keys : []) {
          const secret = isRecord(entry) ? scalarText(entry.secret) : undefined;
          if (secret !== undefined) add(secret);
        }
      }
      walk(value, field, depth + 1);
    }
  };
  walk(data, undefined, 0);
}
