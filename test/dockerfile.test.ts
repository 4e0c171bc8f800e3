/**
 * The container image (Dockerfile) holds everything the built CLI reads at run time.
 * docker cannot run here, so the test reads the Dockerfile, lays out the image's
 * /opt/kaudit as its final stage would (from this checkout, built by npm test), runs the CLI
 * from that folder with every file it reads recorded, and checks that it read nothing
 * the image does not hold.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceReads } from './support/read-trace.js';

const REPO = path.resolve('.');

interface Stage {
  name?: string;
  workdir: string;
  copies: Array<{ from?: string; sources: string[]; dest: string }>;
  runs: string[];
}

/** The stages of a Dockerfile: their WORKDIR, COPY and RUN instructions (continuation lines joined). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const stage = stages[stages.length - 1];
    switch (instruction.toUpperCase()) {
      case 'FROM':
        stages.push({ ...(/\bAS\s+(\S+)/i.exec(line) ? { name: /\bAS\s+(\S+)/i.exec(line)![1] } : {}), workdir: '/', copies: [], runs: [] });
        break;
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, rest[0]);
        break;
      case 'COPY': {
        const flags = rest.filter((a) => a.startsWith('--'));
        const args = rest.filter((a) => !a.startsWith('--'));
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        stage.copies.push({ ...(from ? { from } : {}), sources: args.slice(0, -1), dest: path.posix.resolve(stage.workdir, args[args.length - 1]) + (args[args.length - 1].endsWith('/') ? '/' : '') });
        break;
      }
      case 'RUN':
        stage.runs.push(rest.join(' '));
        break;
    }
  }
  return stages;
}

/** Where each COPY puts its sources: a destination ending in / receives them by name. */
function placements(stage: Stage): Array<{ from?: string; source: string; target: string }> {
  return stage.copies.flatMap((copy) => copy.sources.map((source) => ({ ...(copy.from ? { from: copy.from } : {}), source, target: copy.dest.endsWith('/') ? path.posix.join(copy.dest, path.posix.basename(source)) : copy.dest })));
}

/** The production dependencies (and theirs), as `npm prune --omit=dev` leaves them. */
function productionPackages(): Set<string> {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8' });
  return new Set(out.split('\n').filter((p) => p.includes(`${path.sep}node_modules${path.sep}`)).map((p) => path.relative(REPO, p)));
}

/** `node_modules/@scope/name/...` or `node_modules/name/...` → the package folder, nested ones included. */
function packageOf(relative: string): string {
  const parts = relative.split(path.sep);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== 'node_modules') break;
    const name = parts[i + 1]?.startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
    out.push('node_modules', ...name.split('/'));
    i += name.split('/').length;
  }
  return out.join(path.sep);
}

describe('the Dockerfile', () => {
  const stages = parseDockerfile(fs.readFileSync('Dockerfile', 'utf8'));
  const final = stages[stages.length - 1];
  const build = stages.find((s) => s.name === 'build')!;
  let image: string;
  let work: string;

  beforeAll(() => {
    // The final stage's /opt/kaudit, laid out from this checkout: build-stage paths map to
    // the checkout (npm test has built dist/), node_modules to the checkout's (a superset of
    // the pruned one; what is read from it is checked against the production packages).
    image = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-image-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-image-work-'));
    for (const { from, source, target } of placements(final)) {
      if (!target.startsWith(`${final.workdir}/`)) continue;
      const local = from ? path.join(REPO, path.posix.relative(build.workdir, source)) : path.join(REPO, source);
      const into = path.join(image, path.posix.relative(final.workdir, target));
      fs.mkdirSync(path.dirname(into), { recursive: true });
      if (path.basename(local) === 'node_modules') fs.symlinkSync(local, into);
      else fs.cpSync(local, into, { recursive: true });
    }
  });
  afterAll(() => {
    fs.rmSync(image, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('builds with what the build needs, and prunes the devDependencies', () => {
    const copied = placements(build).map((p) => p.source);
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts/prepare.mjs']) expect(copied).toContain(needed);
    expect(build.runs.join('\n')).toMatch(/npm ci\b/);
    expect(build.runs.join('\n')).toMatch(/node scripts\/prepare\.mjs && npm prune --omit=dev/);
    // What the context holds is what .dockerignore lets through: not a host's node_modules or dist.
    const ignored = fs.readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist']));
  });

  it('holds every file the built CLI reads, for every command and report', () => {
    const cluster = path.join(work, 'cluster');
    fs.cpSync('fixtures/example-cluster', cluster, { recursive: true });
    fs.writeFileSync(path.join(work, 'bad.yaml'), 'rules:\n  pki/cert-expired: sometimes\n');
    const kubeconfig = path.join(work, 'kubeconfig');
    fs.writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {token: abc}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n');
    const cli = path.join(image, 'dist/cli/main.js');
    const commands: string[][] = [
      ['--version'],
      ['--help'],
      ['rules'],
      ['rules', '--format', 'json'],
      ['rules', 'pki/shared-ca'],
      ['explain', 'etcd/even-members'],
      ...['text', 'json', 'sarif', 'junit', 'html'].map((format) => ['scan', cluster, '--now', '2026-12-01', '-f', format, '-o', path.join(work, `report.${format}`)]),
      ['scan', cluster, '--config', path.join(work, 'bad.yaml')],
      ['fix', cluster, '--now', '2026-12-01', '--format', 'json'],
      ['collect', '--host-root', path.join(cluster, 'cp-1'), '--output', path.join(work, 'snapshots')],
      ['scan', '--kubeconfig', kubeconfig, '--request-timeout', '2s', '--fail-on', 'none'],
    ];
    const entries = new Set<string>();
    const packages = new Set<string>();
    for (const args of commands) {
      const run = traceReads(cli, args, { cwd: work });
      expect(run.status, `kaudit ${args.join(' ')}: ${run.stderr}`).toBeLessThanOrEqual(2);
      expect(run.stderr, args.join(' ')).not.toMatch(/internal error|ENOENT|Cannot find/);
      for (const read of run.reads) {
        if (read.startsWith(`${image}${path.sep}`)) entries.add(path.relative(image, read).split(path.sep)[0]);
        else if (read.startsWith(`${REPO}${path.sep}node_modules${path.sep}`)) packages.add(packageOf(path.relative(REPO, read)));
        else if (read.startsWith(`${REPO}${path.sep}`) || read === REPO) throw new Error(`kaudit ${args.join(' ')} read ${read}, which is not in the image`);
      }
    }
    // What it read is what the image holds, no less.
    const inImage = new Set(placements(final).map((p) => path.posix.relative(final.workdir, p.target).split('/')[0]));
    for (const entry of entries) expect(inImage, `the image lacks ${entry}`).toContain(entry);
    for (const needed of ['dist', 'package.json', 'rules-docs', 'schema']) expect(entries).toContain(needed);
    // Every package it loaded survives npm prune --omit=dev.
    const production = productionPackages();
    for (const pkg of packages) expect(production, `${pkg} is not a production dependency`).toContain(pkg);
    expect([...packages].some((p) => p.includes('@kubernetes'))).toBe(true);
  }, 240_000);
});
