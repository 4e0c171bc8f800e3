import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/pipeline/scan.js';
import type { ScanResult } from '../../src/reporters/result.js';
import { formatText } from '../../src/reporters/text.js';
import { wrapWords } from '../../src/reporters/wrap.js';
import { writePair } from '../support/hosts.js';
import { PkiFactory } from '../support/pki.js';
import { TreeWriter } from '../support/tree.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const ANSI = /\u001b\[[0-9;]*m/g;

function exampleResult(): Promise<ScanResult> {
  return scan(['fixtures/example-cluster'], { now: NOW, rule: [], disable: [] }, '0.1.0');
}

/** Lines of a report that are wider than `width`: only a file header may be (a path is never cut there). */
function overlong(report: string, width: number): string[] {
  return report
    .replace(ANSI, '')
    .split('\n')
    .filter((line) => line.length > width && !/^\S+(  \(\S+\))?$/.test(line));
}

describe('the text report (ESLint stylish layout)', () => {
  let example: ScanResult;
  beforeAll(async () => {
    example = await exampleResult();
  });

  it('groups findings by file: a header, then `line  level  message  rule-id` entries', () => {
    const report = formatText(example, { color: false, width: 120 });
    const blocks = report.split('\n\n');
    const byFile = new Map(blocks.map((block) => [block.split('\n')[0], block]));
    for (const finding of example.findings) {
      const block = byFile.get(finding.at.file);
      expect(block, finding.at.file).toBeDefined();
      const entry = new RegExp(`^ +${finding.at.line} {2}${finding.level.padEnd(7)} {2}\\S`, 'm');
      expect(block).toMatch(entry);
      expect(block).toContain(finding.ruleId);
    }
    // The related places of a finding follow it, under the message column.
    expect(report).toMatch(/pki\/missing-san\n {15}↳ cp-2\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml:39 \(--tls-cert-file\)/);
    expect(report).toContain('✖ 28 problems (16 errors, 11 warnings, 1 note) on 5 hosts\nchecked: 5 hosts, 17 components, 59 certificates\n');
  });

  it('fits 80 and 120 columns, and keeps every character of every message and rule ID', () => {
    for (const width of [80, 120]) {
      const report = formatText(example, { color: false, width });
      expect(overlong(report, width)).toEqual([]);
      // An entry is its first line and the lines under its message column, up to a related place.
      const entries: string[] = [];
      for (const line of report.split('\n')) {
        const first = /^ +\d+ {2}(?:error|warning|note) +(.*)$/.exec(line);
        if (first) entries.push(first[1]);
        else if (/^ {15}(?!↳)\S/.test(line) && entries.length) entries[entries.length - 1] += line;
        else if (!/^ {15}/.test(line)) entries.push('');
      }
      const squeeze = (text: string) => text.replace(/\s+/g, '');
      expect(entries.filter(Boolean).map(squeeze)).toEqual(example.findings.map((f) => squeeze(`${f.message}${f.ruleId}`)));
    }
    // 120 columns need fewer lines than 80.
    expect(formatText(example, { color: false, width: 120 }).split('\n').length).toBeLessThan(formatText(example, { color: false, width: 80 }).split('\n').length);
  });

  it('colours levels, file names and rule IDs only when asked to, and the layout stays the same', () => {
    const plain = formatText(example, { color: false, width: 80 });
    const coloured = formatText(example, { color: true, width: 80 });
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toContain('\u001b[31merror  \u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
    expect(coloured).toContain('\u001b[4mcp-1/etc/kubernetes/manifests/etcd.yaml\u001b[0m');
    expect(coloured.replace(ANSI, '')).toBe(plain);
  });

  it('shows only the levels asked for, and says what it left out; the counts stay whole', () => {
    const errors = formatText(example, { color: false, width: 200, minLevel: 'error' });
    expect(errors).not.toMatch(/^ +\d+ {2}(warning|note) /m);
    expect(errors.match(/^ +\d+ {2}error /gm)).toHaveLength(16);
    expect(errors).toContain('✖ 28 problems (16 errors, 11 warnings, 1 note) on 5 hosts');
    expect(errors).toContain('11 warnings and 1 note not shown (showing errors)');
    const warnings = formatText(example, { color: false, width: 200, minLevel: 'warning' });
    expect(warnings.match(/^ +\d+ {2}(error|warning) /gm)).toHaveLength(27);
    expect(warnings).toContain('1 note not shown (showing warnings and above)');
    expect(formatText(example, { color: false, width: 200, minLevel: 'note' })).not.toContain('not shown');
  });

  it('says when nothing was found', async () => {
    const clean = await scan(['fixtures/example-cluster'], { now: NOW, rule: ['pki/shared-ca'], disable: [] }, '0.1.0');
    expect(formatText(clean, { color: false })).toBe(
      [
        '✔ no problems (5 hosts, 17 components, 59 certificates checked)',
        '  cp-1: kubeadm v1.29.3 control-plane',
        '  cp-2: kubeadm v1.29.3 control-plane',
        '  cp-3: kubeadm v1.29.3 control-plane',
        '  worker-1: kubeadm (version unknown) worker',
        '  worker-2: kubeadm v1.30.2 worker',
        '',
      ].join('\n'),
    );
  });

  describe('on a tree whose file names carry terminal escapes', () => {
    let tree: TreeWriter;
    beforeAll(async () => {
      tree = TreeWriter.temp();
      const pki = new PkiFactory();
      const ca = await pki.ca('kubernetes');
      writePair(tree, 'node', '/etc/kubernetes/pki/\u001b[2J\u001b]0;owned\u0007evil', await pki.leaf(ca, 'evil\u001b[31m', { validFromDays: -60, validForDays: -2 }));
    });
    afterAll(() => tree.cleanup());

    it('prints them escaped (terminalSafe): no control character reaches the terminal', async () => {
      const result = await scan([tree.dir], { now: new Date(), rule: ['pki/cert-expired'], disable: [] }, '0.1.0');
      expect(result.findings).toHaveLength(1);
      const report = formatText(result, { color: false, width: 80 });
      expect(report).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(report).toContain('\\x1b[2J\\x1b]0;owned\\x07evil.crt');
    });
  });
});

describe('wrapWords', () => {
  it('keeps words whole and lines within the width; a word longer than a line is cut after a /', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('see /etc/kubernetes/pki/apiserver.crt now', 16)).toEqual(['see', '/etc/kubernetes/', 'pki/', 'apiserver.crt', 'now']);
    expect(wrapWords('aaaaaaaaaaaa', 5)).toEqual(['aaaaa', 'aaaaa', 'aa']);
    expect(wrapWords('', 10)).toEqual(['']);
    expect(wrapWords('a b c d', 3, 1)).toEqual(['a b', 'c', 'd']);
  });
});
