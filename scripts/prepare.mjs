// The build that npm runs as `prepare`: after `npm ci` in a clone, before `npm pack`, and
// when a git URL is installed (npm clones it, installs its dependencies, runs this, packs
// the clone and installs that package). Plain Node.js: it runs before anything is built.
//
// `npm install -g <git url>` meets an npm bug (npm/cli#8440; npm/pacote#494 fixes it in
// later npm): npm installs the clone's dependencies with the global flag of the install,
// so that nested install installs no devDependencies and links the clone itself into the
// global folder, where npm then unpacks the package: into the clone, which it deletes.
// So: install the devDependencies into the clone from the lock file, and, in the install's
// own prepare step, put a folder back in place of that link. The dependencies are bundled
// (package.json), so nothing else is unpacked there while this runs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function npm(args, env) {
  const cli = process.env.npm_execpath;
  if (cli && cli.endsWith('.js')) run(process.execPath, [cli, ...args], env);
  else run(cli || 'npm', args, env);
}

/**
 * The nested install's link from the global folder to this clone, replaced by an empty
 * folder for the package to be unpacked into. Only for a clone npm made to install a git
 * URL (npm's cache holds it, under _cacache/tmp/git-clone…), never for `npm install -g .`
 * or `npm link` in a checkout, whose link is wanted; and only in the install's own prepare
 * step: pacote marks the nested install with _PACOTE_NO_PREPARE_, and that one keeps its link.
 */
function unlinkFromGlobalFolder() {
  const prefix = process.env.npm_config_prefix;
  if (process.env.npm_config_global !== 'true' || !prefix || process.env._PACOTE_NO_PREPARE_) return;
  if (!/[\\/]_cacache[\\/]tmp[\\/]git-clone[^\\/]*$/.test(realpathSync('.'))) return;
  const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
  const target = path.join(prefix, ...(process.platform === 'win32' ? [] : ['lib']), 'node_modules', name);
  try {
    if (!lstatSync(target).isSymbolicLink() || realpathSync(target) !== realpathSync('.')) return;
  } catch {
    return;
  }
  rmSync(target);
  mkdirSync(target);
}

if (!existsSync('node_modules/typescript/bin/tsc')) {
  // A local install into this folder, whatever the outer install was given.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(global|prefix|location)$/i.test(name)));
  npm(['install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--global=false'], env);
}
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
chmodSync('dist/cli/main.js', 0o755);
unlinkFromGlobalFolder();
