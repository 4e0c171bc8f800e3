/**
 * Weave Net run by systemd (weaveworks/weave site/install/systemd.md): a unit whose
 * ExecStartPre or ExecStart runs `weave launch` (or `launch-router`), or weaver itself.
 * The router encrypts when `WEAVE_PASSWORD` is in its environment (Environment=, or an
 * EnvironmentFile= such as /etc/sysconfig/weave) or `--password` is on its command line.
 * Only where the password is set is kept, never its value.
 */
import { splitWords, type Word } from './args.js';
import type { HostContext } from './context.js';
import { parseEnvironmentAssignments } from './envfile.js';
import { directives, expand, loadEnvironmentFiles, unitFiles, type UnitState } from './systemd.js';
import type { WeaveNet } from '../model/types.js';

const LAUNCH_KEYS = new Set(['ExecStart', 'ExecStartPre']);

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The words of a command line that launches the weave router, from the binary on. */
function launchWords(words: Word[]): Word[] | undefined {
  const start = words.findIndex((w, i) => (basename(w.text) === 'weave' && /^launch(-router)?$/.test(words[i + 1]?.text ?? '')) || basename(w.text) === 'weaver');
  return start < 0 ? undefined : words.slice(start);
}

/** Reads a unit (with its drop-ins) into a WeaveNet when it launches the weave router. */
export function weaveFromUnit(ctx: HostContext, unitName: string): WeaveNet | undefined {
  const files = unitFiles(ctx, unitName);
  const state: UnitState = { environment: new Map(), environmentFiles: [], directives: [] };
  const commands: Word[][] = [];
  for (const file of files) {
    const text = ctx.readText(file);
    if (text === undefined) continue;
    for (const d of directives(text)) {
      if (d.section !== 'Service') continue;
      const value = d.pieces.map((p) => p.text).join(' ').trim();
      if (LAUNCH_KEYS.has(d.key) && value !== '') {
        const words = d.pieces.flatMap((piece) => splitWords(piece.text).map((text) => ({ text, at: ctx.at(file, piece.line) })));
        // systemd's prefixes (`-`, `@`, `+`, `!`, `:`) belong to the command, not to its binary.
        if (words.length > 0) words[0].text = words[0].text.replace(/^[-@+!:]+/, '');
        commands.push(words);
      } else if (d.key === 'Environment') {
        for (const [name, v] of parseEnvironmentAssignments(value)) state.environment.set(name, { value: v, at: ctx.at(file, d.pieces[0].line) });
      } else if (d.key === 'EnvironmentFile') {
        state.environmentFiles.push({ path: value.replace(/^-/, ''), optional: value.startsWith('-'), at: ctx.at(file, d.pieces[0].line) });
      }
    }
  }
  const launch = commands.map((words) => launchWords(words)).find((words) => words !== undefined);
  if (!launch) return undefined;
  loadEnvironmentFiles(ctx, state);
  const weave: WeaveNet = { source: 'systemd', host: ctx.host.name, name: unitName, at: ctx.at(files[0], 1), unitPath: files[0] };
  const flag = expand(launch, state.environment).find((w) => w.text === '--password' || w.text === '-password' || w.text.startsWith('--password='));
  const variable = state.environment.get('WEAVE_PASSWORD');
  if (flag) weave.password = { how: '--password on the command line', at: flag.at };
  else if (variable && variable.value !== '') weave.password = { how: 'WEAVE_PASSWORD in the environment', at: variable.at };
  return weave;
}
