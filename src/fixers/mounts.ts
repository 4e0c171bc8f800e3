/**
 * hostPath volumes and mounts added to a static pod, so that a file a flag names is seen
 * inside the pod at the same path (a component whose file is not mounted does not start).
 * The manifest keeps its layout: items are added after the last item of each list in that
 * list's indentation, or the list is added under its parent when the pod has none.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { ChangeSet, FileRef } from './changeset.js';
import { lineRange, lineStarts, type TextEdit } from './text.js';
import { hostPathInPod } from '../collectors/static-pod.js';
import type { Component } from '../model/types.js';

interface MountSpec {
  /** The host path to mount (a file or a folder), seen at the same path in the pod. */
  hostPath: string;
  /** hostPath type: DirectoryOrCreate for folders kaudit fills, File for a file that exists. */
  type: 'DirectoryOrCreate' | 'File' | 'Directory';
  writable?: boolean;
  /** Volume name to use (made unique in the pod). */
  name: string;
}

/** Whether a path is inside one of the pod's hostPath mounts (the pod sees a file of the host there). */
function isMounted(component: Component, containerPath: string): boolean {
  return hostPathInPod(component.mounts, containerPath) !== undefined;
}

function nodeAt(root: unknown, keys: Array<string | number>): Node | undefined {
  let node = root;
  for (const key of keys) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))?.value;
    else if (isSeq(node)) node = node.items[Number(key)];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

/** The 1-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/**
 * Text that appends an item to the list at `listPath`, or adds `key:` with the item to the
 * map at `parentPath` when the list is missing. `item(indent)` renders the item at the
 * indentation of the list's dashes.
 */
export function appendItem(text: string, parentPath: Array<string | number>, key: string, item: (indent: string) => string): TextEdit | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  const parent = nodeAt(doc.contents, parentPath);
  if (!isMap(parent) || parent.flow || !parent.range) return undefined;
  const starts = lineStarts(text);
  const list = nodeAt(parent, [key]);
  if (isSeq(list) && !list.flow && list.range && list.items.length > 0) {
    const first = list.items[0] as Node;
    const dashLine = lineOf(starts, first.range![0]);
    const indent = /^(\s*)-/.exec(text.slice(starts[dashLine - 1]))?.[1] ?? '';
    const last = list.items[list.items.length - 1] as Node;
    const end = lineRange(text, lineOf(starts, Math.max(last.range![0], last.range![1] - 1)), starts).end;
    return { start: end, end, text: `\n${item(indent)}` };
  }
  if (list !== undefined && !(isScalar(list) && list.value === null)) return undefined;
  // No such list: the key goes after the parent map's last entry, at its keys' indentation.
  const map = parent as YAMLMap;
  const firstKey = map.items[0]?.key as Node | undefined;
  const keyIndent = firstKey?.range ? ' '.repeat(firstKey.range[0] - starts[lineOf(starts, firstKey.range[0]) - 1]) : '';
  const lastPair = map.items[map.items.length - 1];
  const lastNode = (lastPair?.value ?? lastPair?.key) as Node | undefined;
  if (!lastNode?.range) return undefined;
  const end = lineRange(text, lineOf(starts, Math.max(lastNode.range[0], lastNode.range[1] - 1)), starts).end;
  if (list !== undefined) {
    // `key:` written with no value: the items go under it.
    const keyNode = map.items.find((p) => isScalar(p.key) && p.key.value === key)!.key as Node;
    const keyEnd = lineRange(text, lineOf(starts, keyNode.range![0]), starts).end;
    return { start: keyEnd, end: keyEnd, text: `\n${item(keyIndent)}` };
  }
  return { start: end, end, text: `\n${keyIndent}${key}:\n${item(keyIndent)}` };
}

function volumeNames(text: string): Set<string> {
  const doc = parseDocument(text, { uniqueKeys: false });
  const volumes = nodeAt(doc.contents, ['spec', 'volumes']);
  const names = new Set<string>();
  if (isSeq(volumes)) for (const v of volumes.items) if (isMap(v)) names.add(String(v.get('name') ?? ''));
  return names;
}

/**
 * Adds a hostPath volume and its mount (same path in the pod) to a static pod, once per
 * run and only where no mount covers the path. False when the manifest has no place for them.
 */
export function addMount(cs: ChangeSet, component: Component, spec: MountSpec, ruleId: string): boolean {
  if (component.source !== 'static-pod' || isMounted(component, spec.hostPath)) return true;
  const ref = cs.refAt(component.definedAt);
  if (!cs.once(`mount\u0000${ref.real}\u0000${spec.hostPath}`)) return true;
  const text = cs.text(ref);
  if (text === undefined) return false;
  // Unique among the pod's volumes and those this run adds to it.
  const taken = volumeNames(text);
  let name = spec.name;
  for (let n = 2; taken.has(name) || !cs.once(`volume\u0000${ref.real}\u0000${name}`); n++) name = `${spec.name}-${n}`;
  const readOnly = spec.writable ? '' : '\n{i}  readOnly: true';
  const mount = appendItem(text, ['spec', 'containers', 0], 'volumeMounts', (i) => `${i}- mountPath: ${spec.hostPath}\n${i}  name: ${name}${readOnly.replace('{i}', i)}`);
  const volume = appendItem(text, ['spec'], 'volumes', (i) => `${i}- hostPath:\n${i}    path: ${spec.hostPath}\n${i}    type: ${spec.type}\n${i}  name: ${name}`);
  if (!mount || !volume) {
    cs.skipped.push({ file: ref.file, message: `cannot add a hostPath volume for ${spec.hostPath} to the static pod; add it by hand` });
    return false;
  }
  return addOrJoin(cs, ref, mount, ruleId) && addOrJoin(cs, ref, volume, ruleId);
}

/** A list this run already adds to the pod (`volumes:` where there was none) takes the next item too, instead of a second key. */
function addOrJoin(cs: ChangeSet, ref: FileRef, edit: TextEdit, ruleId: string): boolean {
  const newList = /^\n(\s*[A-Za-z]+:)\n/.exec(edit.text);
  const pending = newList && cs.edits.get(ref.real)?.edits.find((e) => e.start === edit.start && e.text.startsWith(`\n${newList[1]}\n`));
  if (pending) {
    pending.text += edit.text.slice(newList[0].length - 1);
    return true;
  }
  return cs.edit(ref, edit, ruleId);
}

/** A volume name (a DNS label) from a path: /var/log/kubernetes/audit → var-log-kubernetes-audit. */
export function volumeNameFor(hostPath: string): string {
  const label = hostPath.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (label || 'kaudit-files').slice(-63).replace(/^-+/, '');
}

/** pod/unmounted-file: the file (or folder) a flag names, mounted alone at the same path. */
export function mountFile(cs: ChangeSet, component: Component, hostPath: string, ruleId: string): void {
  let folder = false;
  try {
    folder = cs.fsOf(component.host).resolve(hostPath)?.stat.isDirectory() ?? false;
  } catch {
    // a link out of the host root: mounted as a file, and the writer refuses nothing here
  }
  addMount(cs, component, { hostPath, type: folder ? 'Directory' : 'File', name: volumeNameFor(hostPath) }, ruleId);
}
