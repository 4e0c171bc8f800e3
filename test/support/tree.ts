import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A folder of host roots under construction, for tests, the example cluster and the benchmark. */
export class TreeWriter {
  /** File modes to record in each host's snapshot manifest, by host. */
  private readonly modes = new Map<string, Record<string, string>>();
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

  /** Writes .kaudit-snapshot.json for every host with recorded modes (git keeps no modes). */
  writeSnapshotManifests(): void {
    for (const host of new Set([...this.modes.keys(), ...this.versions.keys()])) {
      const sorted = Object.fromEntries(Object.entries(this.modes.get(host) ?? {}).sort(([a], [b]) => a.localeCompare(b)));
      const versions = this.versions.get(host);
      fs.writeFileSync(path.join(this.dir, host, '.kaudit-snapshot.json'), `${JSON.stringify({ modes: sorted, ...(versions ? { versions } : {}) }, null, 2)}\n`);
    }
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
