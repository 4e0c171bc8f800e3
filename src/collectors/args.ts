import type { ComponentKind, Setting, SourceLocation } from '../model/types.js';
import { isSecretSetting } from '../model/secrets.js';

/** One word of a command line and where it was written. */
export interface Word {
  text: string;
  at: SourceLocation;
}

const COMPONENT_BINARIES: Record<string, ComponentKind> = {
  etcd: 'etcd',
  'kube-apiserver': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  kubelet: 'kubelet',
  'kube-proxy': 'kube-proxy',
  containerd: 'container-runtime',
  crio: 'container-runtime',
  dockerd: 'container-runtime',
  'cri-dockerd': 'container-runtime',
};

/** hyperkube's sub-command names. */
const HYPERKUBE_COMMANDS: Record<string, ComponentKind> = {
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  proxy: 'kube-proxy',
  kubelet: 'kubelet',
};

export interface CommandLine {
  kind: ComponentKind;
  binary: string;
  /** The words after the binary (and after hyperkube's sub-command). */
  args: Word[];
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Which component a command line starts, if any: `/usr/local/bin/kube-apiserver`, `hyperkube apiserver`. */
export function identifyCommand(words: Word[]): CommandLine | undefined {
  if (words.length === 0) return undefined;
  const binary = basename(words[0].text);
  const kind = COMPONENT_BINARIES[binary];
  if (kind) return { kind, binary, args: words.slice(1) };
  if (binary === 'go-runner') {
    // kOps and the release images start components through go-runner: its own flags
    // (--log-file, --also-stdout) come first, then the component's command line.
    const start = words.findIndex((w, i) => i > 0 && !w.text.startsWith('-') && COMPONENT_BINARIES[basename(w.text)] !== undefined);
    return start > 0 ? identifyCommand(words.slice(start)) : undefined;
  }
  if (binary === 'hyperkube' && words.length > 1) {
    const sub = words[1].text;
    const subKind = HYPERKUBE_COMMANDS[sub] ?? COMPONENT_BINARIES[sub];
    if (subKind) return { kind: subKind, binary: sub, args: words.slice(2) };
  }
  return undefined;
}

/**
 * Turns words into flag settings: `--a=b`, `--a b`, bare `--a` (true), `-a`.
 * A value never starts with `-`, so `--a --b` gives two booleans, as pflag reads them
 * for boolean flags (the only ones that may stand bare).
 */
export function parseFlags(words: Word[]): Setting[] {
  const settings: Setting[] = [];
  for (let i = 0; i < words.length; i++) {
    const { text, at } = words[i];
    if (!text.startsWith('-') || text === '-' || text === '--') continue;
    const body = text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      settings.push(flagSetting(body.slice(0, eq), body.slice(eq + 1), at));
    } else if (i + 1 < words.length && !words[i + 1].text.startsWith('-')) {
      settings.push(flagSetting(body, words[i + 1].text, at));
      i++;
    } else {
      settings.push({ name: body, value: 'true', origin: 'flag', at });
    }
  }
  return settings;
}

/** A flag's setting, marked secret where its name says password, token, secret or key (model/secrets.ts). */
function flagSetting(name: string, value: string, at: SourceLocation): Setting {
  return isSecretSetting(name, value) ? { name, value, origin: 'flag', at, secret: true } : { name, value, origin: 'flag', at };
}

/** Splits a shell-like command line (systemd's ExecStart rules: quotes and backslash escapes). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
