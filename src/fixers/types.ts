import type { Certificate, CniConfig, Component, KeyFile, Manifest, SourceLocation, WeaveNet } from '../model/types.js';

/**
 * What a rule asks the fixer to do for one finding: data only, so rules stay pure.
 * The fix engine turns intents into file changes and plan steps.
 */
export type FixIntent =
  /** Set a flag (adding it where the component's flags are written when absent). */
  | { kind: 'set-flag'; component: Component; flag: string; value: string }
  /** Remove a flag; with `renameTo`, write it under its new name instead. */
  | { kind: 'remove-flag'; component: Component; flag: string; at: SourceLocation; renameTo?: string }
  | { kind: 'chmod'; key: KeyFile; mode: number }
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
