import { generateKeyPair, issueCertificate, privateKeyPem, type KeyPair, type KeySpec, type PrivateKeyFormat, type Usage } from '../../src/pki/issue.js';

export const DAY = 86_400_000;

export interface Issued {
  certPem: string;
  key: KeyPair;
  /** The private key in the layout's format (PKCS#1 for RSA, SEC1 for EC, PKCS#8 for Ed25519). */
  keyPem: string;
  keyPemAs(format: PrivateKeyFormat): string;
}

export interface LeafOptions {
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usages?: Usage[];
  spec?: KeySpec;
  /** Reuse a key pair (to plant shared key pairs). */
  key?: KeyPair;
  /** Validity relative to `now`, in days. */
  validFromDays?: number;
  validForDays?: number;
  signatureHash?: 'SHA-1' | 'SHA-256';
  isCA?: boolean;
  omitKeyUsage?: boolean;
  omitBasicConstraints?: boolean;
}

/** Issues certificates with dates relative to a clock, so fixtures never expire in CI. */
export class PkiFactory {
  constructor(
    readonly now: Date = new Date(),
    readonly defaultSpec: KeySpec = { algorithm: 'ec', curve: 'P-256' },
  ) {}

  private dates(options: LeafOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
    const from = this.now.getTime() + (options.validFromDays ?? -1) * DAY;
    return { notBefore: new Date(from), notAfter: new Date(this.now.getTime() + (options.validForDays ?? defaultDays) * DAY) };
  }

  private async finish(certPem: string, key: KeyPair): Promise<Issued> {
    return { certPem, key, keyPem: privateKeyPem(key), keyPemAs: (format) => privateKeyPem(key, format) };
  }

  async ca(commonName: string, options: LeafOptions = {}): Promise<Issued> {
    const key = options.key ?? (await generateKeyPair(options.spec ?? this.defaultSpec));
    const { pem } = await issueCertificate({
      subject: { commonName, organizations: options.organizations ?? [] },
      key,
      ...this.dates(options, 3650),
      isCA: true,
      ...(options.signatureHash ? { signatureHash: options.signatureHash } : {}),
      ...(options.omitKeyUsage ? { omitKeyUsage: true } : {}),
      ...(options.omitBasicConstraints ? { omitBasicConstraints: true } : {}),
    });
    return this.finish(pem, key);
  }

  async leaf(ca: Issued, commonName: string, options: LeafOptions = {}): Promise<Issued> {
    const key = options.key ?? (await generateKeyPair(options.spec ?? this.defaultSpec));
    const { pem } = await issueCertificate({
      subject: { commonName, organizations: options.organizations ?? [] },
      key,
      ...this.dates(options, 365),
      dnsNames: options.dnsNames ?? [],
      ipAddresses: options.ipAddresses ?? [],
      usages: options.usages ?? [],
      isCA: options.isCA ?? false,
      issuer: { certificatePem: ca.certPem, key: ca.key },
      ...(options.signatureHash ? { signatureHash: options.signatureHash } : {}),
      ...(options.omitKeyUsage ? { omitKeyUsage: true } : {}),
      ...(options.omitBasicConstraints ? { omitBasicConstraints: true } : {}),
    });
    return this.finish(pem, key);
  }
}
