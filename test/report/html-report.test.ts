import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/report-model.js';
import { escapeHtml, renderHtmlReport } from '../../src/report/html-report.js';
import { ROOT } from '../helpers/built-cli.js';
import { largeTrace, richTrace } from './fixture-trace.js';

/** Debian's chromium, or CHROMIUM_PATH. */
const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => p !== undefined && p !== '');
const executable = CANDIDATES.find((p) => existsSync(p));
if (executable === undefined) console.warn(`html-report browser tests skipped: no Chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);

describe('renderHtmlReport (text)', () => {
  it('escapes what a model or tool wrote', async () => {
    const entries = await richTrace();
    const hostile = entries.map((e) => (e.type === 'assistant_message' ? { ...e, content: '<script>alert(1)</script>' } : e));
    const html = renderHtmlReport(buildReportModel(hostile));
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(html).toContain("default-src 'none'");
  });
});

describe.skipIf(executable === undefined)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'toolgraph-report-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executable as string, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report file; returns the page, the console errors and every request other than the page's own. */
  async function open(html: string, name: string, width = 1440) {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  it('loads with no console error and no request, one row per call with its label and a bar per execution; writes the screenshot', async () => {
    const model = buildReportModel(await richTrace());
    const { page, errors, requests } = await open(renderHtmlReport(model), 'report.html');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const rows = await page.$$eval('svg.timeline g.call', (gs) =>
      gs.map((g) => ({
        id: g.getAttribute('data-id'),
        tool: g.getAttribute('data-tool'),
        label: g.querySelector('text.label')?.textContent,
        bars: g.querySelectorAll('rect.bar').length,
        hedges: g.querySelectorAll('rect.bar.hedge').length,
        retries: g.querySelectorAll('rect.bar.retry').length,
        waits: [...g.querySelectorAll('rect.wait')].map((w) => w.getAttribute('class')),
        width: Math.max(0, ...[...g.querySelectorAll('rect.bar')].map((b) => b.getBoundingClientRect().width)),
      })),
    );
    expect(rows.map((r) => r.id)).toEqual(model.calls.map((c) => c.id));
    for (const [i, r] of rows.entries()) {
      const call = model.calls[i];
      expect(r.tool).toBe(call?.tool);
      expect(r.label).toBe(`${call?.id} ${call?.tool}`);
      expect(r.bars).toBe(call?.executions.length);
      if (r.bars > 0) expect(r.width).toBeGreaterThan(0);
    }
    const by = new Map(rows.map((r) => [r.id, r]));
    expect(by.get('idx')?.hedges).toBe(1);
    expect(by.get('api')?.retries).toBe(1);
    expect(by.get('after')?.bars).toBe(0);
    expect(by.get('f2')?.waits).toEqual(['wait wait-conflict']);
    expect(await page.$$eval('svg.timeline g.call.critical', (gs) => gs.map((g) => g.getAttribute('data-id')))).toEqual(model.calls.filter((c) => c.critical).map((c) => c.id));
    expect(await page.$eval('g.call.straggler[data-id="s6"] text.note', (t) => t.textContent)).toMatch(/^⚠ straggler \d+\.\d×$/);
    expect(await page.$eval('g.call.wasted[data-id="s5"] text.note', (t) => t.textContent)).toBe('wasted (unconsumed)');
    // Each turn's DAG: its calls and its edges.
    expect(await page.$$eval('section.dag', (s) => s.map((x) => [x.querySelectorAll('g.node').length, x.querySelectorAll('path.edge').length]))).toEqual([[11, 6], [7, 1]]);
    mkdirSync(join(ROOT, 'docs', 'img'), { recursive: true });
    const bottom = await page.$eval('div.scroll', (d) => d.getBoundingClientRect().bottom);
    await page.screenshot({ path: join(ROOT, 'docs', 'img', 'report.png'), clip: { x: 0, y: 0, width: 1440, height: Math.ceil(bottom) + 16 } });
    await page.close();
  });

  it('stays readable at 1,000 calls: every row drawn, labels inside their rows, no errors', async () => {
    const model = buildReportModel(await largeTrace(1000));
    const html = renderHtmlReport(model);
    const { page, errors, requests } = await open(html, 'large.html');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$$eval('svg.timeline g.call', (gs) => gs.length)).toBe(1000);
    // Rows do not overlap: each label sits below the one before it.
    const tops = await page.$$eval('svg.timeline g.call text.label', (ts) => ts.map((t) => t.getBoundingClientRect().top));
    for (let i = 1; i < tops.length; i++) expect((tops[i] as number) - (tops[i - 1] as number)).toBeGreaterThanOrEqual(14);
    // The DAG wraps tall columns instead of drawing 1,000 calls in one.
    const dag = await page.$eval('section.dag svg', (s) => ({ w: Number(s.getAttribute('width')), h: Number(s.getAttribute('height')) }));
    expect(dag.h).toBeLessThan(1000);
    expect(html.length).toBeLessThan(3_000_000);
    await page.close();
  });
});
