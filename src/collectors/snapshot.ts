import type { ComponentKind } from '../model/types.js';

/** Written by `kaudit collect` (and by hand for fixtures): facts a copied tree loses, such as file modes. */
export const SNAPSHOT_MANIFEST = '.kaudit-snapshot.json';

/** What a snapshot manifest records: file modes, and component versions (`kubelet --version`). */
export interface Snapshot {
  /** Files where `kaudit collect` replaced private keys by their public halves. */
  publicHalves?: Set<string>;
  modes?: Map<string, number>;
  /** "user:group" by host path, as `kaudit collect` named them through the host's own passwd and group files. */
  owners?: Map<string, string>;
  versions: Partial<Record<ComponentKind, string>>;
  /** The versions as written, for the names that are not components (`k3s: v1.31.4+k3s1`). */
  rawVersions?: Record<string, string>;
}

