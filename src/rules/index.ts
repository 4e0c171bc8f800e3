import type { Rule } from './rule.js';
import apiserverMasterCount from './apiserver/master-count-reconciler.js';
import apiserverNoEncryption from './apiserver/no-encryption-at-rest.js';
import encryptionNoAescbc from './encryption/no-aescbc-provider.js';
import encryptionWeakKey from './encryption/weak-key.js';
import encryptionLegacy from './encryption/legacy-config.js';
import authAnonymous from './auth/anonymous-auth.js';
import authStatic from './auth/static-credentials.js';
import authInsecureAuthz from './auth/insecure-authorization.js';
import authNoUserAuthn from './auth/no-user-authn.js';
import bootstrapTls from './bootstrap/tls-bootstrap.js';
import bootstrapLongLivedToken from './bootstrap/long-lived-token.js';
import addonsModeLabel from './addons/missing-mode-label.js';
import schedulerUnknown from './scheduler/unknown-scheduler.js';
import cniWeave from './cni/leftover-weave-conf.js';
import cniShadowed from './cni/shadowed-config.js';
import cniInvalid from './cni/invalid-config.js';
import cniPortmap from './cni/no-portmap.js';
import cniWeaveUnencrypted from './cni/weave-unencrypted.js';
import cniWeaveNpc from './cni/weave-npc-disabled.js';
import networkServiceRoute from './network/missing-service-route.js';
import networkCidr from './network/cidr-conflict.js';
import upgradeSkew from './upgrade/version-skew.js';
import upgradeRemovedFlag from './upgrade/removed-flag.js';
import componentRestartPending from './component/restart-pending.js';
import etcdEven from './etcd/even-members.js';
import etcdNoFaultTolerance from './etcd/no-fault-tolerance.js';
import etcdInconsistent from './etcd/inconsistent-membership.js';
import etcdPlaintext from './etcd/plaintext-urls.js';
import etcdNoClientCertAuth from './etcd/no-client-cert-auth.js';
import etcdWeakToken from './etcd/weak-cluster-token.js';
import etcdSingleEndpoint from './etcd/single-endpoint.js';
import etcdUnhealthy from './etcd/unhealthy-member.js';
import rbacClusterAdmin from './rbac/cluster-admin-binding.js';
import rbacSecretAccess from './rbac/secret-access.js';
import rbacWildcard from './rbac/wildcard-rule.js';
import rbacPodCreate from './rbac/pod-create-access.js';
import rbacDefaultSa from './rbac/default-service-account-token.js';
import rbacAutomount from './rbac/automounted-token.js';
import podPrivileged from './pod/privileged-container.js';
import podHostPid from './pod/host-pid.js';
import podHostIpc from './pod/host-ipc.js';
import podHostNetwork from './pod/host-network.js';
import podEscalation from './pod/privilege-escalation.js';
import encryptionStalePlaintext from './encryption/stale-plaintext.js';
import sourceUnreadable from './source/unreadable.js';
import podUnmountedFile from './pod/unmounted-file.js';
import caOutlived from './pki/ca-outlived.js';
import certExpired from './pki/cert-expired.js';
import certExpiring from './pki/cert-expiring.js';
import keyMismatch from './pki/key-mismatch.js';
import keyPermissions from './pki/key-permissions.js';
import missingFile from './pki/missing-file.js';
import missingSan from './pki/missing-san.js';
import sharedCa from './pki/shared-ca.js';
import sharedKeypair from './pki/shared-keypair.js';
import untrustedChain from './pki/untrusted-chain.js';
import weakKey from './pki/weak-key.js';
import wrongUsage from './pki/wrong-usage.js';
import { BENCHMARK_RULES } from '../compliance/rules.js';

/** Every rule, in the order of ../shared/spec/rules.md. */
export const RULES: readonly Rule[] = [
  certExpired,
  certExpiring,
  sharedKeypair,
  sharedCa,
  untrustedChain,
  keyMismatch,
  missingSan,
  wrongUsage,
  weakKey,
  caOutlived,
  missingFile,
  keyPermissions,
  etcdEven,
  etcdNoFaultTolerance,
  etcdInconsistent,
  etcdPlaintext,
  etcdNoClientCertAuth,
  etcdWeakToken,
  etcdSingleEndpoint,
  etcdUnhealthy,
  apiserverMasterCount,
  apiserverNoEncryption,
  encryptionNoAescbc,
  encryptionWeakKey,
  encryptionLegacy,
  encryptionStalePlaintext,
  authAnonymous,
  authStatic,
  authInsecureAuthz,
  authNoUserAuthn,
  bootstrapTls,
  bootstrapLongLivedToken,
  addonsModeLabel,
  schedulerUnknown,
  cniWeave,
  cniShadowed,
  cniInvalid,
  cniPortmap,
  cniWeaveUnencrypted,
  cniWeaveNpc,
  networkServiceRoute,
  networkCidr,
  upgradeSkew,
  upgradeRemovedFlag,
  rbacClusterAdmin,
  rbacSecretAccess,
  rbacWildcard,
  rbacPodCreate,
  rbacDefaultSa,
  rbacAutomount,
  podPrivileged,
  podHostPid,
  podHostIpc,
  podHostNetwork,
  podEscalation,
  componentRestartPending,
  sourceUnreadable,
  podUnmountedFile,
  // CIS controls no rule above judges: run only when a benchmark is asked for.
  ...BENCHMARK_RULES,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}

/** Rules matching a pattern: an exact ID, or a category with `/*` (`pki/*`). */
export function rulesMatching(pattern: string): Rule[] {
  return RULES.filter((rule) => ruleMatchesPattern(rule.id, pattern));
}

/** Whether a rule ID is named by a pattern: the ID itself, or its category (`pki/*`). */
export function ruleMatchesPattern(ruleId: string, pattern: string): boolean {
  return pattern.endsWith('/*') ? ruleId.startsWith(pattern.slice(0, -1)) : ruleId === pattern;
}

/** The documentation page of a rule, relative to the package root. */
export function docPath(rule: Rule): string {
  return `rules-docs/${rule.id}.md`;
}

export const HELP_BASE_URL = 'https://github.com/kaudit/kaudit/blob/main/';
