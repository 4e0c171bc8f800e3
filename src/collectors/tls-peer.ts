import tls from 'node:tls';

/**
 * The certificate a TLS server presents, as DER (undefined when it cannot be reached).
 * Verification is left to the rules: the handshake accepts any certificate.
 */
export function servedCertificate(url: string, credentials: tls.ConnectionOptions, timeoutMs: number, defaultPort: number): Promise<Buffer | undefined> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({ ...credentials, host, port: Number(target.port || defaultPort), rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const peer = socket.getPeerCertificate(false);
      socket.end();
      resolve(peer?.raw);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on('error', () => resolve(undefined));
  });
}
