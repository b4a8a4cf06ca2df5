/**
 * combine and compare after the real flow against the emulators, which impute a simulated study for real
 * (issue 13): submit --meta --no-phasing → watch → download → combine <parent> → compare, in-process.
 * Two Michigan services whose panels come from the two populations of the world: meta-imputation; the
 * sandbox's own pair (Minimac4-style Michigan, Beagle-style WES): best-r2, and why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { runCombine } from '../../src/commands/combine.js';
import { runCompare } from '../../src/commands/compare.js';
import { runDownload } from '../../src/commands/download.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { loadTruth, score } from '../../src/sandbox/accuracy.js';
import { TINY_WORLD } from '../../src/sandbox/world/spec.js';
import { worldFor } from '../../src/sandbox/world/cache.js';
import { writeStudyVcf, writeTruthVcf } from '../../src/sandbox/world/study-files.js';
import { runCli } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { hasTool } from './fixtures.js';

const world = worldFor(TINY_WORLD);
const timing = { queuedMs: 0, runningMs: 0, exportingMs: 0, filesDelayMs: 0 };
let fed: Federation;
let study: string;
let truth: string;

beforeAll(async () => {
  fed = await startFederation({ michigan: [{ world, worldPanel: 'A', timing }, { world, worldPanel: 'B', timing }] });
  study = join(fed.dir, 'study.vcf.gz');
  truth = join(fed.dir, 'truth.vcf.gz');
  await writeStudyVcf(world, study);
  await writeTruthVcf(world, truth);
});
afterAll(() => fed.close());

/** a command in this process; every step must succeed */
async function run<Options>(command: (options: Options, context: Context) => Promise<number>, options: Options, json = false) {
  const result = await fed.call(command, options, { json });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('combine <parent> after submit → watch → download', () => {
  it('meta-imputes the two panels\' results; compare shows the combined set', async () => {
    const submitted = await run(runSubmit, { services: '1,2', meta: true, phasing: false, name: 'study', files: [study] }, true);
    const parent = JSON.parse(submitted.stdout).parent_job_id as string;
    await run(runWatch, { parent, interval: '0' });
    await run(runDownload, { parent, out: 'results' });

    const summary = JSON.parse((await run(runCombine, { parent: parent.slice(0, 8) }, true)).stdout);
    expect(summary).toMatchObject({ method: 'meta', absent: 'fixed', parent_job_id: parent, samples: TINY_WORLD.studySamples });
    expect(summary.sources.map((source: { label: string; empirical: boolean }) => [source.label, source.empirical])).toEqual([['mich1', true], ['mich2', true]]);
    const output = summary.outputs[0].path as string;
    expect(output).toBe(join(fed.dir, 'results', `${parent.slice(0, 8)}-study`, 'combined', 'chr20.combined.dose.vcf.gz'));
    if (hasTool('tabix', '--help')) execFileSync('tabix', ['-p', 'vcf', output]);

    // every variant of either panel, scored against the truth: meta at least as good as each panel alone overall
    const scores = await loadTruth(truth, study);
    const overall = async (file: string) => {
      const bins = await score(scores, file);
      return bins.reduce((sum, bin) => sum + bin.meanR2 * bin.imputed, 0) / bins.reduce((sum, bin) => sum + bin.variants, 0);
    };
    const folder = join(fed.dir, 'results', `${parent.slice(0, 8)}-study`);
    const [a, b, meta] = await Promise.all([overall(join(folder, 'mich1', 'chr20.dose.vcf.gz')), overall(join(folder, 'mich2', 'chr20.dose.vcf.gz')), overall(output)]);
    expect(meta).toBeGreaterThan(Math.max(a, b));

    const report = JSON.parse((await run(runCompare, { parent, html: 'report.html' }, true)).stdout);
    expect(report.sources.map((source: { label: string }) => source.label)).toEqual(['mich1', 'mich2']);
    expect(report.combined).toMatchObject({ method: 'meta', variants: summary.variants });
    expect(existsSync(join(fed.dir, 'report.html'))).toBe(true);
    expect(readFileSync(join(fed.dir, 'report.html'), 'utf8')).toContain('combined (meta)');
  });

  it('without --meta: best-r2, saying how to get meta', async () => {
    const submitted = await run(runSubmit, { services: '1,2', phasing: false, name: 'plain', files: [study] }, true);
    const parent = JSON.parse(submitted.stdout).parent_job_id as string;
    await run(runWatch, { parent, interval: '0' });
    // combine downloads what is missing first
    const combined = await run(runCombine, { parent }, true);
    expect(combined.stderr).toMatch(/downloading the results of mich1, mich2 first/);
    expect(combined.stderr).toMatch(/method: best-r2 \(mich1, mich2 have no leave-one-out \(empiricalDose\) dosages; for meta-imputation resubmit with fedimpute submit --meta/);
    expect(JSON.parse(combined.stdout).method).toBe('best-r2');
  });
});

describe('the sandbox\'s own services, through the binary', () => {
  it('submit → watch → download → combine: best-r2 (the WES node writes no leave-one-out dosages), then compare', async () => {
    const { startSandbox } = await import('../../src/sandbox/index.js');
    const temp = mkdtempSync(join(tmpdir(), 'fedimpute-combine-sandbox-'));
    const sandbox = await startSandbox({ dir: temp, world: TINY_WORLD, cacheDir: join(temp, 'cache') });
    try {
      const env = { FEDIMPUTE_CONFIG: sandbox.registry, FEDIMPUTE_DB: join(temp, 'jobs.db'), FEDIMPUTE_RETRY_BASE_MS: '20' };
      const run = (args: string[]) => runCli(args, { cwd: temp, env });
      const submitted = await run(['submit', '--services', '1,2', '--meta', '--no-phasing', '--json', sandbox.study]);
      expect(submitted.code).toBe(0);
      expect((await run(['watch', 'last', '--interval', '0.2'])).code).toBe(0);
      expect((await run(['download', 'last', '--out', 'results'])).code).toBe(0);
      const combined = await run(['combine', 'last']);
      expect(combined.code).toBe(0);
      expect(combined.stderr).toMatch(/method: best-r2 \(sandbox-wes has no leave-one-out \(empiricalDose\) dosages; for meta-imputation resubmit with fedimpute submit --meta/);
      // the table: the output file, then a row per service
      expect(combined.stdout).toMatch(/^20\t[\d,]+\t[\d,]+\t.*\/combined\/chr20\.combined\.dose\.vcf\.gz$/m);
      expect(combined.stdout).toMatch(/^sandbox-michigan\t/m);
      const compared = await run(['compare', 'last', '--json']);
      expect(compared.code).toBe(0);
      expect(JSON.parse(compared.stdout).combined.method).toBe('best-r2');
    } finally {
      await sandbox.close();
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
