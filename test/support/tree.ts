import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A folder of host roots under construction, for tests, the example cluster and the benchmark. */
export class TreeWriter {
  /** File modes to record in each host's snapshot manifest, by host. */
  private readonly modes = new Map<string, Record<string, string>>();
  /** File and folder owners ("user:group") to record in each host's snapshot manifest, by host. */
  private readonly owners = new Map<string, Record<string, string>>();
  /** Versions to record in each host's snapshot manifest (`kaudit collect` writes them), by host. */
  private readonly versions = new Map<string, Record<string, string>>();

  /** Records a version in the host's snapshot manifest (`k3s: v1.31.4+k3s1`, `kubelet: 1.29.3`). */
  recordVersion(host: string, name: string, version: string): void {
    this.versions.set(host, { ...(this.versions.get(host) ?? {}), [name]: version });
  }

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  static temp(prefix = 'kaudit-test-'): TreeWriter {
    return new TreeWriter(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  }

  /** Real path of a host path (`/etc/...`) of a host ('' for a single host root). */
  real(host: string, hostPath: string): string {
    return path.join(this.dir, host, ...hostPath.split('/').filter(Boolean));
  }

  /** Writes a file; `mode` is both set on disk and recorded in the host's snapshot manifest. */
  write(host: string, hostPath: string, content: string | Buffer, mode?: number): string {
    const real = this.real(host, hostPath);
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.writeFileSync(real, content);
    if (mode !== undefined) {
      fs.chmodSync(real, mode);
      const modes = this.modes.get(host) ?? {};
      modes[hostPath] = mode.toString(8).padStart(4, '0');
      this.modes.set(host, modes);
    }
    return real;
  }

  /** Records a mode for a file or folder that exists (a folder: etcd's data, the PKI folder), as `kaudit collect` would. */
  setMode(host: string, hostPath: string, mode: number): void {
    fs.mkdirSync(path.dirname(this.real(host, hostPath)), { recursive: true });
    const modes = this.modes.get(host) ?? {};
    modes[hostPath] = mode.toString(8).padStart(4, '0');
    this.modes.set(host, modes);
  }

  /** Records the owner of a file or folder in the host's snapshot manifest, as `kaudit collect` would. */
  setOwner(host: string, hostPath: string, owner: string): void {
    const owners = this.owners.get(host) ?? {};
    owners[hostPath] = owner;
    this.owners.set(host, owners);
  }

  /** Records one owner for every file and folder of a host, as `kaudit collect` on a node whose files are all that user's would. */
  ownAll(host: string, owner: string): void {
    const root = this.real(host, '/');
    const visit = (hostPath: string): void => {
      this.setOwner(host, hostPath, owner);
      const real = this.real(host, hostPath);
      const stat = fs.lstatSync(real);
      if (!stat.isDirectory()) return;
      for (const name of fs.readdirSync(real)) if (name !== '.kaudit-snapshot.json') visit(path.posix.join(hostPath, name));
    };
    for (const name of fs.readdirSync(root)) if (name !== '.kaudit-snapshot.json') visit(`/${name}`);
  }

  /** Makes a folder (etcd's data folder) that holds no file of interest. */
  mkdir(host: string, hostPath: string, mode?: number): void {
    fs.mkdirSync(this.real(host, hostPath), { recursive: true });
    if (mode !== undefined) this.setMode(host, hostPath, mode);
  }

  symlink(host: string, hostPath: string, target: string): void {
    const real = this.real(host, hostPath);
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.rmSync(real, { force: true });
    fs.symlinkSync(target, real);
  }

  remove(host: string, hostPath: string): void {
    fs.rmSync(this.real(host, hostPath), { force: true, recursive: true });
  }

  read(host: string, hostPath: string): string {
    return fs.readFileSync(this.real(host, hostPath), 'utf8');
  }

  /** Writes .kaudit-snapshot.json for every host with recorded modes or owners (git keeps neither). */
  writeSnapshotManifests(): void {
    const sorted = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
    for (const host of new Set([...this.modes.keys(), ...this.owners.keys(), ...this.versions.keys()])) {
      const modes = this.modes.get(host);
      const owners = this.owners.get(host);
      const versions = this.versions.get(host);
      const manifest = { ...(modes ? { modes: sorted(modes) } : {}), ...(owners ? { owners: sorted(owners) } : {}), ...(versions ? { versions } : {}) };
      fs.mkdirSync(path.join(this.dir, host), { recursive: true });
      fs.writeFileSync(path.join(this.dir, host, '.kaudit-snapshot.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
