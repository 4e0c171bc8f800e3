/**
 * A component's setting as the component resolves it, with where it came from: the last
 * written value (flags after config files after env variables, as collected), else the
 * component's default — or unknown, when a source the component reads was not scanned.
 */
import { KUBELET_COLLECTION_FIELDS, KUBELET_FIELDS } from '../collectors/config-files.js';
import type { Component, Setting } from '../model/types.js';

/**
 * The kubelet's defaults: of its flags when it runs without a config file, and of
 * KubeletConfiguration v1beta1 when it reads one (the secure defaults are the second's).
 * kubernetes/kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go and the flags' help.
 */
export const KUBELET_DEFAULTS: Record<string, { flags: string; config: string }> = {
  'anonymous-auth': { flags: 'true', config: 'false' },
  'authorization-mode': { flags: 'AlwaysAllow', config: 'Webhook' },
  'read-only-port': { flags: '10255', config: '0' },
  'streaming-connection-idle-timeout': { flags: '4h0m0s', config: '4h0m0s' },
  'make-iptables-util-chains': { flags: 'true', config: 'true' },
  'event-qps': { flags: '50', config: '50' },
  'rotate-certificates': { flags: 'false', config: 'false' },
  'pod-max-pids': { flags: '-1', config: '-1' },
  'seccomp-default': { flags: 'false', config: 'false' },
  'client-ca-file': { flags: 'none', config: 'none' },
  'tls-cert-file': { flags: 'self-signed, in --cert-dir', config: 'self-signed, in --cert-dir' },
  'tls-private-key-file': { flags: 'self-signed, in --cert-dir', config: 'self-signed, in --cert-dir' },
  'tls-cipher-suites': { flags: "Go's defaults", config: "Go's defaults" },
  'hostname-override': { flags: 'the host name', config: 'the host name' },
};

const KUBELET_FIELD_OF_FLAG = new Map(Object.entries({ ...KUBELET_FIELDS, ...KUBELET_COLLECTION_FIELDS }).map(([field, flag]) => [flag, field]));

/** The KubeletConfiguration field of a kubelet flag, when it has one. */
export function kubeletFieldOf(flag: string): string | undefined {
  return KUBELET_FIELD_OF_FLAG.get(flag);
}

export interface Resolved {
  /** The setting in force, when one is written somewhere. */
  written?: Setting;
  /** What the component runs with when nothing is written, and which default it is ("KubeletConfiguration default"). */
  fallback?: { value: string; whose: string };
  /** Why the value cannot be known (a source the component reads is not in the scan). */
  unknown?: { why: string; supply: string };
}

/** Whether the component's flags are known at all (a node or member seen only through an API is not). */
export function flagsUnknown(component: Component): Resolved['unknown'] {
  if (component.source !== 'live') return undefined;
  return {
    why: `only the version of ${component.kind} on ${component.host} is known (through ${component.definedAt.file})`,
    supply: `a scan of ${component.host} itself (kaudit scan /, or a kaudit collect snapshot)`,
  };
}

/** A config file the component reads that the scan could not read: settings it may hold are unknown. */
function unreadConfig(component: Component): Resolved['unknown'] {
  const unread = component.configSources?.find((s) => s.state !== 'read');
  if (!unread) return undefined;
  const why = unread.state === 'missing' ? `--${unread.setting} names ${unread.hostPath}, which is not in the scanned files` : `--${unread.setting} names ${unread.hostPath}, which could not be read as a config file`;
  return { why, supply: `a copy of ${unread.hostPath} from ${component.host} (kaudit collect copies it)` };
}

/** A setting the component's starter generates when it starts it (etcd-manager's etcd certificates): only its process shows it. */
function generatedUnseen(component: Component, name: string): Resolved['unknown'] {
  if (!component.unknownSettings?.includes(name)) return undefined;
  return {
    why: `--${name} of ${component.kind} on ${component.host} is generated when ${component.image?.includes('etcd-manager') ? 'etcd-manager' : 'its distribution'} starts it; no file of the host holds it`,
    supply: 'a snapshot of the running process (kaudit collect on the node, or proc/<pid>/cmdline and proc/<pid>/environ)',
  };
}

/** Whether the kubelet reads a config file: its defaults are then KubeletConfiguration's. */
export function kubeletReadsConfig(component: Component): boolean {
  return component.configSources?.some((s) => s.setting === 'config' && s.state === 'read') ?? false;
}

/** The last written setting of that name; with `flagOnly`, only a command-line flag counts. */
function lastWritten(component: Component, name: string, flagOnly: boolean): Setting | undefined {
  for (let i = component.settings.length - 1; i >= 0; i--) {
    const s = component.settings[i];
    if (s.name === name && (!flagOnly || s.origin === 'flag')) return s;
  }
  return undefined;
}

export function resolveSetting(component: Component, name: string, options: { flagOnly?: boolean; default?: string } = {}): Resolved {
  const live = flagsUnknown(component);
  if (live) return { unknown: live };
  const written = lastWritten(component, name, options.flagOnly ?? false);
  if (written) return { written };
  const generated = generatedUnseen(component, name);
  if (generated) return { unknown: generated };
  if (!options.flagOnly) {
    const unread = unreadConfig(component);
    if (unread) return { unknown: unread };
  }
  if (component.kind === 'kubelet') {
    const defaults = KUBELET_DEFAULTS[name];
    if (!defaults) return {};
    return kubeletReadsConfig(component)
      ? { fallback: { value: defaults.config, whose: 'KubeletConfiguration default' } }
      : { fallback: { value: defaults.flags, whose: 'flag default, no config file' } };
  }
  return options.default !== undefined ? { fallback: { value: options.default, whose: 'default' } } : {};
}

/**
 * One feature gate of a component: gates merge key by key across --feature-gates and a
 * config file's featureGates, the flag winning (kubelet: kubeletConfigFlagPrecedence).
 * The setting returned is the one that sets this gate.
 */
export function resolveGate(component: Component, gate: string, defaultValue: string): Resolved & { value?: string } {
  const live = flagsUnknown(component);
  if (live) return { unknown: live };
  let found: { setting: Setting; value: string } | undefined;
  for (const s of component.settings) {
    if (s.name !== 'feature-gates') continue;
    for (const pair of s.value.split(',')) {
      const [key, value] = pair.split('=').map((part) => part.trim());
      if (key === gate && value !== undefined) found = { setting: s, value };
    }
  }
  if (found) return { written: found.setting, value: found.value };
  const unread = unreadConfig(component);
  if (unread) return { unknown: unread };
  return { fallback: { value: defaultValue, whose: 'default' } };
}

/** How a written setting reads in a message: `--profiling=false`, `ETCD_CLIENT_CERT_AUTH=true`, `readOnlyPort: 0 in /var/lib/kubelet/config.yaml`. */
export function describeSetting(s: Setting, shownValue: string): string {
  if (s.origin === 'env') return `${s.sourceKey ?? s.name}=${shownValue}`;
  if (s.origin === 'config-file') return `${s.sourceKey ?? s.name}: ${shownValue} in ${s.at.file}`;
  if (s.origin === 'distribution-default') return `--${s.name}=${shownValue} (distribution default${s.sourceKey ? `, ${s.sourceKey}` : ''})`;
  return `--${s.name}=${shownValue}`;
}
