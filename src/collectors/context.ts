import type fs from 'node:fs';
import { HostFS, HostPathError } from './hostfs.js';
import { YamlError, parseYamlDocuments, type YamlDocument } from './yaml-source.js';
import type { Cluster } from '../model/cluster.js';
import type { Snapshot } from './snapshot.js';
import type { Host, SourceLocation } from '../model/types.js';
import { secretValuesIn, secretValuesOf } from '../model/secrets.js';
import { shapeProblems, shapesOf, type ShapeProblem, type ShapeTable } from './shapes.js';

/** What every collector of one host needs: its files, locations and a place for warnings. */
export class HostContext {
  readonly fs: HostFS;
  private readonly textCache = new Map<string, string | null>();
  private readonly yamlCache = new Map<string, YamlDocument[] | null>();
  /** uid → user name and gid → group name, from the host's own etc/passwd and etc/group. */
  private accounts?: { users: Map<number, string>; groups: Map<number, string> };

  constructor(
    readonly cluster: Cluster,
    readonly host: Host,
    /** The host root's path, or its HostFS when one is already open (what it resolved is kept). */
    root: string | HostFS,
    /** What the host's snapshot manifest records (file modes, versions). */
    readonly snapshot?: Snapshot,
  ) {
    this.fs = typeof root === 'string' ? new HostFS(root) : root;
  }

  /** The location of a host path, relative to the scan root. */
  at(hostPath: string, line?: number): SourceLocation {
    const inHost = hostPath.replace(/^\/+/, '');
    const file = this.host.prefix ? `${this.host.prefix}/${inHost}` : inHost;
    return line === undefined ? { host: this.host.name, root: this.host.root, file } : { host: this.host.name, root: this.host.root, file, line };
  }

  warn(hostPath: string, message: string): void {
    this.cluster.diagnostics.push({ level: 'warning', at: this.at(hostPath), message });
  }

  modeOf(hostPath: string, stat: fs.Stats): number | undefined {
    if (this.host.modes === 'snapshot') return this.snapshot?.modes?.get(hostPath);
    if (this.host.modes === 'filesystem') return stat.mode & 0o777;
    return undefined;
  }

  /**
   * "user:group" of a file: from the snapshot's manifest, or on a live node from the
   * file's uid and gid named through the host root's own etc/passwd and etc/group
   * (never the accounts of the machine kaudit runs on); numeric where no name is known.
   */
  ownerOf(hostPath: string, stat: fs.Stats): string | undefined {
    if (this.host.owners === 'snapshot') return this.snapshot?.owners?.get(hostPath);
    if (this.host.owners !== 'filesystem') return undefined;
    this.accounts ??= { users: this.readAccounts('/etc/passwd'), groups: this.readAccounts('/etc/group') };
    return `${this.accounts.users.get(stat.uid) ?? stat.uid}:${this.accounts.groups.get(stat.gid) ?? stat.gid}`;
  }

  /** `name:x:id:…` lines of passwd or group → id → name (the first name of an id wins, as getpwuid). */
  private readAccounts(hostPath: string): Map<number, string> {
    const names = new Map<number, string>();
    let text: string | undefined;
    try {
      text = this.fs.readFile(hostPath)?.data.toString('utf8');
    } catch {
      text = undefined;
    }
    for (const line of text?.split('\n') ?? []) {
      const [name, , id] = line.split(':');
      const number = Number(id);
      if (name && id !== undefined && /^\d+$/.test(id) && !names.has(number)) names.set(number, name);
    }
    return names;
  }

  /** Records the mode and owner of a file or folder the collectors saw. */
  recordFacts(hostPath: string, stat: fs.Stats): void {
    const mode = this.modeOf(hostPath, stat);
    const owner = this.ownerOf(hostPath, stat);
    this.cluster.addFileFacts({
      host: this.host.name,
      hostPath,
      isDirectory: stat.isDirectory(),
      ...(mode !== undefined ? { mode } : {}),
      ...(owner !== undefined ? { owner } : {}),
      at: this.at(hostPath),
    });
  }

  /** Records the facts of a path a setting names (a data folder the walk does not enter), when it exists. */
  recordFactsOf(hostPath: string): void {
    if (this.cluster.fileFacts(this.host.name, hostPath)) return;
    try {
      const resolved = this.fs.resolve(hostPath);
      if (resolved) this.recordFacts(hostPath, resolved.stat);
    } catch {
      // a link out of the host root or a loop: nothing is known of it
    }
  }

  /**
   * The host path a file really has, links resolved (kubelet-client-current.pem →
   * the rotated file): one file read through two links is one file in the model.
   */
  canonical(hostPath: string): string {
    try {
      const resolved = this.fs.resolve(hostPath);
      return resolved ? this.fs.hostPathOf(resolved.real) : hostPath;
    } catch {
      return hostPath;
    }
  }

  /** Reads a file's bytes; undefined (with a warning unless it is simply absent) when it cannot be read. */
  readBytes(hostPath: string): { data: Buffer; stat: fs.Stats } | undefined {
    try {
      const read = this.fs.readFile(hostPath);
      if (read) {
        (this.host.filesRead ??= new Set()).add(hostPath);
        this.recordFacts(hostPath, read.stat);
      }
      return read;
    } catch (error) {
      if (error instanceof HostPathError) this.warn(hostPath, error.message);
      else this.warn(hostPath, 'cannot be read');
      return undefined;
    }
  }

  /** Reads a text file once, however many collectors ask for it. */
  readText(hostPath: string): string | undefined {
    const cached = this.textCache.get(hostPath);
    if (cached !== undefined) return cached ?? undefined;
    const read = this.readBytes(hostPath);
    let text: string | null = null;
    if (read) {
      if (read.data.includes(0)) this.warn(hostPath, 'binary file where text was expected; skipped');
      else text = read.data.toString('utf8');
    }
    this.textCache.set(hostPath, text);
    if (text !== null) this.readSuppressions(hostPath, text);
    return text ?? undefined;
  }

  /**
   * `# kaudit-ignore RULE[,RULE]: reason` covers the first line below it that is not a
   * comment, so several can stand above one flag.
   */
  private readSuppressions(hostPath: string, text: string): void {
    if (!text.includes('kaudit-ignore')) return;
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (!/^\s*#\s*kaudit-ignore\b/.test(line)) return;
      const match = /^\s*#\s*kaudit-ignore\s+([a-z0-9/,*-]+)\s*:\s*(\S.*?)\s*$/.exec(line);
      if (!match) {
        this.warn(hostPath, `line ${index + 1}: kaudit-ignore must read "# kaudit-ignore <rule-id>[,<rule-id>…]: <reason>"; ignored`);
        return;
      }
      let covered = index + 1;
      while (covered < lines.length && /^\s*[#;]/.test(lines[covered])) covered++;
      const rules = match[1].split(',').filter(Boolean);
      this.cluster.suppressions.push({ rules, reason: match[2], at: this.at(hostPath, index + 1), fromLine: covered + 1, toLine: covered + 1, kind: 'comment' });
    });
  }

  /** Warns once per field of a document whose shape is not what kaudit reads there (shapes.ts). */
  checkShapes(hostPath: string, doc: YamlDocument, shapes: ShapeTable): void {
    this.warnOfShapes(hostPath, doc, shapeProblems(doc.data, shapes));
  }

  private warnOfShapes(hostPath: string, doc: YamlDocument, problems: ShapeProblem[]): void {
    for (const problem of problems) this.warn(hostPath, `line ${doc.lines.get(problem.path) ?? doc.line}: ${problem.message}`);
  }

  /**
   * Parses a YAML file once, however many collectors ask for it. Syntax errors are
   * warned about unless `quietUnlessYaml` is set and the text does not look like YAML
   * (a `.conf` may be a kubeconfig or something else entirely).
   */
  readYaml(hostPath: string, quietUnlessYaml = false): YamlDocument[] {
    const cached = this.yamlCache.get(hostPath);
    if (cached !== undefined) return cached ?? [];
    const text = this.readText(hostPath);
    let docs: YamlDocument[] | null = null;
    if (text !== undefined) {
      try {
        docs = parseYamlDocuments(text);
        // Secret values are known where they are parsed, whatever YAML style wrote them: every output masks them.
        const secrets = secretValuesOf(this.cluster);
        for (const doc of docs) {
          for (const value of secretValuesOfDocument(doc)) secrets.add(value);
          this.warnOfShapes(hostPath, doc, shapeProblemsOfDocument(doc));
        }
      } catch (error) {
        const looksLikeYaml = /^\s*(apiVersion|kind)\s*:/m.test(text);
        if (error instanceof YamlError && (!quietUnlessYaml || looksLikeYaml)) this.warn(hostPath, error.message);
      }
    }
    this.yamlCache.set(hostPath, docs);
    return docs ?? [];
  }
}

// A parsed document is shared by every host that holds the same text (yaml-source.ts): what
// is learnt of it is learnt once.
const documentSecrets = new WeakMap<YamlDocument, string[]>();
const documentShapeProblems = new WeakMap<YamlDocument, ShapeProblem[]>();

/** The secret values of a document, whatever YAML style wrote them. */
function secretValuesOfDocument(doc: YamlDocument): string[] {
  let values = documentSecrets.get(doc);
  if (!values) {
    const found: string[] = [];
    secretValuesIn(doc.data, (value) => found.push(value));
    documentSecrets.set(doc, (values = found));
  }
  return values;
}

/** The fields of a document whose shape is not what kaudit reads there (shapes.ts). */
function shapeProblemsOfDocument(doc: YamlDocument): ShapeProblem[] {
  let problems = documentShapeProblems.get(doc);
  if (!problems) {
    const shapes = shapesOf(doc.data);
    documentShapeProblems.set(doc, (problems = shapes ? shapeProblems(doc.data, shapes) : []));
  }
  return problems;
}
