import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaudit } from '../support/cli.js';
import { copyTree } from '../support/files.js';

interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
}
interface SarifLog {
  runs: Array<{
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Array<{ ruleId: string; locations: Location[]; relatedLocations?: Location[]; properties: { host?: string } }>;
  }>;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });
}

/** Every place a SARIF log points at, as GitHub reads it: the uri alone, against the repository's root. */
function places(log: SarifLog): Array<{ uri: string; line: number }> {
  return log.runs[0].results.flatMap((r) => [...r.locations, ...(r.relatedLocations ?? [])]).map((l) => ({ uri: decodeURIComponent(l.physicalLocation.artifactLocation.uri), line: l.physicalLocation.region.startLine }));
}

/** The file at a path in the repository's last commit, as GitHub would show it (undefined when there is none). */
function committed(repo: string, uri: string): string | undefined {
  try {
    return git(repo, 'show', `HEAD:${uri}`);
  } catch {
    return undefined;
  }
}

describe('SARIF URIs for GitHub code scanning: relative to the root of the repository', () => {
  let temp: string;
  let repo: string;
  beforeAll(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaudit-sarif-git-'));
    repo = path.join(temp, 'infra');
    copyTree('fixtures/example-cluster', path.join(repo, 'clusters', 'prod'));
    fs.writeFileSync(path.join(repo, 'README.md'), 'infrastructure\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'clusters');
  });
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  function scan(target: string, ...extra: string[]): SarifLog {
    const run = kaudit(['scan', target, '--now', '2026-12-01', '--format', 'sarif', '--fail-on', 'none', ...extra], { cwd: temp });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as SarifLog;
  }

  it('names, for a scan of a sub-folder, files that exist at that path in the repository, at real lines', () => {
    const log = scan(path.join(repo, 'clusters', 'prod'));
    const all = places(log);
    expect(all.length).toBeGreaterThan(28);
    for (const { uri, line } of all) {
      expect(uri.startsWith('clusters/prod/'), uri).toBe(true);
      const text = committed(repo, uri);
      expect(text, `${uri} is not in the repository`).toBeDefined();
      expect(line).toBeLessThanOrEqual(text!.split('\n').length);
    }
    // GitHub ignores originalUriBaseIds: it is there for other viewers, and names the repository's root.
    expect(log.runs[0].originalUriBaseIds.SRCROOT.uri).toBe(`${new URL(`file://${repo}/`).href}`);
    expect(log.runs[0].results.every((r) => typeof r.properties.host === 'string' && r.properties.host.length > 0)).toBe(true);
    expect(new Set(log.runs[0].results.map((r) => r.properties.host))).toEqual(new Set(['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2']));
  });

  it('does so from inside the repository, for one host root and for one file', () => {
    const host = scan('infra/clusters/prod/cp-2');
    expect(places(host).length).toBeGreaterThan(0);
    for (const { uri } of places(host)) expect(committed(repo, uri), uri).toBeDefined();
    const file = scan('infra/clusters/prod/worker-2/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
    expect(places(file).map((p) => p.uri)).toContain('clusters/prod/worker-2/var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem');
  });

  it('finds the work tree of a linked worktree (.git is a file there)', () => {
    const linked = path.join(temp, 'infra-review');
    git(repo, 'worktree', 'add', '-q', linked);
    expect(fs.statSync(path.join(linked, '.git')).isFile()).toBe(true);
    for (const { uri } of places(scan(path.join(linked, 'clusters', 'prod', 'cp-3')))) {
      expect(uri.startsWith('clusters/prod/cp-3/'), uri).toBe(true);
      expect(committed(repo, uri), uri).toBeDefined();
    }
  });

  it('takes --sarif-root, and without a repository is relative to the scanned path', () => {
    const rooted = scan(path.join(repo, 'clusters', 'prod'), '--sarif-root', path.join(repo, 'clusters'));
    expect(places(rooted).every(({ uri }) => uri.startsWith('prod/') && fs.existsSync(path.join(repo, 'clusters', uri)))).toBe(true);

    const outside = path.join(temp, 'loose');
    copyTree(path.join(repo, 'clusters', 'prod'), outside);
    const plain = scan(outside);
    expect(places(plain).every(({ uri }) => /^(cp|worker)-\d\//.test(uri) && fs.existsSync(path.join(outside, uri)))).toBe(true);
    expect(plain.runs[0].originalUriBaseIds.SCANROOT.uri).toBe(new URL(`file://${outside}/`).href);

    const wrong = kaudit(['scan', outside, '--format', 'sarif', '--sarif-root', repo]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.trim()).toBe(`kaudit: --sarif-root: ${outside} is not inside ${repo}`);
  });
});
