import { defineRule } from '../rule.js';
import { effective } from '../lib/settings.js';
import type { Cluster } from '../../model/cluster.js';
import type { Manifest } from '../../model/types.js';
import { asArray, asRecord, asString } from '../../collectors/yaml-source.js';

const DEFAULT_SCHEDULER = 'default-scheduler';

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  ReplicationController: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

function at(data: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((value, key) => asRecord(value)?.[key], data);
}

/** The scheduler names the cluster serves: kube-scheduler profiles and --scheduler-name flags. */
function servedSchedulers(cluster: Cluster): Set<string> {
  const served = new Set<string>();
  const configs = cluster.manifests.filter((m) => m.kind === 'KubeSchedulerConfiguration');
  for (const config of configs) {
    const profiles = asArray(asRecord(config.data)?.profiles);
    if (profiles.length === 0) served.add(DEFAULT_SCHEDULER);
    for (const profile of profiles) served.add(asString(asRecord(profile)?.schedulerName) ?? DEFAULT_SCHEDULER);
  }
  for (const scheduler of cluster.componentsOf('kube-scheduler')) {
    const name = effective(scheduler, 'scheduler-name');
    if (name) served.add(name.value);
    else if (!effective(scheduler, 'config')) served.add(DEFAULT_SCHEDULER);
  }
  // A second scheduler run as a workload: its container runs kube-scheduler with a name.
  for (const manifest of cluster.manifests) {
    const spec = POD_SPEC_PATHS[manifest.kind ?? ''];
    const containers = spec ? asArray(at(manifest.data, `${spec}.containers`)) : [];
    for (const container of containers) {
      const words = [...asArray(asRecord(container)?.command), ...asArray(asRecord(container)?.args)].map(String);
      if (!words.some((w) => w.endsWith('kube-scheduler'))) continue;
      const flag = words.find((w) => w.startsWith('--scheduler-name='));
      if (flag) served.add(flag.slice('--scheduler-name='.length));
    }
  }
  // Nothing about schedulers in the scan (a folder of manifests): assume a stock control plane.
  if (served.size === 0) served.add(DEFAULT_SCHEDULER);
  return served;
}

function schedulerNameOf(manifest: Manifest): { name: string; line?: number } | undefined {
  const spec = POD_SPEC_PATHS[manifest.kind ?? ''];
  const name = spec ? at(manifest.data, `${spec}.schedulerName`) : undefined;
  return typeof name === 'string' ? { name, line: manifest.lines.get(`${spec}.schedulerName`) } : undefined;
}

export default defineRule({
  id: 'scheduler/unknown-scheduler',
  level: 'warning',
  title: 'Workload names a scheduler that does not exist',
  description: 'Pods that name a scheduler no one runs stay Pending forever, with no event to say why.',
  fix: 'plan',
  tags: ['scheduling', 'availability'],
  check(cluster, context, report) {
    const served = servedSchedulers(cluster);
    context.each(cluster.liveKube?.schedulerNames ?? [], ([name, example]) => {
      if (served.has(name)) return;
      report({
        message: `pods ask for schedulerName ${name} (${example}, for one), which no scheduler serves (known: ${[...served].sort().join(', ')}): they stay Pending`,
        at: { host: 'kubernetes', root: -1, file: `${cluster.liveKube!.server.replace(/\/$/, '')}/api/v1/pods?schedulerName=${encodeURIComponent(name)}`, line: 1 },
        key: `live:${name}`,
        fix: { kind: 'plan', steps: [{ title: `Deploy the scheduler ${name}, or set the pods' schedulerName to one that runs`, commands: [`kubectl get pods -A -o jsonpath='{range .items[?(@.spec.schedulerName=="${name}")]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'`] }] },
      });
    });
    context.each(cluster.manifests, (manifest) => {
      const scheduler = schedulerNameOf(manifest);
      if (!scheduler || served.has(scheduler.name)) return;
      report({
        message: `${manifest.kind} ${manifest.name ?? ''} names schedulerName ${scheduler.name}, which no scheduler serves (known: ${[...served].sort().join(', ')}): its pods stay Pending`,
        at: { ...manifest.at, line: scheduler.line ?? manifest.at.line },
        key: `${manifest.kind}/${manifest.name ?? ''}`,
        fix: { kind: 'plan', steps: [{ title: `Deploy the scheduler ${scheduler.name} (or add it as a profile of the KubeSchedulerConfiguration), or set schedulerName of ${manifest.kind} ${manifest.name ?? ''} to one that runs`, commands: [`kubectl get pods -A --field-selector=status.phase=Pending   # pods waiting for ${scheduler.name}`] }] },
      });
    });
  },
});
