/**
 * Flags that name a file (CIS 1.2.9, 1.2.16, 3.2.1): the file comes with the flag, and in
 * a static pod the hostPath volume and mount that let the component see it, or the
 * component does not start. A file the operator already has is used (and mounted when it
 * is not), extended where that is safe (EventRateLimit added to an AdmissionConfiguration),
 * never overwritten: what kaudit cannot judge becomes a plan step.
 */
import path from 'node:path/posix';
import type { ChangeSet } from './changeset.js';
import { addMount, appendItem, volumeNameFor } from './mounts.js';
import { changedBy, writeSetting } from './setting-writer.js';
import { hostPathInPod } from '../collectors/static-pod.js';
import { setting } from '../model/cluster.js';
import type { Component, Manifest } from '../model/types.js';

type WrittenFile = 'audit-policy' | 'audit-log' | 'event-rate-limit';

/** What CIS 3.2.2 asks an audit policy to cover, at levels that never record a Secret's value. */
const AUDIT_POLICY = `# Written by kaudit fix (CIS 3.2.1, 3.2.2): review it against what your cluster must record.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  # Health checks and the version endpoint: no events.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  # Events are frequent and carry nothing to audit.
  - level: None
    resources:
      - group: ""
        resources: ["events"]
  # Secrets, ConfigMaps and token reviews carry credentials: who and when, never the body.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  # Who reached into which pod or node.
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "services/proxy", "nodes/proxy"]
  # Changes to who may do what, and to what runs: with the request.
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: rbac.authorization.k8s.io
      - group: ""
        resources: ["pods", "serviceaccounts", "namespaces", "nodes"]
      - group: apps
      - group: batch
      - group: admissionregistration.k8s.io
      - group: certificates.k8s.io
  # Everything else: who did what.
  - level: Metadata
`;

/** EventRateLimit's limits (kubernetes plugin/pkg/admission/eventratelimit): the whole server, and each namespace. */
const EVENT_RATE_LIMIT_LINES = [
  'apiVersion: eventratelimit.admission.k8s.io/v1alpha1',
  'kind: Configuration',
  'limits:',
  '  - type: Server',
  '    qps: 5000',
  '    burst: 20000',
  '  - type: Namespace',
  '    qps: 50',
  '    burst: 100',
  '    cacheSize: 2000',
];

const ADMISSION_CONFIG = [
  '# Written by kaudit fix (CIS 1.2.9): the configuration of the EventRateLimit admission plugin.',
  'apiVersion: apiserver.config.k8s.io/v1',
  'kind: AdmissionConfiguration',
  'plugins:',
  '  - name: EventRateLimit',
  '    configuration:',
  ...EVENT_RATE_LIMIT_LINES.map((line) => `      ${line}`),
  '',
].join('\n');

interface FileSpec {
  flag: string;
  /** Where kaudit puts it when the flag names none: a folder of its own, mounted whole. */
  defaultPath: string;
  /** Content of a new file (none for a log the component writes itself). */
  content?: string;
  /** The component writes into the folder (a log). */
  writable?: boolean;
  /** Whether an existing file is what the flag needs. */
  accepts?: (manifest: Manifest | undefined) => boolean;
  what: string;
  effect: string;
}

const SPECS: Record<WrittenFile, FileSpec> = {
  'audit-policy': {
    flag: 'audit-policy-file',
    defaultPath: '/etc/kubernetes/audit/policy.yaml',
    content: AUDIT_POLICY,
    accepts: (m) => m?.kind === 'Policy' && (m.apiVersion ?? '').startsWith('audit.k8s.io/'),
    what: 'an audit.k8s.io Policy',
    effect: 'the apiserver records audit events by this policy: metadata of Secrets, ConfigMaps and token reviews, request bodies of changes to RBAC and workloads; events go to --audit-log-path (or a webhook), nowhere without one',
  },
  'audit-log': {
    flag: 'audit-log-path',
    defaultPath: '/var/log/kubernetes/audit/audit.log',
    writable: true,
    what: 'a folder for the audit log',
    effect: 'the apiserver writes its audit log in this folder: plan for --audit-log-maxsize × (--audit-log-maxbackup + 1) MB of disk',
  },
  'event-rate-limit': {
    flag: 'admission-control-config-file',
    defaultPath: '/etc/kubernetes/admission/admission-config.yaml',
    content: ADMISSION_CONFIG,
    accepts: (m) => m?.kind === 'AdmissionConfiguration',
    what: 'an AdmissionConfiguration',
    effect: 'the apiserver reads the EventRateLimit limits from this file (a file it cannot read, or a plugin enabled without its configuration, stops it from starting)',
  },
};

function plan(cs: ChangeSet, component: Component, title: string, ruleId: string, ...commands: string[]): void {
  cs.addPlan({ title: `${title} (${component.kind} on ${component.host})`, commands }, ruleId);
}

/** Adds EventRateLimit with its limits to an AdmissionConfiguration that lacks it. */
function addEventRateLimit(cs: ChangeSet, manifest: Manifest, ruleId: string): boolean {
  const plugins = (manifest.data as { plugins?: Array<{ name?: string }> } | undefined)?.plugins;
  if (Array.isArray(plugins) && plugins.some((p) => p?.name === 'EventRateLimit')) return true;
  const ref = cs.ref(manifest.host, manifest.hostPath);
  const text = cs.text(ref);
  const edit = text === undefined ? undefined : appendItem(text, [], 'plugins', (i) => [`${i}- name: EventRateLimit`, `${i}  configuration:`, ...EVENT_RATE_LIMIT_LINES.map((line) => `${i}    ${line}`)].join('\n'));
  return !!edit && cs.edit(ref, edit, ruleId);
}

/** The file exists: used as it is when it is what the flag needs, extended or planned otherwise. */
function useExisting(cs: ChangeSet, component: Component, kind: WrittenFile, hostPath: string, ruleId: string): boolean {
  const spec = SPECS[kind];
  const manifest = cs.cluster.manifests.find((m) => m.host === component.host && m.hostPath === hostPath);
  if (!spec.accepts || spec.accepts(manifest)) {
    if (kind === 'event-rate-limit' && manifest && !addEventRateLimit(cs, manifest, ruleId)) {
      plan(cs, component, `Add the EventRateLimit plugin and its limits to ${hostPath}`, ruleId);
    }
    return true;
  }
  plan(cs, component, `${hostPath} is not ${spec.what}: make it one (kaudit does not overwrite it), or point --${spec.flag} at a file that is`, ruleId, `# --${spec.flag}=${hostPath}`);
  return false;
}

/**
 * A flag that names a file, with the file and (static pod) its mount. Where the flag names a
 * file already, that file is used (mounted when no mount covers it; a plan step when it is
 * missing or not what the flag needs); otherwise kaudit's own path is set.
 */
export function flagWithFile(cs: ChangeSet, component: Component, kind: WrittenFile, ruleId: string): void {
  const spec = SPECS[kind];
  if (!cs.once(`file\u0000${component.host}\u0000${component.definedAt.file}\u0000${kind}`)) return;
  if (component.definedAt.root < 0) {
    plan(cs, component, `On ${component.host}: write ${spec.what} at ${spec.defaultPath}, set --${spec.flag} to it and, in a static pod, mount its folder (seen through ${component.definedAt.file}; kaudit fix on a scan of the node writes all of it)`, ruleId, `# on ${component.host}`);
    return;
  }
  const written = setting(component, spec.flag)?.value;
  const own = !written;
  // The path the component reads (in a static pod, its container's path) and where that is on the host.
  const seenAt = own ? spec.defaultPath : path.resolve('/', written);
  const inPod = component.source === 'static-pod';
  const mapped = inPod ? hostPathInPod(component.mounts, seenAt) : seenAt;
  const hostPath = mapped ?? seenAt;
  const exists = spec.content !== undefined && cs.fsOf(component.host).exists(hostPath);
  if (exists && !useExisting(cs, component, kind, hostPath, ruleId)) return;
  if (!own && !exists && spec.content !== undefined) {
    // The operator's file is gone: what it held (other plugins' configuration) is not kaudit's to invent.
    plan(cs, component, `Restore ${hostPath}, which --${spec.flag} names (it is missing), or point the flag at ${spec.what}`, ruleId, `ls -l ${hostPath}`);
    return;
  }
  const refs = changedBy(cs, () => {
    if (own && !writeSetting(cs, component, spec.flag, seenAt, ruleId)) {
      plan(cs, component, `Set --${spec.flag}=${seenAt}`, ruleId);
      return;
    }
    if (mapped !== undefined) return;
    // kaudit's own file sits in a folder of its own, mounted whole (a log's folder too); an operator's file is mounted alone.
    const folder = own || spec.writable;
    const mount = folder ? { hostPath: path.dirname(seenAt), type: 'DirectoryOrCreate' as const } : { hostPath: seenAt, type: 'File' as const };
    addMount(cs, component, { ...mount, name: volumeNameFor(mount.hostPath), ...(spec.writable ? { writable: true } : {}) }, ruleId);
  });
  if (own && !exists && spec.content !== undefined) {
    const ref = cs.ref(component.host, hostPath);
    cs.create(ref, spec.content, 0o600, false, ruleId);
    cs.sideEffect(ref, spec.effect);
  }
  for (const ref of refs) cs.sideEffect(ref, spec.effect);
}
