/**
 * What a Weave Net DaemonSet declares about encryption and its network policy controller,
 * read the way weave-kube's launch.sh and weaver read it (weaveworks/weave v2.8.1,
 * prog/weave-kube/launch.sh and prog/weaver/main.go `determinePassword`):
 * - the router encrypts when `WEAVE_PASSWORD` is non-empty or weaver gets `--password`
 *   (on its command line or through `EXTRA_ARGS`);
 * - weave-npc runs as a second container; `EXPECT_NPC=0` tells the router not to expect it.
 * Used for DaemonSet manifests in scanned folders and for the live DaemonSet alike. No
 * value of a password is ever kept: only where it is set.
 */
import type { SourceLocation, WeaveNet } from './types.js';

type Locate = (dottedPath: string) => SourceLocation;

interface EnvVar {
  name?: unknown;
  value?: unknown;
  valueFrom?: { secretKeyRef?: { name?: unknown; key?: unknown } };
}

interface Container {
  name?: unknown;
  image?: unknown;
  command?: unknown;
  args?: unknown;
  env?: unknown;
  envFrom?: unknown;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** The router container: weave-kube's image, or a container named `weave` running a weave image. */
export function isWeaveRouter(container: unknown): boolean {
  const c = (record(container) ?? {}) as Container;
  const image = text(c.image);
  return /(^|\/)weave-kube(:|@|$)/.test(image) || (text(c.name) === 'weave' && /weave/.test(image));
}

function isWeaveNpc(container: unknown): boolean {
  const c = (record(container) ?? {}) as Container;
  return /(^|\/)weave-npc(:|@|$)/.test(text(c.image)) || text(c.name) === 'weave-npc';
}

/** The words weaver gets from the container: command, args and EXTRA_ARGS. */
function routerWords(container: Container, base: string, locate: Locate): Array<{ word: string; at: SourceLocation }> {
  const words: Array<{ word: string; at: SourceLocation }> = [];
  for (const field of ['command', 'args'] as const) {
    list(container[field]).forEach((word, i) => words.push({ word: text(word), at: locate(`${base}.${field}.${i}`) }));
  }
  list(container.env).forEach((entry, i) => {
    const env = (record(entry) ?? {}) as EnvVar;
    if (text(env.name) === 'EXTRA_ARGS') for (const word of text(env.value).split(/\s+/)) words.push({ word, at: locate(`${base}.env.${i}`) });
  });
  return words;
}

function passwordOf(container: Container, base: string, locate: Locate): WeaveNet['password'] {
  for (const [i, entry] of list(container.env).entries()) {
    const env = (record(entry) ?? {}) as EnvVar;
    if (text(env.name) !== 'WEAVE_PASSWORD') continue;
    const ref = record(env.valueFrom?.secretKeyRef);
    if (ref) return { how: `WEAVE_PASSWORD from Secret ${text(ref.name)} (key ${text(ref.key)})`, at: locate(`${base}.env.${i}`) };
    if (text(env.value) !== '') return { how: 'WEAVE_PASSWORD set in the manifest', at: locate(`${base}.env.${i}`) };
  }
  for (const [i, entry] of list(container.envFrom).entries()) {
    const secret = record(record(entry)?.secretRef);
    // The Secret's keys are not known here: one named WEAVE_PASSWORD becomes the variable.
    if (secret) return { how: `environment from Secret ${text(secret.name)}`, at: locate(`${base}.envFrom.${i}`) };
  }
  const flag = routerWords(container, base, locate).find((w) => w.word === '--password' || w.word.startsWith('--password='));
  return flag ? { how: 'weaver --password', at: flag.at } : undefined;
}

/**
 * Weave Net in a DaemonSet document (`prefix` is the document's path to the DaemonSet: ''
 * or `items.3.` inside a List); undefined when the DaemonSet does not run weave-kube.
 */
export function weaveOfDaemonSet(daemonSet: unknown, prefix: string, locate: Locate): Pick<WeaveNet, 'password' | 'npc' | 'container'> | undefined {
  const spec = record(record(record(record(daemonSet)?.spec)?.template)?.spec);
  const containers = list(spec?.containers);
  const index = containers.findIndex(isWeaveRouter);
  if (index < 0) return undefined;
  const router = (record(containers[index]) ?? {}) as Container;
  const base = `${prefix}spec.template.spec.containers.${index}`;
  const disabledBy: Array<{ how: string; at: SourceLocation }> = [];
  list(router.env).forEach((entry, i) => {
    const env = (record(entry) ?? {}) as EnvVar;
    if (text(env.name) === 'EXPECT_NPC' && text(env.value).trim() === '0') disabledBy.push({ how: 'EXPECT_NPC=0', at: locate(`${base}.env.${i}`) });
  });
  for (const w of routerWords(router, base, locate)) if (w.word === '--no-npc') disabledBy.push({ how: '--no-npc', at: w.at });
  const image = text(router.image);
  const password = passwordOf(router, base, locate);
  return {
    ...(password ? { password } : {}),
    npc: { container: containers.some(isWeaveNpc), disabledBy },
    container: { name: text(router.name) || 'weave', path: base, index, ...(image ? { image } : {}), at: locate(base) },
  };
}

/** A readable name of a workload: `namespace/name`. */
export function objectName(metadata: unknown, fallbackNamespace = 'default'): string {
  const m = record(metadata);
  return `${text(m?.namespace) || fallbackNamespace}/${text(m?.name) || '(unnamed)'}`;
}
