/**
 * Installing kaudit as the README says: from the git repository (`npm install -g <git url>`),
 * from a packed tarball (`npm pack`, installed without a registry), and the README's first
 * command in a fresh clone. The repository is this checkout as it stands (committed or
 * not), committed to a fresh repository in a temporary folder; installs go to temporary
 * prefixes. npm may use its cache (prefer-offline) but nothing else of this machine's setup.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const README = fs.readFileSync('README.md', 'utf8');

/** This process's environment without what npm passes to the scripts it runs (npm test): a user's shell. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_|^INIT_CWD$|^NODE$/i.test(name)));
  return { ...env, npm_config_prefer_offline: 'true', npm_config_fund: 'false', npm_config_audit: 'false', NO_COLOR: '1' };
}

function sh(command: string, args: string[], cwd: string, timeout = 240_000) {
  const run = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout });
  return { status: run.status, out: `${run.stdout}${run.stderr}`, stdout: run.stdout };
}

/** The files and links of this checkout that git would commit (tracked and new, not ignored), as they are now. */
function checkoutFiles(): string[] {
  const exists = (file: string) => {
    try {
      return fs.lstatSync(file).isFile() || fs.lstatSync(file).isSymbolicLink();
    } catch {
      return false; // deleted, not yet committed
    }
  };
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && exists(file));
}

function du(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

describe('installing kaudit', () => {
  let temp: string;
  let repo: string;
  beforeAll(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-install-'));
    repo = path.join(temp, 'kaudit');
    for (const file of checkoutFiles()) {
      const into = path.join(repo, file);
      fs.mkdirSync(path.dirname(into), { recursive: true });
      if (fs.lstatSync(file).isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(file), into);
        continue;
      }
      fs.copyFileSync(file, into);
      fs.chmodSync(into, fs.statSync(file).mode);
    }
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'kaudit');
  });
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('from the git repository: npm install -g <git url>', () => {
    const prefix = path.join(temp, 'git-prefix');
    const install = sh('npm', ['install', '-g', '--prefix', prefix, `git+file://${repo}`], temp);
    expect(install.status, install.out).toBe(0);
    const kaudit = path.join(prefix, 'bin', 'kaudit');
    expect(sh(kaudit, ['--version'], temp).stdout.trim()).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
    const scan = sh(kaudit, ['scan', path.join(repo, 'fixtures/example-cluster'), '--now', '2026-12-01'], temp);
    expect(scan.status).toBe(1);
    expect(scan.stdout).toContain('✖ 28 problems (16 errors, 11 warnings, 1 note) on 5 hosts');
    expect(sh(kaudit, ['explain', 'pki/shared-ca'], temp).stdout).toContain('WHY IT MATTERS');
    fs.writeFileSync(path.join(temp, 'bad.yaml'), 'expiryWindow: soon\n');
    const config = sh(kaudit, ['scan', path.join(repo, 'fixtures/example-cluster'), '--config', path.join(temp, 'bad.yaml')], temp);
    expect(config.status).toBe(2);
    expect(config.out).toMatch(/^kaudit: .*bad\.yaml:1: expiryWindow/m);

    // The README says how much room it takes.
    const installed = du(path.join(prefix, 'lib', 'node_modules', 'kaudit')) / 1e6;
    const said = Number(/installs? (?:about )?(\d+) MB/.exec(README)?.[1]);
    expect(said, 'the README states the install size').toBeGreaterThan(0);
    expect(Math.abs(installed - said) / said, `installed ${installed.toFixed(1)} MB, the README says ${said} MB`).toBeLessThan(0.1);
  }, 300_000);

  it('from a packed tarball, without a registry (its dependencies are bundled)', () => {
    const pack = sh('npm', ['pack', '--pack-destination', temp], repo);
    expect(pack.status, pack.out).toBe(0);
    const tarball = path.join(temp, `kaudit-${JSON.parse(fs.readFileSync('package.json', 'utf8')).version}.tgz`);
    expect(fs.existsSync(tarball)).toBe(true);
    const prefix = path.join(temp, 'tgz-prefix');
    const install = sh('npm', ['install', '-g', '--offline', '--prefix', prefix, tarball], temp);
    expect(install.status, install.out).toBe(0);
    const kaudit = path.join(prefix, 'bin', 'kaudit');
    const scan = sh(kaudit, ['scan', path.join(repo, 'fixtures/example-cluster'), '--now', '2026-12-01', '-f', 'sarif'], temp);
    expect(scan.status).toBe(1);
    expect(JSON.parse(scan.stdout).runs[0].results).toHaveLength(28);
    for (const shipped of ['LICENSE', 'README.md', 'dist/cli/main.js', 'rules-docs/pki/shared-ca.md', 'schema/kaudit-config.schema.json']) {
      expect(fs.existsSync(path.join(prefix, 'lib', 'node_modules', 'kaudit', shipped)), shipped).toBe(true);
    }
    expect(fs.existsSync(path.join(prefix, 'lib', 'node_modules', 'kaudit', 'src'))).toBe(false);
  }, 300_000);

  it('from a checkout: npm install -g . links it, as developers expect', () => {
    const checkout = path.join(temp, 'checkout');
    execFileSync('git', ['clone', '-q', repo, checkout]);
    const prefix = path.join(temp, 'link-prefix');
    const install = sh('npm', ['install', '-g', '--prefix', prefix, '.'], checkout);
    expect(install.status, install.out).toBe(0);
    expect(fs.realpathSync(path.join(prefix, 'lib', 'node_modules', 'kaudit'))).toBe(fs.realpathSync(checkout));
    expect(sh(path.join(prefix, 'bin', 'kaudit'), ['--version'], temp).status).toBe(0);
  }, 300_000);

  it("runs the README's first command in a fresh clone as written", () => {
    const first = /```sh\n(npm ci && npx kaudit scan [^\n#]*?)\s+#/.exec(README)?.[1];
    expect(first, "the README's first command").toBeDefined();
    const clone = path.join(temp, 'clone');
    execFileSync('git', ['clone', '-q', repo, clone]);
    const run = sh('sh', ['-c', first!], clone);
    expect(run.status, run.out).toBe(0);
    expect(run.stdout).toContain('✖ 28 problems (16 errors, 11 warnings, 1 note) on 5 hosts');
  }, 300_000);
});
