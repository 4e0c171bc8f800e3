import type { Rule } from './rule.js';
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
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}

/** Rules matching a pattern: an exact ID, or a category with `/*` (`pki/*`). */
export function rulesMatching(pattern: string): Rule[] {
  if (pattern.endsWith('/*')) return RULES.filter((rule) => rule.id.startsWith(pattern.slice(0, -1)));
  return RULES.filter((rule) => rule.id === pattern);
}

/** The documentation page of a rule, relative to the package root. */
export function docPath(rule: Rule): string {
  return `rules-docs/${rule.id}.md`;
}

export const HELP_BASE_URL = 'https://github.com/kaudit/kaudit/blob/main/';
