/**
 * What the compliance engine judges on each host — its components, one of each kind, and
 * the file facts of the host — gathered once, with indexes, so that no control scans
 * every file of the cluster.
 */
import type { Cluster } from '../model/cluster.js';
import type { Component, ComponentKind, FileFacts, Host, SourceLocation } from '../model/types.js';
import { placesOf, type LayoutPlaces } from './subjects-by-layout.js';

export interface Subject {
  host: string;
  /** The scanned host root, when the host is one (a node seen only through an API is not). */
  info?: Host;
  components: Map<ComponentKind, Component>;
  /** Where the host's layout keeps the files the controls judge. */
  places: LayoutPlaces;
}

/**
 * The component of a kind that stands for it on a host: the on-disk definition (what a
 * restart will run), else the running process, else what an API tells of it.
 */
function rank(component: Component): number {
  if (component.source === 'live') return 3;
  if (component.definedAt.root < 0) return 2;
  if (component.source === 'process') return 1;
  return 0;
}

export class Subjects {
  readonly list: Subject[] = [];
  private readonly hostsByName = new Map<string, Host>();
  private filesByHost?: Map<string, FileFacts[]>;

  constructor(readonly cluster: Cluster) {
    const byName = new Map<string, Subject>();
    const subject = (host: string): Subject => {
      let found = byName.get(host);
      if (!found) {
        const info = this.hostsByName.get(host);
        found = { host, ...(info ? { info } : {}), components: new Map(), places: placesOf(info) };
        byName.set(host, found);
        this.list.push(found);
      }
      return found;
    };
    for (const host of cluster.hosts) this.hostsByName.set(host.name, host);
    for (const component of cluster.components) {
      if (component.kind === 'container-runtime') continue;
      if (this.hostsByName.get(component.host)?.loose) continue;
      const s = subject(component.host);
      const current = s.components.get(component.kind);
      if (!current || rank(component) < rank(current)) s.components.set(component.kind, component);
    }
  }

  host(name: string): Host | undefined {
    return this.hostsByName.get(name);
  }

  /** Every file and folder of a host that the collectors saw (built once for all hosts). */
  filesOf(host: string): FileFacts[] {
    if (!this.filesByHost) {
      this.filesByHost = new Map();
      for (const facts of this.cluster.files) {
        const list = this.filesByHost.get(facts.host) ?? [];
        list.push(facts);
        this.filesByHost.set(facts.host, list);
      }
    }
    return this.filesByHost.get(host) ?? [];
  }

  /** The host path of a location in a scanned host root; undefined for a live source. */
  hostPathOf(at: SourceLocation): string | undefined {
    if (at.root < 0) return undefined;
    const host = this.hostsByName.get(at.host);
    if (!host) return undefined;
    const inHost = host.prefix && at.file.startsWith(`${host.prefix}/`) ? at.file.slice(host.prefix.length + 1) : at.file;
    return `/${inHost}`;
  }
}
