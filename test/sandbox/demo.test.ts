/**
 * `fedimpute demo` (runDemo in this process, not on a TTY, fake time): the whole job against the in-process
 * sandbox, results decrypted on disk in <keep>/<parent short id>-fedimpute-demo/<service slug>/, combined in
 * its combined/ folder, and the accuracy of each service and of the combination against the truth.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDemo } from '../../src/commands/demo.js';
import { loadWorld, worldFile } from '../../src/sandbox/world/cache.js';
import { displayWidth } from '../../src/output/width.js';
import { DEFAULT_WORLD } from '../../src/sandbox/world/spec.js';
import { tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';
import { jobRows } from '../helpers/store.js';

const temps: { cleanup: () => void }[] = [];
afterAll(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});
// the world is simulated once for the file (the demo caches it; each test gets a copy of the cache)
const cache = tempDir('fedimpute-demo-cache-');
beforeAll(() => loadWorld(DEFAULT_WORLD, cache.path), 60_000);
afterAll(() => cache.cleanup());

function files(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...files(path));
    else found.push(path);
  }
  return found;
}

const gzipMagic = Buffer.from([0x1f, 0x8b]);
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]/g;

// the sandbox's jobs move on the test's clock (the watch's sleeps): what is left is CPU, so the demos run one
// after the other (side by side they only shared the CPU, and under load all three ran into the time limit)
describe('fedimpute demo', () => {
  test('without --keep: everything in a temporary folder, nothing left in the current one; the world cached in $XDG_CACHE_HOME', async () => {
    const temp = tempDir('fedimpute-demo-test-');
    temps.push(temp);
    const home = tempDir('fedimpute-demo-home-');
    temps.push(home);
    cpSync(cache.path, join(home.path, 'fedimpute', 'sandbox'), { recursive: true });
    const work = join(temp.path, 'work');
    cpSync(cache.path, join(temp.path, 'unused'), { recursive: true });
    // on a terminal of 80 columns: its tables fit, and so do its headings and explanations (wrapped)
    const result = await session({ cwd: temp.path, env: { XDG_CACHE_HOME: home.path } }).call(runDemo, {}, { tty: true, columns: 80 });
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.code).toBe(0);
    const screen = (text: string) => text.split(/\r|\n/).map((line) => line.replace(CONTROL, '')).filter((line) => line.length > 0);
    for (const line of [...screen(result.stdout), ...screen(result.stderr)]) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(result.stdout.replace(CONTROL, '')).toMatch(/^sandbox-michigan( +population A)?( +(0\.\d{3}|1\.000|-)){5} +\d+\/\d+$/m);
    const prose = result.stderr.replace(CONTROL, '').replace(/\s+/g, ' ');
    expect(prose).toContain('── accuracy mean r² between imputed dosage and the true genotypes, by minor allele frequency (variants not on the chip)');
    expect(prose).toContain('✔ demo complete; the results were in a temporary folder, now removed (fedimpute demo --keep DIR keeps them)');
    // the current folder holds only what the test put there; the cache was used, not simulated again
    expect(readdirSync(temp.path)).toEqual(['unused']);
    expect(existsSync(work)).toBe(false);
    expect(readdirSync(join(home.path, 'fedimpute', 'sandbox')).length).toBeGreaterThan(0);
  });

  test('--keep DIR: check, submit --meta, watch, download and combine; the results, the input and its truth stay there, the world cached beside them', async () => {
    const temp = tempDir('fedimpute-demo-test-');
    temps.push(temp);
    const keep = join(temp.path, 'fedimpute-demo');
    // the cache place with --keep, <keep>/.fedimpute-sandbox, seeded so that the test does not simulate again
    cpSync(cache.path, join(keep, '.fedimpute-sandbox'), { recursive: true });
    const result = await session({ cwd: temp.path }).call(runDemo, { keep: 'fedimpute-demo' });
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.code).toBe(0);
    for (const step of ['sandbox', 'input', 'check', 'submit', 'watch', 'download', 'combine', 'results', 'accuracy']) {
      expect(result.stderr).toContain(`── ${step} `);
    }
    expect(existsSync(join(keep, 'input', 'chr20.vcf.gz'))).toBe(true);
    expect(existsSync(join(keep, 'input', 'truth.vcf.gz'))).toBe(true);
    expect(existsSync(worldFile(join(keep, '.fedimpute-sandbox'), DEFAULT_WORLD))).toBe(true);
    // the last table: a row per service with its panel's population, mean r² per MAF bin and its variants
    expect(result.stdout).toMatch(/^sandbox-michigan\tpopulation A(\t(0\.\d{3}|1\.000|-)){5}\t\d+\/\d+$/m);
    expect(result.stdout).toMatch(/^sandbox-wes\tpopulation B(\t(0\.\d{3}|1\.000|-)){5}\t\d+\/\d+$/m);
    // …and the combined row last: both panels' results meta-imputed
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^combined\tmeta of A \+ B(\t(0\.\d{3}|1\.000)){5}\t\d+\/\d+$/);
    expect(result.stderr).toMatch(/^method: meta \(every result has leave-one-out/m);
    const parents = readdirSync(keep).filter((name) => name !== 'input' && !name.startsWith('.'));
    expect(parents).toHaveLength(1);
    expect(parents[0]).toMatch(/^[0-9a-f]{8}-fedimpute-demo$/);
    const parentFolder = join(keep, parents[0]);
    expect(result.stderr).toContain(`✔ demo complete: decrypted and combined results in ${parentFolder}\n`);
    expect(readdirSync(parentFolder).sort()).toEqual(['combined', 'manifest.json', 'sandbox-michigan', 'sandbox-wes']);
    expect(readdirSync(join(parentFolder, 'combined')).sort()).toEqual(['chr20.combined.dose.vcf.gz', 'combine.json']);
    for (const slug of ['sandbox-michigan', 'sandbox-wes']) {
      const doses = files(join(parentFolder, slug)).filter((path) => path.endsWith('/chr20.dose.vcf.gz'));
      expect(doses, slug).toHaveLength(1);
      // --meta: both services wrote the leave-one-out dosages beside it
      expect(existsSync(doses[0].replace(/dose\.vcf\.gz$/, 'empiricalDose.vcf.gz')), slug).toBe(true);
      expect(readFileSync(doses[0]).subarray(0, 2)).toEqual(gzipMagic);
      // the summary names every file with its size (tab-separated off a TTY)
      expect(result.stdout).toContain(`${slug}\t${relative(join(parentFolder, slug), doses[0])}\t${readFileSync(doses[0]).length}\n`);
    }
    // Michigan zips come back decrypted: no encrypted chr_20.zip left beside the dose file
    expect(files(join(parentFolder, 'sandbox-michigan')).some((path) => path.endsWith('.zip'))).toBe(false);
    // the temporary store and the sandbox's registry and tokens are gone
    expect(readdirSync(temp.path)).toEqual(['fedimpute-demo']);
  });

  test('--db keeps the jobs in that store; --keep chooses the results folder; --json prints one summary document', async () => {
    const temp = tempDir('fedimpute-demo-test-');
    temps.push(temp);
    const db = join(temp.path, 'jobs.db');
    const keep = join(temp.path, 'out');
    const result = await session({ cwd: temp.path, env: { FEDIMPUTE_SANDBOX_CACHE: cache.path } }).call(runDemo, { keep }, { db, json: true });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      parent_job_id: string; results_dir: string; files: { service: string; path: string; bytes: number }[]; combined: { method: string; path: string };
      accuracy: { service: string; panel: string; bins: { maf: string; variants: number; imputed: number; mean_r2: number }[] }[];
    };
    // FEDIMPUTE_SANDBOX_CACHE names the cache: nothing cached in --keep
    expect(readdirSync(keep).some((name) => name.startsWith('.'))).toBe(false);
    expect(summary.accuracy.map((entry) => [entry.service, entry.panel])).toEqual([['sandbox-michigan', 'population A'], ['sandbox-wes', 'population B'], ['combined', 'meta of A + B']]);
    expect(summary.combined).toEqual({ method: 'meta', path: join(summary.results_dir, 'combined', 'chr20.combined.dose.vcf.gz') });
    for (const entry of summary.accuracy) {
      expect(entry.bins.map((bin) => bin.maf)).toEqual(['<0.5%', '0.5-1%', '1-5%', '5-20%', '>20%']);
      const common = entry.bins.at(-1)!;
      expect(common.imputed).toBeGreaterThan(100);
      expect(common.mean_r2).toBeGreaterThan(0.3);
      expect(common.mean_r2).toBeLessThan(1);
    }
    // the study is mostly of A's ancestry: A's panel imputes it better than B's
    const [michigan, wes, combined] = summary.accuracy.map((entry) => entry.bins);
    expect(michigan.at(-1)!.mean_r2).toBeGreaterThan(wes.at(-1)!.mean_r2);
    // why one federates: the meta-imputed results beat either service alone in every MAF bin, and hold every
    // variant either service imputed
    combined.forEach((bin, index) => expect(bin.mean_r2, bin.maf).toBeGreaterThan(Math.max(michigan[index].mean_r2, wes[index].mean_r2)));
    expect(combined.map((bin) => bin.imputed)).toEqual(combined.map((bin, index) => Math.max(bin.imputed, michigan[index].imputed, wes[index].imputed)));
    expect(summary.results_dir).toBe(join(keep, `${summary.parent_job_id.slice(0, 8)}-fedimpute-demo`));
    const doses = summary.files.filter((file) => file.path.endsWith('/chr20.dose.vcf.gz'));
    expect(doses.map((file) => file.service)).toEqual(['sandbox-michigan', 'sandbox-wes']);
    for (const dose of doses) {
      expect(dose.path.startsWith(join(summary.results_dir, dose.service, ''))).toBe(true);
      expect(readFileSync(dose.path).length).toBe(dose.bytes);
    }
    const rows = jobRows(db);
    const parent = rows.find((row) => row.id === summary.parent_job_id)!;
    expect(parent.status).toBe('completed');
    expect(rows.filter((row) => row.parent_job_id === parent.id).map((row) => [row.service_slug, row.status])).toEqual([
      ['sandbox-michigan', 'completed'],
      ['sandbox-wes', 'completed'],
    ]);
  });
});
