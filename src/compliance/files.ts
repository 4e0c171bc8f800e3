/** Which files a file-mode or file-owner control judges on a host, from the model (never the disk). */
import path from 'node:path/posix';
import { CNI_STATE_DIR, ETCD_DEFAULT_DATA_DIR } from '../collectors/config-files.js';
import { resolveComponentPath } from '../collectors/references.js';
import { UNIT_DIRS } from '../collectors/systemd.js';
import { setting } from '../model/cluster.js';
import type { ComponentKind, FileFacts } from '../model/types.js';
import type { FileTarget } from '../benchmarks/types.js';
import { KUBEADM_PKI, pkiFolderOf } from '../rules/lib/cis.js';
import { resolveSetting } from './settings.js';
import { isAbsent, layoutKubeconfigOf, podSpecOf } from './subjects-by-layout.js';
import type { Subject, Subjects } from './subjects.js';

export interface TargetFile {
  hostPath: string;
  /** Mode and owner as the collectors recorded them; undefined when the file was not seen. */
  facts?: FileFacts;
}

export type FileSelection =
  | { kind: 'files'; files: TargetFile[] }
  /** Nothing of what the control is about is on the host. */
  | { kind: 'none'; reason: string }
  /** The host's layout has no such file by design (k3s has no pod specifications): the control does not apply, whatever CIS passes for a missing file. */
  | { kind: 'not-applicable'; reason: string }
  | { kind: 'unknown'; reason: string; supply: string };


function facts(subjects: Subjects, subject: Subject, hostPath: string): FileFacts | undefined {
  return subjects.cluster.fileFacts(subject.host, hostPath);
}

function under(subjects: Subjects, subject: Subject, dir: string, filesOnly: boolean): FileFacts[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return subjects.filesOf(subject.host).filter((f) => f.hostPath.startsWith(prefix) && (!filesOnly || !f.isDirectory));
}

/** One file that a setting names (or a default path): unknown when named but not scanned, none when the default is absent. */
function namedFile(subjects: Subjects, subject: Subject, hostPath: string | undefined, namedBy: string | undefined, what: string): FileSelection {
  if (!hostPath) return { kind: 'none', reason: `no ${what} on this host` };
  const found = facts(subjects, subject, hostPath);
  if (found) return { kind: 'files', files: [{ hostPath, facts: found }] };
  if (namedBy) return { kind: 'unknown', reason: `${namedBy} names ${hostPath}, which is not in the scanned files`, supply: `a copy of ${hostPath} (kaudit collect copies it)` };
  return { kind: 'none', reason: `${hostPath} is not on this host` };
}

/** What a file control judges: a mode or an owner (a layout may lack one of them only, as k3s lacks an etcd user). */
export type FileAspect = 'mode' | 'owner';

function files(list: FileFacts[]): FileSelection {
  return { kind: 'files', files: list.map((f) => ({ hostPath: f.hostPath, facts: f })) };
}

function podSpec(subjects: Subjects, subject: Subject, kind: ComponentKind): FileSelection {
  const component = subject.components.get(kind);
  if (!component) return { kind: 'none', reason: `no ${kind} on this host` };
  const spec = podSpecOf(subject.places, component, (at) => subjects.hostPathOf(at));
  if (spec.absent) return { kind: 'not-applicable', reason: spec.absent };
  if (!spec.hostPath || component.source === 'process') {
    return { kind: 'unknown', reason: `${kind} is known only from ${component.definedAt.file}, not from the file that starts it`, supply: `the static pod manifest or unit of ${kind} from ${subject.host}` };
  }
  const found = facts(subjects, subject, spec.hostPath);
  return { kind: 'files', files: [{ hostPath: spec.hostPath, ...(found ? { facts: found } : {}) }] };
}

function unitFiles(subjects: Subjects, subject: Subject, kind: ComponentKind): FileSelection {
  const service = subject.places.files.kubeletService;
  if (kind === 'kubelet' && isAbsent(service)) return { kind: 'not-applicable', reason: service.absent };
  const component = subject.components.get(kind);
  if (!component) return { kind: 'none', reason: `no ${kind} on this host` };
  if (component.source !== 'systemd') return { kind: 'none', reason: `${kind} does not run from a systemd unit on this host` };
  const unit = path.basename(subjects.hostPathOf(component.definedAt) ?? '');
  return files(subjects.filesOf(subject.host).filter((f) => UNIT_DIRS.some((dir) => f.hostPath === `${dir}/${unit}` || (f.hostPath.startsWith(`${dir}/${unit}.d/`) && f.hostPath.endsWith('.conf')))));
}

function etcdDataDir(subjects: Subjects, subject: Subject, aspect: FileAspect): FileSelection {
  const etcd = subject.components.get('etcd');
  if (!etcd) return { kind: 'none', reason: 'no etcd on this host' };
  const owner = subject.places.files.etcdDataOwner;
  if (aspect === 'owner' && owner) return { kind: 'not-applicable', reason: owner.absent };
  const resolved = resolveSetting(etcd, 'data-dir');
  if (resolved.unknown) return { kind: 'unknown', reason: `etcd --data-dir: ${resolved.unknown.why}`, supply: resolved.unknown.supply };
  const hostPath = resolved.written ? resolveComponentPath(etcd, resolved.written.value).hostPath : subject.places.files.etcdDataDir ?? ETCD_DEFAULT_DATA_DIR;
  const found = facts(subjects, subject, hostPath);
  if (found) return { kind: 'files', files: [{ hostPath, facts: found }] };
  return { kind: 'unknown', reason: `etcd's data folder ${hostPath} is not in the scanned files`, supply: `kaudit collect on ${subject.host} (it records the folder's mode and owner)` };
}

/** /var/lib/cni/networks, the layout's CNI folders, and the kubelet's --cni-conf-dir when on its command line (kube-bench's audit). */
function cniFiles(subjects: Subjects, subject: Subject): FileSelection {
  const kubelet = subject.components.get('kubelet');
  const confDir = kubelet ? setting(kubelet, 'cni-conf-dir') : undefined;
  const dirs = [...new Set([CNI_STATE_DIR, ...subject.places.files.cniDirs, ...(kubelet && confDir?.origin === 'flag' ? [resolveComponentPath(kubelet, confDir.value).hostPath] : [])])];
  const found = dirs.flatMap((dir) => under(subjects, subject, dir, true));
  return found.length ? files(found) : { kind: 'none', reason: `no CNI files (${dirs.join(', ')}) on this host` };
}

function present(subjects: Subjects, subject: Subject, paths: readonly string[]): FileSelection {
  const found = paths.flatMap((hostPath) => facts(subjects, subject, hostPath) ?? []);
  if (found.length) return files(found);
  if (paths.length === 0) return { kind: 'none', reason: `no administrator's kubeconfig stays on a ${subject.places.layout?.title ?? 'kubeadm'} node` };
  return { kind: 'none', reason: paths.length === 1 ? `${paths[0]} is not on this host` : `none of ${paths.join(', ')} is on this host` };
}

/** The file a component's setting names (its kubeconfig, the kubelet's client CA), else where the layout puts it. */
function settingFile(subjects: Subjects, subject: Subject, kind: ComponentKind, name: string, fallback: string | undefined): FileSelection {
  const component = subject.components.get(kind);
  if (!component) return { kind: 'none', reason: `no ${kind} on this host` };
  const resolved = resolveSetting(component, name);
  if (resolved.unknown) return { kind: 'unknown', reason: resolved.unknown.why, supply: resolved.unknown.supply };
  const written = resolved.written;
  const hostPath = written ? (written.origin === 'flag' || written.origin === 'env' ? resolveComponentPath(component, written.value).hostPath : written.value) : fallback;
  return namedFile(subjects, subject, hostPath, written ? `${kind} --${name}` : undefined, `${name} of ${kind}`);
}

function kubeletConfig(subjects: Subjects, subject: Subject): FileSelection {
  const kubelet = subject.components.get('kubelet');
  if (!kubelet) return { kind: 'none', reason: 'no kubelet on this host' };
  const sources = kubelet.configSources ?? [];
  if (sources.length === 0) return { kind: 'none', reason: 'the kubelet reads no config file (no --config)' };
  const missing = sources.find((s) => !facts(subjects, subject, s.hostPath));
  if (missing) return { kind: 'unknown', reason: `the kubelet's --${missing.setting} names ${missing.hostPath}, which is not in the scanned files`, supply: `a copy of ${missing.hostPath} (kaudit collect copies it)` };
  return { kind: 'files', files: sources.map((s) => ({ hostPath: s.hostPath, facts: facts(subjects, subject, s.hostPath)! })) };
}

/** The layout's PKI folder when the host has it; else the folder of the apiserver's client CA, or kubeadm's. */
function pkiFiles(subjects: Subjects, subject: Subject, select: 'tree' | '.crt' | '.key'): FileSelection {
  const own = subject.places.layout ? subject.places.files.pkiDir : undefined;
  const dir = own && facts(subjects, subject, own)?.isDirectory ? own : pkiFolderOf(subjects.cluster, subject.host);
  if (!dir) return { kind: 'none', reason: `no PKI folder (${own ?? KUBEADM_PKI}, or the folder of the apiserver's --client-ca-file) on this host` };
  const inside = under(subjects, subject, dir, select !== 'tree');
  const found = select === 'tree' ? [facts(subjects, subject, dir)!, ...inside] : inside.filter((f) => f.hostPath.endsWith(select));
  return found.length ? files(found) : { kind: 'none', reason: `no ${select} files under ${dir}` };
}

/**
 * The files a control judges on a host. A mode control and an owner control of one file
 * (1.1.1 and 1.1.2) select the same files: each selection is made once per host.
 */
export function selectFiles(subjects: Subjects, subject: Subject, target: FileTarget, aspect: FileAspect): FileSelection {
  let bySelector = selections.get(subject);
  if (!bySelector) selections.set(subject, (bySelector = new Map()));
  let written = targetKeys.get(target);
  if (written === undefined) targetKeys.set(target, (written = JSON.stringify(target)));
  const selector = `${aspect} ${written}`;
  let selection = bySelector.get(selector);
  if (!selection) bySelector.set(selector, (selection = selectUncached(subjects, subject, target, aspect)));
  return selection;
}

const selections = new WeakMap<Subject, Map<string, FileSelection>>();
/** A target as text (the same target in two controls is two objects with one meaning). */
const targetKeys = new WeakMap<FileTarget, string>();

function selectUncached(subjects: Subjects, subject: Subject, target: FileTarget, aspect: FileAspect): FileSelection {
  switch (target.kind) {
    case 'definition':
      return podSpec(subjects, subject, target.component);
    case 'unit-files':
      return unitFiles(subjects, subject, target.component);
    case 'etcd-data-dir':
      return etcdDataDir(subjects, subject, aspect);
    case 'cni-files':
      return cniFiles(subjects, subject);
    case 'paths':
      return present(subjects, subject, target.paths);
    case 'admin-kubeconfig':
      return present(subjects, subject, subject.places.files.adminKubeconfigs);
    case 'kubeconfig':
      return settingFile(subjects, subject, target.component, 'kubeconfig', layoutKubeconfigOf(subject.places, target.component) ?? target.fallback);
    case 'setting-file':
      return settingFile(subjects, subject, target.component, target.setting, (target.component === 'kubelet' && target.setting === 'client-ca-file' ? subject.places.files.kubeletClientCa : undefined) ?? target.fallback);
    case 'kubelet-config':
      return kubeletConfig(subjects, subject);
    case 'pki':
      return pkiFiles(subjects, subject, target.select);
  }
}
