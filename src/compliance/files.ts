/** Which files a file-mode or file-owner control judges on a host, from the model (never the disk). */
import path from 'node:path/posix';
import { CNI_STATE_DIR, ETCD_DEFAULT_DATA_DIR } from '../collectors/config-files.js';
import { resolveComponentPath } from '../collectors/references.js';
import { UNIT_DIRS } from '../collectors/systemd.js';
import { setting } from '../model/cluster.js';
import type { FileFacts } from '../model/types.js';
import type { FileTarget } from '../benchmarks/types.js';
import { KUBEADM_PKI, pkiFolderOf } from '../rules/lib/cis.js';
import { resolveSetting } from './settings.js';
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

export function selectFiles(subjects: Subjects, subject: Subject, target: FileTarget): FileSelection {
  const { components } = subject;
  switch (target.kind) {
    case 'definition': {
      const component = components.get(target.component);
      const hostPath = component ? subjects.hostPathOf(component.definedAt) : undefined;
      if (!component) return { kind: 'none', reason: `no ${target.component} on this host` };
      if (!hostPath || component.source === 'process') {
        return { kind: 'unknown', reason: `${target.component} is known only from ${component.definedAt.file}, not from the file that starts it`, supply: `the static pod manifest or unit of ${target.component} from ${subject.host}` };
      }
      return { kind: 'files', files: [{ hostPath, ...(facts(subjects, subject, hostPath) ? { facts: facts(subjects, subject, hostPath)! } : {}) }] };
    }
    case 'unit-files': {
      const component = components.get(target.component);
      if (!component) return { kind: 'none', reason: `no ${target.component} on this host` };
      if (component.source !== 'systemd') return { kind: 'none', reason: `${target.component} does not run from a systemd unit on this host` };
      const main = subjects.hostPathOf(component.definedAt) ?? '';
      const unit = path.basename(main);
      const files = subjects.filesOf(subject.host).filter((f) => UNIT_DIRS.some((dir) => f.hostPath === `${dir}/${unit}` || (f.hostPath.startsWith(`${dir}/${unit}.d/`) && f.hostPath.endsWith('.conf'))));
      return { kind: 'files', files: files.map((f) => ({ hostPath: f.hostPath, facts: f })) };
    }
    case 'etcd-data-dir': {
      const etcd = components.get('etcd');
      if (!etcd) return { kind: 'none', reason: 'no etcd on this host' };
      const resolved = resolveSetting(etcd, 'data-dir');
      if (resolved.unknown) return { kind: 'unknown', reason: resolved.unknown.why, supply: resolved.unknown.supply };
      const hostPath = resolved.written ? resolveComponentPath(etcd, resolved.written.value).hostPath : ETCD_DEFAULT_DATA_DIR;
      const found = facts(subjects, subject, hostPath);
      if (found) return { kind: 'files', files: [{ hostPath, facts: found }] };
      return { kind: 'unknown', reason: `etcd's data folder ${hostPath} is not in the scanned files`, supply: `kaudit collect on ${subject.host} (it records the folder's mode and owner)` };
    }
    case 'cni-files': {
      const kubelet = components.get('kubelet');
      const confDir = kubelet ? setting(kubelet, 'cni-conf-dir') : undefined;
      const dirs = [CNI_STATE_DIR, ...(kubelet && confDir?.origin === 'flag' ? [resolveComponentPath(kubelet, confDir.value).hostPath] : [])];
      const files = dirs.flatMap((dir) => under(subjects, subject, dir, true));
      if (files.length === 0) return { kind: 'none', reason: `no CNI files (${dirs.join(', ')}) on this host` };
      return { kind: 'files', files: files.map((f) => ({ hostPath: f.hostPath, facts: f })) };
    }
    case 'paths': {
      const files = target.paths.flatMap((hostPath) => {
        const found = facts(subjects, subject, hostPath);
        return found ? [{ hostPath, facts: found }] : [];
      });
      return files.length ? { kind: 'files', files } : { kind: 'none', reason: `none of ${target.paths.join(', ')} is on this host` };
    }
    case 'kubeconfig':
    case 'setting-file': {
      const component = components.get(target.component);
      if (!component) return { kind: 'none', reason: `no ${target.component} on this host` };
      const name = target.kind === 'kubeconfig' ? 'kubeconfig' : target.setting;
      const resolved = resolveSetting(component, name);
      if (resolved.unknown) return { kind: 'unknown', reason: resolved.unknown.why, supply: resolved.unknown.supply };
      const written = resolved.written;
      const hostPath = written ? (written.origin === 'flag' || written.origin === 'env' ? resolveComponentPath(component, written.value).hostPath : written.value) : target.fallback;
      return namedFile(subjects, subject, hostPath, written ? `${target.component} --${name}` : undefined, `${name} of ${target.component}`);
    }
    case 'kubelet-config': {
      const kubelet = components.get('kubelet');
      if (!kubelet) return { kind: 'none', reason: 'no kubelet on this host' };
      const sources = kubelet.configSources ?? [];
      if (sources.length === 0) return { kind: 'none', reason: 'the kubelet reads no config file (no --config)' };
      const missing = sources.find((s) => !facts(subjects, subject, s.hostPath));
      if (missing) return { kind: 'unknown', reason: `the kubelet's --${missing.setting} names ${missing.hostPath}, which is not in the scanned files`, supply: `a copy of ${missing.hostPath} (kaudit collect copies it)` };
      return { kind: 'files', files: sources.map((s) => ({ hostPath: s.hostPath, facts: facts(subjects, subject, s.hostPath)! })) };
    }
    case 'pki': {
      const dir = pkiFolderOf(subjects.cluster, subject.host);
      if (!dir) return { kind: 'none', reason: `no PKI folder (${KUBEADM_PKI}, or the folder of the apiserver's --client-ca-file) on this host` };
      const inside = under(subjects, subject, dir, target.select !== 'tree');
      const files = target.select === 'tree' ? [facts(subjects, subject, dir)!, ...inside] : inside.filter((f) => f.hostPath.endsWith(target.select));
      if (files.length === 0) return { kind: 'none', reason: `no ${target.select} files under ${dir}` };
      return { kind: 'files', files: files.map((f) => ({ hostPath: f.hostPath, facts: f })) };
    }
  }
}
