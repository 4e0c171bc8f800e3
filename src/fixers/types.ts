import type { Certificate, CniConfig, Component, Manifest, SourceLocation, WeaveNet } from '../model/types.js';

/** A file or folder of a scanned host. */
export interface HostFile {
  host: string;
  hostPath: string;
}

/**
 * What a rule asks the fixer to do for one finding: data only, so rules stay pure.
 * The fix engine turns intents into file changes and plan steps.
 */
export type FixIntent =
  /** Set a flag (adding it where the component's flags are written when absent). */
  | { kind: 'set-flag'; component: Component; flag: string; value: string }
  /** Remove a flag; with `renameTo`, write it under its new name instead. */
  | { kind: 'remove-flag'; component: Component; flag: string; at: SourceLocation; renameTo?: string }
  /** Mode of any file or folder: in the snapshot manifest of a copied tree, on the file itself where modes are read from the file system (ownership.ts). */
  | { kind: 'chmod'; file: HostFile; mode: number }
  /** Owner ("user:group"): in the snapshot manifest of a copied tree, on a live host root as root (ownership.ts). */
  | { kind: 'chown'; file: HostFile; owner: string }
  /** An item added to a comma-separated list setting (admission plugins, authorization modes), the list edited in place (lists.ts). */
  | { kind: 'add-to-list'; component: Component; flag: string; item: string }
  | { kind: 'remove-from-list'; component: Component; flag: string; item: string }
  /** One feature gate, where the component's gates are written (--feature-gates, or a config file's featureGates). */
  | { kind: 'feature-gate'; component: Component; gate: string; value: string }
  /** A flag that names a file kaudit writes (an audit policy, an admission config), with its hostPath mount in a static pod (files.ts). */
  | { kind: 'flag-with-file'; component: Component; flag: string; file: 'audit-policy' | 'audit-log' | 'event-rate-limit' }
  /** A hostPath volume and mount for a file a static pod's flag names (pod/unmounted-file). */
  | { kind: 'mount'; component: Component; hostPath: string }
  | { kind: 'remove-file'; host: string; hostPath: string; at: SourceLocation; reason: string }
  | { kind: 'cni-add-portmap'; config: CniConfig }
  | { kind: 'addon-mode-label'; manifest: Manifest }
  /** Re-issue a certificate from its (or the trusted) CA: same subject, fixed SANs and usages. */
  | {
      kind: 'reissue';
      cert: Certificate;
      addNames?: string[];
      usages?: Array<'serverAuth' | 'clientAuth'>;
      /** A new key pair (for a shared or weak key); RSA keys get at least 2048 bits. */
      newKey?: boolean;
      /** The CA certificates to sign under (by default the certificate's own issuer). */
      signers?: Certificate[];
      /** Set when the validity must end before the CA does. */
      why: string;
    }
  /** Generate an EncryptionConfiguration and wire it into an apiserver. */
  | { kind: 'encryption-config'; apiserver: Component }
  /** Put aescbc with a fresh key first in an encryption config, keeping the rest for reading. */
  | { kind: 'encryption-fresh-key'; config: Manifest; legacy?: boolean; /** The resources entry (dotted path); the one for secrets by default. */ entryPath?: string }
  /** A systemd-networkd drop-in routing a network through an interface. */
  | { kind: 'route-drop-in'; host: string; networkFile: string; destination: string }
  /** pki/shared-ca: a CA for etcd alone, and everything of etcd re-issued under it (once per run). */
  | { kind: 'new-etcd-ca' }
  /** cni/weave-unencrypted: WEAVE_PASSWORD from a Secret (DaemonSet) or a 0600 environment file (unit), and the Secret's creation planned. */
  | { kind: 'weave-password'; weave: WeaveNet }
  /** cni/weave-npc-disabled: the weave-npc container back, EXPECT_NPC=0 and --no-npc gone. */
  | { kind: 'weave-npc'; weave: WeaveNet; networkPolicies: number }
  | { kind: 'plan'; steps: PlanStep[] };

export interface PlanStep {
  /** What the step does, one sentence. */
  title: string;
  /** Commands with the real names, URLs and paths filled in. */
  commands: string[];
}
