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
const SECRET_NAME = /(pass(word|wd)?|token|secret|(^|[-_.])(private-?)?key(-?data)?$|credential|api-?key)/i;

/** Names that say "secret" but hold a path, a switch or a duration, not a secret. */
const NOT_SECRET_NAME = /(file|path|dir|-ttl|ttl$|auth$|-auth-|enabled?$|mode$|lookup$|-cert|cert-|-ca$|issuer|audiences|usages|rotation|expiration)/i;

/** Whether a setting, variable or field of this name holds a secret value. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/**
 * Whether a setting holds a secret: its name says so and its value is not a file path
 * (`--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key` names a file).
 */
export function isSecretSetting(name: string, value: string): boolean {
  if (value === '') return false;
  // These never name a file, whatever the value looks like (a base64 key may start with "/").
  if (ALWAYS_SECRET_NAME.test(name)) return true;
  return isSecretName(name) && !/^(\/|\.\.?\/|~\/)/.test(value);
}

/** Fields whose value is the secret itself: an encryption provider's `secret`, tokens, passwords, `*-key-data`. */
const ALWAYS_SECRET_NAME = /^(secret|token|password|passwd|[a-z-]*key-data)$/i;

/** A value with the password of a URL (`https://user:pass@host`) masked. */
export function maskUrlPassword(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s/]+@/gi, `$1${MASK}@`);
}

/** Whether a value carries a password inside a URL. */
export function hasUrlPassword(value: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:[^@\s/]+@/i.test(value);
}

/** A setting's value as outputs print it. */
export function shown(setting: { value: string; secret?: boolean }): string {
  if (setting.secret) return MASK;
  return maskUrlPassword(setting.value);
}

/**
 * Lines of a config text that carry a secret value, by structure: a private key PEM
 * block, `client-key-data`, `token`, `password`, `secret` fields, flags and variables
 * whose names say so, passwords in URLs. Diffs and snapshots print such lines masked.
 */
export function maskSecretsInText(text: string): string {
  return text
    .replace(/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, `$1\n${MASK}\n$2`)
    .replace(/^([ \t]*(?:-[ \t]+)?["']?([A-Za-z0-9_.-]+)["']?[ \t]*:[ \t]*)(["']?)([^\s"'#][^"'#\n]*?)\3([ \t]*(?:#.*)?)$/gm, (line, head: string, name: string, quote: string, value: string, tail: string) =>
      isSecretSetting(name, value) ? `${head}${quote}${MASK}${quote}${tail}` : line,
    )
    .replace(/(--?([A-Za-z0-9_-]+)=)(\S+)/g, (flag, head: string, name: string, value: string) => (isSecretSetting(name, value) ? `${head}${MASK}` : flag))
    .replace(/^([ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=)(.+)$/gm, (line, head: string, name: string, value: string) => (isSecretSetting(name, value) ? `${head}${MASK}` : line))
    .split('\n')
    .map(maskUrlPassword)
    .join('\n');
}
