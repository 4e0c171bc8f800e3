/**
 * Why a live source could not be read, in the words an operator would use, instead of the
 * library's error text ("FetchError: request to … failed, reason: self-signed certificate
 * in certificate chain"). A failed TLS handshake or a refused credential stops the whole
 * source: one finding says so once.
 */

/** What the client presented: the words depend on it. */
export type Credential = 'client-certificate' | 'token' | 'none';

export interface PlainError {
  /** Every further request would fail alike (credentials refused, TLS, unreachable). */
  fatal: boolean;
  message: string;
}

/** TLS verification codes of Node (OpenSSL's X509_V_ERR_* names) meaning "not signed by a CA we trust". */
const UNTRUSTED_SERVER = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The server ended the handshake because of our certificate (TLS alerts as Node names them). */
const CLIENT_CERT_REFUSED = /ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)|alert (bad certificate|unknown ca|certificate required)/i;

function codeOf(error: unknown): string | number | undefined {
  const e = error as { code?: string | number; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
}

function textOf(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } };
  return `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
}

/**
 * The plain reason of a failed request to a TLS source. `server` names it ("the API
 * server", "etcd"); `credential` is what kaudit presented.
 */
export function plainError(error: unknown, server: string, credential: Credential): PlainError {
  const code = codeOf(error);
  const text = textOf(error);
  if (code === 401) {
    const message =
      credential === 'client-certificate'
        ? `${server} does not trust the client certificate (401 Unauthorized): it is not signed by a CA the server trusts (--client-ca-file), or it has expired`
        : credential === 'token'
          ? `${server} refused the bearer token (401 Unauthorized): it is unknown, revoked or expired`
          : `${server} requires credentials (401 Unauthorized) and the kubeconfig gives none`;
    return { fatal: true, message };
  }
  if (code === 403) return { fatal: false, message: '403 Forbidden: the credentials may not read it' };
  if (typeof code === 'number') return { fatal: false, message: `HTTP ${code}` };
  if (typeof code === 'string' && UNTRUSTED_SERVER.has(code)) {
    return { fatal: true, message: `kaudit does not trust the certificate ${server} presents: it is not signed by the certificate authority kaudit was given (${code})` };
  }
  if (code === 'CERT_HAS_EXPIRED') return { fatal: true, message: `the certificate ${server} presents has expired` };
  if (code === 'CERT_NOT_YET_VALID') return { fatal: true, message: `the certificate ${server} presents is not valid yet` };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { fatal: true, message: `the certificate ${server} presents does not name the address kaudit connects to` };
  if (CLIENT_CERT_REFUSED.test(String(code)) || CLIENT_CERT_REFUSED.test(text)) {
    return { fatal: true, message: `${server} does not trust the client certificate: it ended the TLS handshake (the certificate is not signed by a CA the server trusts, or it has expired)` };
  }
  if (code === 'ECONNRESET' || code === 'EPROTO') return { fatal: true, message: `${server} closed the connection during the TLS handshake (it may not trust the client certificate, or it does not speak TLS there)` };
  if (code === 'ECONNREFUSED') return { fatal: true, message: `nothing answers at ${server}'s address (connection refused)` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { fatal: true, message: `${server}'s host name does not resolve` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') return { fatal: true, message: `${server} cannot be reached (${code})` };
  const first = (error as Error)?.message?.split('\n')[0] ?? String(error);
  return { fatal: /socket hang up|certificate|handshake/i.test(first), message: first.replace(/^request to \S+ failed, reason: /, '') };
}
