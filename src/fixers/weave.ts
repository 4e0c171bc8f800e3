/**
 * Fixes of Weave Net: its encryption password from a Secret (never printed, never in the
 * manifest) and its network policy controller back. A DaemonSet file is edited in place;
 * a unit gets a drop-in and a 0600 environment file; the live DaemonSet gets a plan.
 */
import path from 'node:path/posix';
import type { ChangeSet } from './changeset.js';
import type { PlanStep } from './types.js';
import { addMapKey, appendListItem, listIndentOf, removeListItem, replaceListItem } from './yaml-blocks.js';
import type { Manifest, WeaveNet } from '../model/types.js';

/** The Secret and key weave-net's password is read from (the name weave's own docs and launcher use). */
export const WEAVE_SECRET = 'weave-passwd';
/** Where a unit's password goes: readable by root only. */
export const WEAVE_PASSWORD_FILE = '/etc/weave/weave-password.env';

function pathOf(dotted: string): Array<string | number> {
  return dotted.split('.').filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function namespaceAndName(weave: WeaveNet): [string, string] {
  const [namespace, name] = weave.name.split('/');
  return [namespace || 'kube-system', name || 'weave-net'];
}

/** The env entry: optional, so a pod started before the Secret exists still starts (unencrypted until restarted). */
const PASSWORD_ENV = ['name: WEAVE_PASSWORD', 'valueFrom:', '  secretKeyRef:', `    name: ${WEAVE_SECRET}`, `    key: ${WEAVE_SECRET}`, '    optional: true'];

function createSecretStep(namespace: string): PlanStep {
  return {
    title: `Create the Secret ${namespace}/${WEAVE_SECRET} with a random password (written to a file only you can read, never printed, then removed); weave reads it as optional, so pods started before it exists run unencrypted until the restart below`,
    commands: [
      `(umask 077; head -c 32 /dev/urandom | base64 | tr -d '\\n' > ${WEAVE_SECRET})`,
      `kubectl -n ${namespace} create secret generic ${WEAVE_SECRET} --from-file=${WEAVE_SECRET}=./${WEAVE_SECRET}`,
      `rm -f ${WEAVE_SECRET}`,
    ],
  };
}

function restartStep(namespace: string, name: string, why: string): PlanStep {
  return { title: `Restart weave-net on every node together: ${why}`, commands: [`kubectl -n ${namespace} rollout restart daemonset/${name}`, `kubectl -n ${namespace} rollout status daemonset/${name}`] };
}

/** The manifest as the operator knows it: on its node for a host root, else where it was scanned. */
function manifestPath(cs: ChangeSet, manifest: Manifest): string {
  const host = cs.cluster.hosts.find((h) => h.name === manifest.host);
  return host?.loose ? `${cs.cluster.roots[manifest.at.root].given.replace(/\/$/, '')}/${manifest.at.file}` : manifest.hostPath;
}

function applyStep(cs: ChangeSet, weave: WeaveNet): PlanStep {
  const file = manifestPath(cs, weave.manifest!);
  return { title: `Apply ${file}${weave.manifest!.hostPath === file ? ` on ${weave.host}` : ''} (kubectl apply, or let the addon manager do it)`, commands: [`kubectl apply -f ${file}`] };
}

function docLine(manifest: Manifest): number {
  return manifest.at.line ?? 1;
}

/** Adds WEAVE_PASSWORD from the Secret to the router container (replacing an empty WEAVE_PASSWORD entry). */
function passwordInManifest(cs: ChangeSet, weave: WeaveNet, ruleId: string): void {
  const manifest = weave.manifest!;
  const ref = cs.ref(manifest.host, manifest.hostPath);
  const text = cs.text(ref);
  if (text === undefined) return;
  const container = pathOf(weave.container!.path);
  const envPath = [...container, 'env'];
  const env = weaveEnv(manifest, weave.container!.path);
  const empty = env.findIndex((e) => e.name === 'WEAVE_PASSWORD');
  const indent = listIndentOf(text, docLine(manifest), container.slice(0, -1));
  const edit =
    empty >= 0
      ? replaceListItem(text, docLine(manifest), envPath, empty, PASSWORD_ENV)
      : (appendListItem(text, docLine(manifest), envPath, PASSWORD_ENV, indent) ?? addMapKey(text, docLine(manifest), container, ['env:', ...PASSWORD_ENV.map((l, i) => `${' '.repeat(indent)}${i === 0 ? '- ' : '  '}${l}`)]));
  if (edit) cs.edit(ref, edit, ruleId);
  else cs.skipped.push({ file: ref.file, message: `${ruleId}: cannot place WEAVE_PASSWORD in the weave container` });
}

function weaveEnv(manifest: Manifest, dotted: string): Array<{ name?: string; value?: unknown }> {
  let node: unknown = manifest.data;
  for (const part of pathOf(dotted)) node = (node as Record<string | number, unknown> | undefined)?.[part];
  const env = (node as { env?: unknown } | undefined)?.env;
  return Array.isArray(env) ? env.map((e) => (e && typeof e === 'object' ? (e as { name?: string }) : {})) : [];
}

/** A unit reads the password from a root-only environment file, through a drop-in. */
function passwordInUnit(cs: ChangeSet, weave: WeaveNet, ruleId: string): void {
  const unitDir = path.dirname(weave.unitPath!);
  const dropIn = `${unitDir.startsWith('/etc/systemd/') ? unitDir : '/etc/systemd/system'}/${weave.name}.d/kaudit-weave-password.conf`;
  // One password for every weave unit this run fixes: peers must share it.
  cs.create(cs.ref(weave.host, WEAVE_PASSWORD_FILE), `WEAVE_PASSWORD=${cs.sharedEncryptionKey('weave-password')}\n`, 0o600, true, ruleId);
  cs.create(cs.ref(weave.host, dropIn), `# Written by kaudit fix (cni/weave-unencrypted): weave encrypts with the password in a root-only file.\n[Service]\nEnvironmentFile=${WEAVE_PASSWORD_FILE}\n`, 0o644, false, ruleId);
  cs.addPlan(
    {
      title: `Copy ${WEAVE_PASSWORD_FILE} (mode 0600) to every weave host that was not in this scan, then restart weave on all of them together: peers with different passwords cannot connect`,
      commands: ['systemctl daemon-reload', `systemctl restart ${weave.name}`],
    },
    ruleId,
  );
}

export function weavePassword(cs: ChangeSet, weave: WeaveNet, ruleId: string): void {
  if (weave.source === 'systemd') return passwordInUnit(cs, weave, ruleId);
  const [namespace, name] = namespaceAndName(weave);
  cs.addPlan(createSecretStep(namespace), ruleId);
  if (weave.source === 'manifest') {
    passwordInManifest(cs, weave, ruleId);
    cs.addPlan(applyStep(cs, weave), ruleId);
  } else {
    const patch = { spec: { template: { spec: { containers: [{ name: weave.container?.name ?? 'weave', env: [{ name: 'WEAVE_PASSWORD', valueFrom: { secretKeyRef: { name: WEAVE_SECRET, key: WEAVE_SECRET, optional: true } } }] }] } } } };
    cs.addPlan({ title: `Give the ${namespace}/${name} DaemonSet WEAVE_PASSWORD from the Secret`, commands: [`kubectl -n ${namespace} patch daemonset ${name} --patch '${JSON.stringify(patch)}'`] }, ruleId);
  }
  cs.addPlan(restartStep(namespace, name, 'peers with and without the password cannot connect, so expect a short partition while the rollout runs'), ruleId);
}

/** weave-npc as weave's own manifest (prog/weave-kube/weave-daemonset-k8s-1.11.yaml) runs it, in the router's version. */
function npcContainer(routerImage: string | undefined): string[] {
  const image = routerImage && /weave-kube/.test(routerImage) ? routerImage.replace('weave-kube', 'weave-npc') : 'weaveworks/weave-npc:latest';
  return [
    'name: weave-npc',
    `image: ${image}`,
    'env:',
    '  - name: HOSTNAME',
    '    valueFrom:',
    '      fieldRef:',
    '        apiVersion: v1',
    '        fieldPath: spec.nodeName',
    'resources:',
    '  requests:',
    '    cpu: 50m',
    'securityContext:',
    '  privileged: true',
    'volumeMounts:',
    '  - name: xtables-lock',
    '    mountPath: /run/xtables.lock',
    '    readOnly: false',
  ];
}

const XTABLES_VOLUME = ['name: xtables-lock', 'hostPath:', '  path: /run/xtables.lock', '  type: FileOrCreate'];

function npcInManifest(cs: ChangeSet, weave: WeaveNet, ruleId: string): void {
  const manifest = weave.manifest!;
  const ref = cs.ref(manifest.host, manifest.hostPath);
  const text = cs.text(ref);
  if (text === undefined) return;
  const line = docLine(manifest);
  const podSpec = pathOf(`${weave.prefix ?? ''}spec.template.spec`);
  const router = pathOf(weave.container!.path);
  const env = weaveEnv(manifest, weave.container!.path);
  env.forEach((entry, i) => {
    if (entry.name === 'EXPECT_NPC' && String(entry.value).trim() === '0') {
      const edit = removeListItem(text, line, [...router, 'env'], i);
      if (edit) cs.edit(ref, edit, ruleId);
    }
  });
  const routerData = podSpecData(manifest, weave.container!.path) as { args?: unknown; command?: unknown };
  for (const field of ['args', 'command'] as const) {
    const words = Array.isArray(routerData?.[field]) ? (routerData[field] as unknown[]) : [];
    words.forEach((word, i) => {
      if (word !== '--no-npc') return;
      const edit = removeListItem(text, line, [...router, field], i);
      if (edit) cs.edit(ref, edit, ruleId);
    });
  }
  if (weave.npc?.container) return;
  const indent = listIndentOf(text, line, [...podSpec, 'containers']);
  const added = appendListItem(text, line, [...podSpec, 'containers'], npcContainer(weave.container?.image), indent);
  if (!added) {
    cs.skipped.push({ file: ref.file, message: `${ruleId}: cannot add the weave-npc container` });
    return;
  }
  cs.edit(ref, added, ruleId);
  const volumes = podSpecData(manifest, `${weave.prefix ?? ''}spec.template.spec`) as { volumes?: unknown };
  const hasLock = Array.isArray(volumes?.volumes) && volumes.volumes.some((v) => (v as { name?: unknown })?.name === 'xtables-lock');
  if (hasLock) return;
  const volume = appendListItem(text, line, [...podSpec, 'volumes'], XTABLES_VOLUME, indent) ?? addMapKey(text, line, podSpec, ['volumes:', ...XTABLES_VOLUME.map((l, i) => `${' '.repeat(indent)}${i === 0 ? '- ' : '  '}${l}`)]);
  if (volume) cs.edit(ref, volume, ruleId);
}

function podSpecData(manifest: Manifest, dotted: string): unknown {
  let node: unknown = manifest.data;
  for (const part of pathOf(dotted)) node = (node as Record<string | number, unknown> | undefined)?.[part];
  return node;
}

export function weaveNpc(cs: ChangeSet, weave: WeaveNet, networkPolicies: number, ruleId: string): void {
  const [namespace, name] = namespaceAndName(weave);
  const enforced = networkPolicies > 0 ? `the ${networkPolicies} NetworkPolicy object${networkPolicies === 1 ? ' in the cluster starts' : 's in the cluster start'} to be enforced` : 'NetworkPolicy objects start to be enforced';
  cs.addPlan(
    {
      title: `Before weave-npc runs, review the NetworkPolicies: once it runs, ${enforced}, and traffic they do not allow is dropped (weave-npc also needs its ClusterRole to list networkpolicies, pods and namespaces)`,
      commands: ['kubectl get networkpolicy --all-namespaces'],
    },
    ruleId,
  );
  if (weave.source === 'manifest') {
    npcInManifest(cs, weave, ruleId);
    cs.addPlan(applyStep(cs, weave), ruleId);
    return;
  }
  const router = weave.container?.name ?? 'weave';
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: router, env: [{ name: 'EXPECT_NPC', $patch: 'delete' }] },
            ...(weave.npc?.container ? [] : [{ name: 'weave-npc', image: npcContainer(weave.container?.image)[1].slice('image: '.length), env: [{ name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }], resources: { requests: { cpu: '50m' } }, securityContext: { privileged: true }, volumeMounts: [{ name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false }] }]),
          ],
        },
      },
    },
  };
  const flags = weave.npc?.disabledBy.some((d) => d.how === '--no-npc') ? [`# and remove --no-npc from the ${router} container's arguments (kubectl -n ${namespace} edit daemonset ${name})`] : [];
  cs.addPlan({ title: `Run weave-npc in the ${namespace}/${name} DaemonSet again`, commands: [`kubectl -n ${namespace} patch daemonset ${name} --patch '${JSON.stringify(patch)}'`, ...flags] }, ruleId);
  cs.addPlan(restartStep(namespace, name, 'the router and weave-npc must agree on whether policies are enforced'), ruleId);
}
