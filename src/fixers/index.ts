/**
 * The fix engine: gathers the fix intents of the findings, turns them into one merged
 * set of file changes and plan steps. Nothing is written here (see writer.ts).
 */
import path from 'node:path/posix';
import { ChangeSet } from './changeset.js';
import { applyReissue, prepareReissue } from './certs.js';
import { newEtcdCa } from './etcd-ca.js';
import { applyContinuationRemovals, removeFlag, setFlag } from './flags.js';
import { enableSecretsEncryption, removeDistributionFlag } from './distribution-args.js';
import { lineRange, lineStarts } from './text.js';
import type { FixIntent } from './types.js';
import { setYamlPath, yamlValueRange } from './yaml-edit.js';
import { weaveNpc, weavePassword } from './weave.js';
import { planLiveEncryption, planLiveSetting } from './live.js';
import { anonymousAuthOff } from './anonymous.js';
import { flagWithFile } from './files.js';
import { applyListEdits, isListSetting, queueListEdit, setFeatureGate } from './lists.js';
import { mountFile } from './mounts.js';
import { fixMode, fixOwner } from './ownership.js';
import { writeSettingWithEffects } from './setting-writer.js';
import { setting, type Cluster } from '../model/cluster.js';
import type { Finding } from '../model/finding.js';
import type { CniConfig, Component, Manifest } from '../model/types.js';
import { resourceEntries, secretsEntry } from '../rules/lib/encryption.js';

export interface FixOptions {
  now: Date;
  /** Called after each fix is worked out (certificates take a moment each). */
  onProgress?: (done: number, total: number) => void;
}

function keyName(now: Date): string {
  return `key-${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

const REENCRYPT: { title: string; commands: string[] } = {
  title: 'Restart every kube-apiserver, then re-encrypt the existing Secrets with the new key',
  commands: ['kubectl get secrets --all-namespaces -o json | kubectl replace -f -'],
};

/** A single-plugin .conf cannot chain: it becomes a .conflist of its plugin and portmap (the .conf kept in the backup). */
function conflistFromConf(cs: ChangeSet, config: CniConfig, ruleId: string): void {
  const { cniVersion, name, ...plugin } = config.data as Record<string, unknown>;
  const list = { cniVersion, name, plugins: [plugin, { type: 'portmap', capabilities: { portMappings: true }, snat: true }] };
  const target = config.hostPath.replace(/\.(conf|json)$/, '.conflist');
  cs.create(cs.ref(config.host, target), `${JSON.stringify(list, null, 4)}\n`, 0o644, false, ruleId);
  cs.remove(cs.ref(config.host, config.hostPath), `replaced by ${path.basename(target)} (with portmap)`, ruleId);
}

/** Inserts a JSON object into the `plugins` array of a conflist, after its last plugin, in its layout. */
function addPortmap(cs: ChangeSet, config: CniConfig, ruleId: string): void {
  const ref = cs.ref(config.host, config.hostPath);
  const text = cs.text(ref);
  const key = text?.indexOf('"plugins"') ?? -1;
  if (text === undefined) return;
  if (key < 0) {
    conflistFromConf(cs, config, ruleId);
    return;
  }
  let depth = 0;
  let inString = false;
  let close = -1;
  for (let i = text.indexOf('[', key); i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  if (close < 0) return;
  const lastBrace = text.lastIndexOf('}', close);
  const lineStart = text.lastIndexOf('\n', lastBrace) + 1;
  const indent = /^\s*/.exec(text.slice(lineStart, lastBrace))![0];
  const multiline = text.slice(text.indexOf('[', key), close).includes('\n');
  const plugin = multiline
    ? `,\n${indent}{\n${indent}    "type": "portmap",\n${indent}    "capabilities": {"portMappings": true},\n${indent}    "snat": true\n${indent}}`
    : `,{"type":"portmap","capabilities":{"portMappings":true},"snat":true}`;
  cs.edit(ref, { start: lastBrace + 1, end: lastBrace + 1, text: plugin }, ruleId);
}

function addModeLabel(cs: ChangeSet, manifest: Manifest, ruleId: string): void {
  const ref = cs.ref(manifest.host, manifest.hostPath);
  const text = cs.text(ref);
  if (text === undefined) return;
  const edit = setYamlPath(text, ['metadata', 'labels', 'addonmanager.kubernetes.io/mode'], 'Reconcile', manifest.at.line);
  if (edit) cs.edit(ref, edit, ruleId);
  else cs.skipped.push({ file: ref.file, message: 'cannot place the addonmanager.kubernetes.io/mode label' });
}

/** Where a new encryption config goes: beside the apiserver's other files. */
function encryptionConfigPath(apiserver: Component): string {
  if (apiserver.source === 'static-pod') return '/etc/kubernetes/enc/encryption-config.yaml';
  const clientCa = setting(apiserver, 'client-ca-file')?.value;
  return clientCa ? path.join(path.dirname(clientCa), 'encryption-config.yaml') : '/var/lib/kubernetes/encryption-config.yaml';
}

function encryptionConfigText(secret: string, now: Date): string {
  return [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources:',
    '      - secrets',
    '    providers:',
    '      - aescbc:',
    '          keys:',
    `            - name: ${keyName(now)}`,
    `              secret: ${secret}`,
    '      - identity: {}',
    '',
  ].join('\n');
}

/** Adds a hostPath volume and its mount to a static pod (both lists keep their layout). */
function mountIntoPod(cs: ChangeSet, apiserver: Component, hostDir: string, name: string, ruleId: string): void {
  const ref = cs.refAt(apiserver.definedAt);
  const text = cs.text(ref);
  if (text === undefined) return;
  const insertAfterLastItem = (listPath: Array<string | number>, item: (indent: string) => string) => {
    const range = yamlValueRange(text, listPath);
    if (!range) return false;
    const starts = lineStarts(text);
    const firstLine = text.slice(0, range.start).split('\n').length;
    const lastLine = text.slice(0, Math.max(range.start, range.end - 1)).split('\n').length;
    const indent = /^(\s*)-/.exec(text.slice(starts[firstLine - 1], lineRange(text, firstLine, starts).end))?.[1] ?? '  ';
    const { end } = lineRange(text, lastLine, starts);
    return cs.edit(ref, { start: end, end, text: `\n${item(indent)}` }, ruleId);
  };
  insertAfterLastItem(['spec', 'containers', 0, 'volumeMounts'], (i) => `${i}- mountPath: ${hostDir}\n${i}  name: ${name}\n${i}  readOnly: true`);
  insertAfterLastItem(['spec', 'volumes'], (i) => `${i}- hostPath:\n${i}    path: ${hostDir}\n${i}    type: DirectoryOrCreate\n${i}  name: ${name}`);
}

function generateEncryption(cs: ChangeSet, apiserver: Component, ruleId: string, now: Date): void {
  const hostPath = encryptionConfigPath(apiserver);
  cs.create(cs.ref(apiserver.host, hostPath), encryptionConfigText(cs.sharedEncryptionKey(), now), 0o600, true, ruleId);
  setFlag(cs, apiserver, 'encryption-provider-config', hostPath, ruleId);
  if (apiserver.source === 'static-pod' && !apiserver.mounts.some((m) => hostPath.startsWith(`${m.containerPath.replace(/\/$/, '')}/`))) {
    mountIntoPod(cs, apiserver, path.dirname(hostPath), 'k8s-encryption', ruleId);
  }
  cs.addPlan(REENCRYPT, ruleId);
}

/** Puts a new aescbc provider with a fresh key first in the entry for secrets; the old providers stay after it, for reading. */
function freshKeyFirst(cs: ChangeSet, config: Manifest, legacy: boolean, ruleId: string, now: Date, entryPath?: string): void {
  const ref = cs.ref(config.host, config.hostPath);
  const text = cs.text(ref);
  const entry = entryPath ? resourceEntries(config).find((e) => e.path === entryPath) : secretsEntry(config);
  if (text === undefined) return;
  if (legacy) {
    const kind = config.lines.get('kind');
    const apiVersion = config.lines.get('apiVersion');
    for (const [line, from, to] of [[kind, /EncryptionConfig\b/, 'EncryptionConfiguration'], [apiVersion, /v1\b.*$/, 'apiserver.config.k8s.io/v1']] as const) {
      if (!line) continue;
      const { start, end } = lineRange(text, line);
      const current = text.slice(start, end);
      if (/EncryptionConfiguration|apiserver\.config\.k8s\.io/.test(current)) continue;
      cs.edit(ref, { start, end, text: current.replace(from, to) }, ruleId);
    }
  }
  if (!entry || entry.providers.length === 0) {
    if (!legacy) cs.create(ref, encryptionConfigText(cs.sharedEncryptionKey(), now), 0o600, true, ruleId);
    return;
  }
  if (legacy && ['aescbc', 'aesgcm', 'secretbox', 'kms'].includes(entry.providers[0].type)) return;
  const firstLine = config.lines.get(entry.providers[0].path);
  if (!firstLine) return;
  const starts = lineStarts(text);
  const { start, end } = lineRange(text, firstLine, starts);
  const indent = /^(\s*)-/.exec(text.slice(start, end))?.[1] ?? '      ';
  const provider = [`${indent}- aescbc:`, `${indent}    keys:`, `${indent}      - name: ${keyName(now)}`, `${indent}        secret: ${cs.sharedEncryptionKey(entry.path)}`].join('\n');
  cs.edit(ref, { start, end: start, text: `${provider}\n` }, ruleId);
  cs.addPlan(REENCRYPT, ruleId);
}

async function apply(cs: ChangeSet, intent: FixIntent, ruleId: string, options: FixOptions): Promise<void> {
  switch (intent.kind) {
    case 'set-flag':
      if (intent.component.definedAt.root < 0) return planLiveSetting(cs, intent, ruleId);
      if (intent.flag === 'anonymous-auth' && intent.value === 'false') return anonymousAuthOff(cs, intent.component, ruleId);
      if (isListSetting(intent.component, intent.flag)) return queueListEdit(cs, intent.component, intent.flag, { set: intent.value }, ruleId);
      if (!writeSettingWithEffects(cs, intent.component, intent.flag, intent.value, ruleId)) {
        cs.addPlan({ title: `Start ${intent.component.kind} on ${intent.component.host} with --${intent.flag}=${intent.value}`, commands: [`# ${intent.component.kind} runs from ${intent.component.definedAt.file}; add --${intent.flag}=${intent.value} where it is started`] }, ruleId);
      }
      return;
    case 'remove-flag': {
      const s = intent.component.settings.find((x) => x.name === intent.flag && x.at === intent.at);
      if (s && intent.component.source === 'distribution') removeDistributionFlag(cs, intent.component, s, ruleId);
      else if (s) removeFlag(cs, s, ruleId, intent.renameTo);
      return;
    }
    case 'chmod':
      return fixMode(cs, intent.file, intent.mode, ruleId);
    case 'chown':
      return fixOwner(cs, intent.file, intent.owner, ruleId);
    case 'add-to-list':
      return queueListEdit(cs, intent.component, intent.flag, { add: intent.item }, ruleId);
    case 'remove-from-list':
      return queueListEdit(cs, intent.component, intent.flag, { remove: intent.item }, ruleId);
    case 'feature-gate':
      return setFeatureGate(cs, intent.component, intent.gate, intent.value, ruleId);
    case 'flag-with-file':
      return flagWithFile(cs, intent.component, intent.file, ruleId);
    case 'mount':
      return mountFile(cs, intent.component, intent.hostPath, ruleId);
    case 'remove-file':
      cs.remove(cs.ref(intent.host, intent.hostPath), intent.reason, ruleId);
      return;
    case 'cni-add-portmap':
      addPortmap(cs, intent.config, ruleId);
      return;
    case 'addon-mode-label':
      addModeLabel(cs, intent.manifest, ruleId);
      return;
    case 'reissue':
      throw new Error('re-issues are worked out in rows by applyReissues, never one by one here');
    case 'encryption-config':
      if (intent.apiserver.definedAt.root < 0) return planLiveEncryption(cs, intent.apiserver, ruleId);
      if (intent.apiserver.source === 'distribution' && enableSecretsEncryption(cs, intent.apiserver, ruleId)) return;
      generateEncryption(cs, intent.apiserver, ruleId, options.now);
      return;
    case 'encryption-fresh-key':
      freshKeyFirst(cs, intent.config, !!intent.legacy, ruleId, options.now, intent.entryPath);
      return;
    case 'route-drop-in':
      cs.create(
        cs.ref(intent.host, `${intent.networkFile}.d/kaudit-service-route.conf`),
        `# Written by kaudit fix (network/missing-service-route): this host runs no kube-proxy.\n[Route]\nDestination=${intent.destination}\n`,
        0o644,
        false,
        ruleId,
      );
      return;
    case 'new-etcd-ca':
      if (cs.once('new-etcd-ca')) await newEtcdCa(cs, ruleId, options.now);
      return;
    case 'weave-password':
      return weavePassword(cs, intent.weave, ruleId);
    case 'weave-npc':
      return weaveNpc(cs, intent.weave, intent.networkPolicies, ruleId);
    case 'plan':
      for (const step of intent.steps) cs.addPlan(step, ruleId);
      return;
  }
}

type Reissue = Extract<FixIntent, { kind: 'reissue' }>;

/** Several rules may re-issue one certificate (expired and shared, say): one certificate, all corrections. */
function mergeReissues(findings: Finding[]): Array<{ intent: FixIntent; ruleId: string; file: string }> {
  const out: Array<{ intent: FixIntent; ruleId: string; file: string }> = [];
  const byCert = new Map<string, { intent: Reissue; ruleId: string; file: string }>();
  for (const finding of findings) {
    for (const intent of finding.fixes) {
      if (intent.kind !== 'reissue') {
        out.push({ intent, ruleId: finding.ruleId, file: finding.at.file });
        continue;
      }
      const key = `${intent.cert.host}\u0000${intent.cert.hostPath}\u0000${intent.cert.indexInFile}`;
      const seen = byCert.get(key);
      if (!seen) {
        const entry = { intent: { ...intent }, ruleId: finding.ruleId, file: finding.at.file };
        byCert.set(key, entry);
        out.push(entry);
        continue;
      }
      const merged = seen.intent;
      merged.addNames = [...new Set([...(merged.addNames ?? []), ...(intent.addNames ?? [])])];
      merged.usages = [...new Set([...(merged.usages ?? []), ...(intent.usages ?? [])])];
      merged.newKey = merged.newKey || intent.newKey;
      merged.signers ??= intent.signers;
      merged.why = `${merged.why}; ${intent.why}`;
    }
  }
  return out;
}

type WorkItem = ReturnType<typeof mergeReissues>[number];

/** How many re-issues are worked out at once: enough to keep the thread pool busy generating new keys. */
const REISSUES_AT_ONCE = 64;

/** The re-issues in a row from `start` (at most REISSUES_AT_ONCE): they read the tree, and change nothing until applied. */
function reissuesFrom(work: WorkItem[], start: number): Array<WorkItem & { intent: Reissue }> {
  const run: Array<WorkItem & { intent: Reissue }> = [];
  for (let i = start; i < work.length && run.length < REISSUES_AT_ONCE; i++) {
    const item = work[i];
    if (item.intent.kind !== 'reissue') break;
    run.push(item as WorkItem & { intent: Reissue });
  }
  return run;
}

/** Works a row of re-issues out together, then applies them in their order (the plan is the same as one by one). */
async function applyReissues(cs: ChangeSet, run: Array<WorkItem & { intent: Reissue }>, now: Date): Promise<void> {
  const prepared = await Promise.allSettled(run.map(({ intent }) => prepareReissue(cs, intent, now)));
  prepared.forEach((outcome, i) => {
    const { ruleId, file } = run[i];
    try {
      if (outcome.status === 'rejected') throw outcome.reason;
      applyReissue(cs, outcome.value, ruleId);
    } catch (error) {
      cs.skipped.push({ file, message: `${ruleId}: ${(error as Error).message}` });
    }
  });
}

/** Every change the findings' fixes make, merged; conflicts and skipped fixes are listed in it. */
export async function planFixes(cluster: Cluster, findings: Finding[], options: FixOptions): Promise<ChangeSet> {
  const cs = new ChangeSet(cluster);
  const work = mergeReissues(findings);
  for (let index = 0; index < work.length; ) {
    const reissues = reissuesFrom(work, index);
    if (reissues.length > 0) {
      await applyReissues(cs, reissues, options.now);
      index += reissues.length;
    } else {
      const { intent, ruleId, file } = work[index++];
      try {
        await apply(cs, intent, ruleId, options);
      } catch (error) {
        cs.skipped.push({ file, message: `${ruleId}: ${(error as Error).message}` });
      }
    }
    options.onProgress?.(index, work.length);
  }
  applyListEdits(cs, (component, flag, item, ruleId) => {
    // A plugin that needs a configuration gets it in the same run, or the apiserver does not start.
    if (flag === 'enable-admission-plugins' && item === 'EventRateLimit') flagWithFile(cs, component, 'event-rate-limit', ruleId);
  });
  applyContinuationRemovals(cs);
  cs.pruneNoOps();
  return cs;
}
