import type { Cluster } from '../../model/cluster.js';
import type { Component, FileReference, Manifest } from '../../model/types.js';
import { asRecord, asString } from '../../collectors/yaml-source.js';

export const ENCRYPTION_FLAGS = ['encryption-provider-config', 'experimental-encryption-provider-config'] as const;
export const ENCRYPTION_KINDS = new Set(['EncryptionConfiguration', 'EncryptionConfig']);

export interface EncryptionSetup {
  ref: FileReference;
  /** The parsed config, when the file exists and is one. */
  config?: Manifest;
}

/** The encryption config an apiserver's flag names, and the file it names, when there is one. */
export function encryptionOf(cluster: Cluster, apiserver: Component): EncryptionSetup | undefined {
  for (const flag of ENCRYPTION_FLAGS) {
    const ref = cluster.referenceOf(apiserver, flag);
    if (!ref) continue;
    const config = cluster.manifestsAt(ref.host, ref.hostPath).find((m) => ENCRYPTION_KINDS.has(m.kind ?? ''));
    return config ? { ref, config } : { ref };
  }
  return undefined;
}

/** Every encryption config the scan holds: those flags name, and loose ones in manifest folders. */
export function encryptionConfigs(cluster: Cluster): Manifest[] {
  return cluster.manifests.filter((m) => ENCRYPTION_KINDS.has(m.kind ?? ''));
}

export interface ProviderKey {
  provider: string;
  name: string;
  secret: string;
  /** Dotted path of the key entry, for its line. */
  path: string;
  /** The key new data is written with: the first key of an entry's first provider. */
  writes: boolean;
}

export interface ResourceEntry {
  resources: string[];
  providers: Array<{ type: string; path: string }>;
  path: string;
}

export function resourceEntries(config: Manifest): ResourceEntry[] {
  const data = (asRecord(config.data) ?? {}) as { resources?: unknown };
  if (!Array.isArray(data.resources)) return [];
  return data.resources.map((entry, i) => {
    const e = (asRecord(entry) ?? {}) as { resources?: unknown; providers?: unknown };
    const providers = Array.isArray(e.providers) ? e.providers : [];
    return {
      resources: Array.isArray(e.resources) ? e.resources.map(String) : [],
      providers: providers.map((p, j) => ({ type: Object.keys(asRecord(p) ?? {})[0] ?? '', path: `resources.${i}.providers.${j}` })),
      path: `resources.${i}`,
    };
  });
}

/** The entry the apiserver uses for Secrets: the first that names them, or a wildcard. */
export function secretsEntry(config: Manifest): ResourceEntry | undefined {
  return resourceEntries(config).find((e) => e.resources.some((r) => r === 'secrets' || r === 'secrets.' || r === '*.' || r === '*.*'));
}

export function providerKeys(config: Manifest): ProviderKey[] {
  const keys: ProviderKey[] = [];
  const data = (asRecord(config.data) ?? {}) as { resources?: unknown };
  (Array.isArray(data.resources) ? data.resources : []).forEach((entry, i) => {
    const providers = asRecord(entry)?.providers;
    (Array.isArray(providers) ? providers : []).forEach((provider, j) => {
      for (const [type, body] of Object.entries(asRecord(provider) ?? {})) {
        const list = asRecord(body)?.keys;
        (Array.isArray(list) ? list : []).forEach((key, k) => {
          const { name, secret } = (asRecord(key) ?? {}) as { name?: unknown; secret?: unknown };
          keys.push({ provider: type, name: asString(name) ?? `#${k}`, secret: asString(secret) ?? '', path: `resources.${i}.providers.${j}.${type}.keys.${k}`, writes: j === 0 && k === 0 });
        });
      }
    });
  });
  return keys;
}
