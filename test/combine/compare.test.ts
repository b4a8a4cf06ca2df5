/**
 * compare <parent>: per-source R² by MAF, overlap and agreement, the combined row after combine, and the
 * HTML report — checked in headless Chromium when it is installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { runCompare } from '../../src/commands/compare.js';
import { combineSession, type Row } from './fixtures.js';
import { PARENT, rows, setupParent } from './parent-setup.js';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let results: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-compare-'));
  results = join(dir, 'results', '0badcafe-study');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** a rare variant only b carries: MAF of its dosages 0.1 → the 5–20 % bin */
const rare: Row = { chrom: 'chr20', pos: 35, info: 'R2=0.5', hds: [[0.4, 0], [0, 0]] };

async function parent() {
  return setupParent(dir, results, [
    { slug: 'h3africa', files: { '20': rows(10, 20, 30) }, empirical: true },
    { slug: 'ilifu', files: { '20': [...rows(10, 20).map((row) => ({ ...row, info: 'R2=0.7' })), rare] }, empirical: true },
  ]);
}

async function compare(db: string, options: { html?: string } = {}) {
  const { code, stdout } = await combineSession(dir, db).call(runCompare, { parent: PARENT.slice(0, 6), ...options }, { json: true });
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('compare <parent>', () => {
  it('R² by MAF per service, overlap, agreement; no combined row before combine', async () => {
    const report = await compare(await parent());
    expect(report.maf_bins).toEqual(['<0.5%', '0.5–1%', '1–5%', '5–20%', '>20%']);
    expect(report.sources.map((source: { label: string; variants: number; mean_r2: number; r2_by_maf: (number | null)[] }) => [source.label, source.variants, source.mean_r2, source.r2_by_maf])).toEqual([
      ['h3africa', 3, 0.9, [null, null, null, null, 0.9]],
      ['ilifu', 3, 0.6333, [null, null, null, 0.5, 0.7]],
    ]);
    expect(report.overlap).toEqual({ h3africa: 1, ilifu: 1, 'h3africa+ilifu': 2 });
    // the same dosages on both shared variants: perfect agreement
    expect(report.agreement).toEqual([{ a: 'h3africa', b: 'ilifu', shared: 2, compared: 2, mean_dosage_r2: 1, dosage_r2_by_maf: [null, null, null, null, 1] }]);
    expect(report.combined).toBeNull();
  });

  it('after combine, the combined set is one more row', async () => {
    const db = await parent();
    expect((await combineSession(dir, db).call(runCombine, { parent: PARENT })).code).toBe(0);
    const report = await compare(db);
    expect(report.combined).toMatchObject({ label: 'combined', method: 'meta', variants: 4, files: [join(results, 'combined', 'chr20.combined.dose.vcf.gz')] });
  });

  it('--html writes one self-contained file (0600) with the plots', async () => {
    const db = await parent();
    expect((await combineSession(dir, db).call(runCombine, { parent: PARENT })).code).toBe(0);
    await compare(db, { html: 'report.html' });
    const path = join(dir, 'report.html');
    const html = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // nothing fetched from anywhere: no scripts, stylesheets or images by URL
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(|https?:\/\//);
    expect(html.match(/<g class="series"/g)).toHaveLength(2);
    expect(html.match(/<g class="series combined"/g)).toHaveLength(1);
  });

  it.skipIf(!existsSync(CHROMIUM))('the HTML report renders in headless Chromium: no console errors, one series per service', async () => {
    const db = await parent();
    expect((await combineSession(dir, db).call(runCombine, { parent: PARENT })).code).toBe(0);
    await compare(db, { html: 'report.html' });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => !request.url().startsWith('file:') && problems.push(`request ${request.url()}`));
      await page.goto(`file://${join(dir, 'report.html')}`);
      expect(await page.locator('#r2-by-maf .series:not(.combined)').count()).toBe(2);
      expect(await page.locator('#r2-by-maf .series.combined').count()).toBe(1);
      expect(await page.locator('#r2-by-maf .series').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-label')))).toEqual(['h3africa', 'ilifu', 'combined (meta)']);
      expect(await page.locator('#overlap .bar').count()).toBe(3);
      const box = await page.locator('#r2-by-maf').boundingBox();
      expect(box!.width).toBeGreaterThan(500);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
