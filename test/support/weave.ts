/**
 * Weave Net as its users deploy it, for rule tests: the DaemonSet shaped like weave's own
 * manifest (a `List` of its objects, as `weave-daemonset-k8s-1.11.yaml`), as a bare
 * DaemonSet document, as the live API serves it, and the systemd unit of weave's docs.
 */
import { stringify } from 'yaml';

export interface WeaveOptions {
  /** How the router gets its password. */
  password?: 'none' | 'secretKeyRef' | 'value' | 'empty' | 'extra-args' | 'envFrom';
  /** Whether the weave-npc container is there. */
  npc?: boolean;
  /** EXPECT_NPC=0 on the router. */
  expectNpc0?: boolean;
  /** `--no-npc` in the router's args. */
  noNpcArg?: boolean;
  /** The router has no env at all. */
  noEnv?: boolean;
  version?: string;
}

function routerEnv(options: WeaveOptions): unknown[] {
  const env: unknown[] = [{ name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }, { name: 'INIT_CONTAINER', value: 'true' }];
  if (options.password === 'secretKeyRef') env.push({ name: 'WEAVE_PASSWORD', valueFrom: { secretKeyRef: { name: 'weave-passwd', key: 'weave-passwd' } } });
  if (options.password === 'value') env.push({ name: 'WEAVE_PASSWORD', value: 'a-planted-weave-password' });
  if (options.password === 'empty') env.push({ name: 'WEAVE_PASSWORD', value: '' });
  if (options.password === 'extra-args') env.push({ name: 'EXTRA_ARGS', value: '--log-level=info --password=a-planted-weave-password' });
  if (options.expectNpc0) env.push({ name: 'EXPECT_NPC', value: '0' });
  return env;
}

/** The DaemonSet as plain data (what the API serves, or a manifest document holds). */
export function weaveDaemonSet(options: WeaveOptions = {}): Record<string, unknown> {
  const version = options.version ?? '2.8.1';
  const router: Record<string, unknown> = {
    name: 'weave',
    command: ['/home/weave/launch.sh'],
    ...(options.noNpcArg ? { args: ['--no-npc'] } : {}),
    ...(options.noEnv ? {} : { env: routerEnv(options) }),
    ...(options.password === 'envFrom' ? { envFrom: [{ secretRef: { name: 'weave-settings' } }] } : {}),
    image: `weaveworks/weave-kube:${version}`,
    readinessProbe: { httpGet: { host: '127.0.0.1', path: '/status', port: 6784 } },
    resources: { requests: { cpu: '50m' } },
    securityContext: { privileged: true },
    volumeMounts: [{ name: 'weavedb', mountPath: '/weavedb' }, { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false }],
  };
  const npc = {
    name: 'weave-npc',
    env: [{ name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
    image: `weaveworks/weave-npc:${version}`,
    resources: { requests: { cpu: '50m' } },
    securityContext: { privileged: true },
    volumeMounts: [{ name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false }],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'weave-net', namespace: 'kube-system', labels: { name: 'weave-net' } },
    spec: {
      selector: { matchLabels: { name: 'weave-net' } },
      template: {
        metadata: { labels: { name: 'weave-net' } },
        spec: {
          initContainers: [{ name: 'weave-init', image: `weaveworks/weave-kube:${version}`, command: ['/home/weave/init.sh'], env: null, securityContext: { privileged: true } }],
          containers: options.npc === false ? [router] : [router, npc],
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'weave-net',
          volumes: [{ name: 'weavedb', hostPath: { path: '/var/lib/weave' } }, { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } }],
        },
      },
    },
  };
}

/** weave's own layout: a `List` of a ServiceAccount, RBAC and the DaemonSet, items indented. */
export function weaveList(options: WeaveOptions = {}): string {
  const items = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'weave-net', namespace: 'kube-system' } }, weaveDaemonSet(options)];
  return stringify({ apiVersion: 'v1', kind: 'List', items }, { indentSeq: true });
}

/** A bare DaemonSet document after another document (kubectl's style: list items not indented). */
export function weaveMultiDoc(options: WeaveOptions = {}): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: weave-net\n  namespace: kube-system\n---\n${stringify(weaveDaemonSet(options), { indentSeq: false })}`;
}

/** The 1-based line of the first line containing `text` (after line `from`). */
export function lineOf(content: string, text: string, from = 0): number {
  const lines = content.split('\n');
  const index = lines.findIndex((line, i) => i >= from && line.includes(text));
  if (index < 0) throw new Error(`"${text}" not in the fixture`);
  return index + 1;
}

/** weave's documented unit (site/install/systemd.md). */
export function weaveUnit(extraService: string[] = [], launchArgs = ''): string {
  return [
    '[Unit]',
    'Description=Weave Network',
    'Requires=docker.service',
    'After=docker.service',
    '[Service]',
    'EnvironmentFile=-/etc/sysconfig/weave',
    ...extraService,
    `ExecStartPre=/usr/local/bin/weave launch --no-restart${launchArgs} $PEERS`,
    'ExecStart=/usr/bin/docker attach weave',
    'ExecStop=/usr/local/bin/weave stop',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
