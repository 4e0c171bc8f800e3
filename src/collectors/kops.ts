/**
 * kOps control planes run etcd through etcd-manager: a static pod (etcd-manager-main,
 * etcd-manager-events) that starts etcd as a child process and gives it its settings as
 * ETCD_* variables, generated when it starts it (etcd-manager pkg/etcd/etcdprocess.go).
 * Those variables are visible only in proc/<pid>/environ of the etcd process; a scan of
 * files alone gets etcd-manager's documented defaults, and says what it cannot know.
 */
import { parseFlags, type Word } from './args.js';
import type { HostContext } from './context.js';
import { etcdFlagOfVariable } from './envfile.js';
import { ETCD_MANAGER } from './layouts/kops.js';
import { podMounts } from './static-pod.js';
import { asArray, asRecord, asString, type YamlDocument } from './yaml-source.js';
import type { Component, Setting } from '../model/types.js';

/** etcd-manager's own environment variables, which it does not pass to etcd as settings. */
const MANAGER_VARIABLES = /^ETCD_MANAGER_/;

function words(ctx: HostContext, hostPath: string, doc: YamlDocument, key: string, list: unknown): Word[] {
  return asArray(list).flatMap((item, i) => {
    const text = asString(item);
    return text === undefined ? [] : [{ text, at: ctx.at(hostPath, doc.lines.get(`${key}.${i}`)) }];
  });
}

/** The etcd an etcd-manager static pod runs, or undefined when the pod is not etcd-manager's. */
export function etcdFromEtcdManager(ctx: HostContext, hostPath: string, doc: YamlDocument): Component | undefined {
  const pod = asRecord(doc.data);
  const container = asRecord(asArray(asRecord(pod?.spec)?.containers)[0]);
  const image = asString(container?.image) ?? '';
  if (pod?.kind !== 'Pod' || !container || !/etcd-manager/.test(image)) return undefined;
  const base = 'spec.containers.0';
  const all = [...words(ctx, hostPath, doc, `${base}.command`, container.command), ...words(ctx, hostPath, doc, `${base}.args`, container.args)];
  const start = all.findIndex((w) => /(^|\/)etcd-manager$/.test(w.text));
  const managerFlags = parseFlags(all.slice(start + 1));
  const at = ctx.at(hostPath, doc.lines.get(`${base}.args`) ?? doc.lines.get(`${base}.command`) ?? doc.line);

  const settings: Setting[] = Object.entries(ETCD_MANAGER.defaults).map(([name, value]) => ({ name, value, origin: 'distribution-default', at, sourceKey: ETCD_MANAGER.source }));
  // etcd's URLs come from etcd-manager's --client-urls and --peer-urls (`https://__name__:4001`, the node's name filled in at start).
  for (const [managerFlag, etcdFlags] of Object.entries(ETCD_MANAGER.urlFlags)) {
    const flag = [...managerFlags].reverse().find((f) => f.name === managerFlag);
    if (flag) for (const name of etcdFlags) settings.push({ name, value: flag.value, origin: 'distribution-default', at: flag.at, sourceKey: `etcd-manager --${managerFlag}` });
  }
  // Variables in the pod's env reach etcd: etcd-manager passes its own ETCD_* environment through, last.
  asArray(container.env).forEach((entry, i) => {
    const name = asString(asRecord(entry)?.name);
    const value = asString(asRecord(entry)?.value);
    const flag = name && !MANAGER_VARIABLES.test(name) ? etcdFlagOfVariable(name) : undefined;
    if (flag && value !== undefined) settings.push({ name: flag, value, origin: 'env', at: ctx.at(hostPath, doc.lines.get(`${base}.env.${i}.value`) ?? doc.lines.get(`${base}.env.${i}`)), sourceKey: name });
  });
  return {
    kind: 'etcd',
    host: ctx.host.name,
    source: 'distribution',
    definedAt: ctx.at(hostPath, doc.line),
    flagsAt: at,
    binary: 'etcd',
    settings,
    // etcd runs inside etcd-manager's container, which sees the host's / at /rootfs.
    mounts: podMounts(asRecord(pod.spec)!, container),
    // etcd-manager generates these when it starts etcd; only the process shows them.
    unknownSettings: [...ETCD_MANAGER.generated],
    image,
  };
}
