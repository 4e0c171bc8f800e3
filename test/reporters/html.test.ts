import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { kaudit } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');
const REPORT = path.join(OUTPUT, 'example-report.html');

interface JsonReport {
  summary: { error: number; warning: number; note: number; hosts: number; components: number; certificates: number };
  findings: Array<{ ruleId: string; file: string; related: Array<{ file: string }> }>;
}

function scanExample(format: 'html' | 'json', output?: string) {
  return kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--fail-on', 'none', '--format', format, ...(output ? ['--output', output] : [])]);
}

describe('HTML report', () => {
  let json: JsonReport;
  beforeAll(() => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    expect(scanExample('html', REPORT).status).toBe(0);
    json = JSON.parse(scanExample('json').stdout) as JsonReport;
  });

  it('is one self-contained file: no script, nothing loaded from elsewhere', () => {
    const html = fs.readFileSync(REPORT, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('counts what the JSON summary counts: certificates are every copy, distinct ones said beside', () => {
    const html = fs.readFileSync(REPORT, 'utf8');
    const box = (label: string) => new RegExp(`<div class="${label}"><b>(\\d+)</b>`).exec(html)?.[1];
    for (const label of ['hosts', 'components', 'certificates'] as const) expect(box(label), label).toBe(String(json.summary[label]));
    // kubeadm copies CAs to every control plane: the picture has fewer boxes than files.
    const distinct = Number(/<div class="certificates">.*?\((\d+) distinct\)/.exec(html)?.[1]);
    expect(distinct).toBeGreaterThan(0);
    expect(distinct).toBeLessThan(json.summary.certificates);
  });

  it("marks certificates as expiring within the scan's expiry window", () => {
    const marks = (...extra: string[]) => (kaudit(['scan', 'fixtures/example-cluster', '--now', '2026-12-01', '--fail-on', 'none', '--format', 'html', ...extra]).stdout.match(/data-mark="expiring"/g) ?? []).length;
    // front-proxy-client of cp-3 expires 12 days after --now.
    expect(marks()).toBe(1);
    expect(marks('--expiry-window', '7d')).toBe(0);
  });

  // Chromium is installed by .ci/run; on a machine without it the browser half is skipped, never in CI.
  describe.skipIf(!fs.existsSync(CHROMIUM) && !process.env.CI)('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    }, 60_000);
    afterAll(async () => browser?.close());

    it('loads without console errors and shows the planted defects of the example', async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await page.goto(`file://${REPORT}`);

      // The summary says what the JSON report says.
      for (const [label, count] of [['errors', json.summary.error], ['warnings', json.summary.warning], ['notes', json.summary.note]] as const) {
        expect(await page.locator(`#summary .${label} b`).textContent()).toBe(String(count));
      }
      // Every finding is in the table by host.
      expect(await page.locator('#by-host tr').count()).toBe(json.findings.length);

      // The PKI picture marks the certificates of the planted shared key pair and the expired one.
      const certBox = (file: string) => page.locator(`li.cert[title*="${file}"]`);
      const shared = json.findings.find((f) => f.ruleId === 'pki/shared-keypair');
      const expired = json.findings.find((f) => f.ruleId === 'pki/cert-expired');
      if (!shared || !expired) throw new Error('the example lost its planted shared key pair or expired certificate');
      for (const file of [shared.file, ...shared.related.map((r) => r.file)]) {
        expect(await certBox(file).locator(':scope > [data-mark="shared-key"]').count()).toBe(1);
        expect(await certBox(file).locator(':scope > .name').evaluate((el) => getComputedStyle(el).borderStyle)).toBe('dashed');
      }
      expect(await certBox(expired.file).locator(':scope > [data-mark="expired"]').count()).toBe(1);
      // The timeline draws the expired certificate in red.
      expect(await page.locator('svg.timeline .lifetime.expired rect').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('svg.timeline .lifetime.expired rect').first().evaluate((el) => getComputedStyle(el).fill)).toBe('rgb(198, 40, 40)');

      await page.screenshot({ path: path.join(OUTPUT, 'example-report.png'), fullPage: true });
      expect(fs.statSync(path.join(OUTPUT, 'example-report.png')).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
