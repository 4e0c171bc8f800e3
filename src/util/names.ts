/**
 * Names from a scanned tree made safe to use as folder names and in reports: a host
 * name read from etc/hostname may hold anything (`../../etc`, an escape sequence).
 */

/** A host name's longest legal form (RFC 1123). */
const MAX_HOST_NAME = 253;

/**
 * A host name as kaudit uses it: letters, digits, `.`, `-` and `_` only, never `.` or
 * `..` alone, at most 253 characters. Anything else becomes `_`.
 */
export function sanitizeHostName(raw: string): string {
  const cleaned = raw.trim().slice(0, MAX_HOST_NAME).replace(/[^A-Za-z0-9._-]/g, '_');
  if (cleaned === '' || /^\.+$/.test(cleaned)) return cleaned.replace(/\./g, '_') || '_';
  return cleaned;
}

/**
 * A host path (`/etc/kubernetes/admin.conf`) as path parts that stay inside any folder
 * they are joined to; undefined when the path has a part that cannot be written safely
 * (`..`, a NUL or another control character).
 */
export function safePathParts(hostPath: string): string[] | undefined {
  const parts = hostPath.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return undefined;
  if (parts.some((part) => part === '..' || /[\u0000-\u001f\u007f]/.test(part))) return undefined;
  return parts;
}
