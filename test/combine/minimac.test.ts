/**
 * combine on real Minimac4 4.x output (dose + empirical leave-one-out files) of a small simulated study imputed
 * against two panels from diverged populations. Skipped when minimac4 or tabix is not installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { summarize } from '../../src/combine/estimate.js';
import { combineSession, hasTool, hdsOf, infoOf, readRecords } from './fixtures.js';
import { buildWorld, impute, meanR2, type World } from './world.js';

const tools = hasTool('minimac4') && hasTool('tabix', '--help') && hasTool('bcftools');
let world: World;

async function dosages(path: string): Promise<Map<number, number[]>> {
  const { records } = await readRecords(path);
  return new Map(records.map((record) => [Number(record[1]), hdsOf(record).map(([a, b]) => a + b)]));
}

describe.skipIf(!tools)('combine with Minimac4 results', () => {
  beforeAll(() => {
    world = buildWorld(mkdtempSync(join(tmpdir(), 'fedimpute-minimac-')));
    impute(world, 'panelA', 'a');
    impute(world, 'panelB', 'b');
  });
  afterAll(() => rmSync(world.dir, { recursive: true, force: true }));

  it('R² is Minimac\'s estimated r²: recomputed from its HDS it matches its INFO R2', async () => {
    const { records } = await readRecords(join(world.dir, 'a.dose.vcf.gz'));
    expect(records.length).toBeGreaterThan(500);
    for (const record of records) {
      const hds = Float32Array.from(hdsOf(record).flat());
      // HDS are written to three decimals, R2 from the unrounded values
      expect(Math.abs(summarize(hds).r2 - Number(infoOf(record).get('R2')))).toBeLessThan(5e-3);
    }
  });

  it('meta beats each panel and best-r2 against the truth, and writes what tabix and bcftools read', async () => {
    const run = async (method: string, out: string) => {
      const { code, stderr } = await combineSession(world.dir).call(runCombine, { from: ['a', 'b'], out, method });
      expect(code).toBe(0);
      return stderr;
    };
    expect(await run('meta', 'meta.vcf.gz')).toMatch(/method: meta/);
    await run('best-r2', 'best.vcf.gz');
    const [a, b, best, meta] = await Promise.all(['a.dose.vcf.gz', 'b.dose.vcf.gz', 'best.vcf.gz', 'meta.vcf.gz'].map((name) => dosages(join(world.dir, name))));
    const scores = { a: meanR2(world, a), b: meanR2(world, b), best: meanR2(world, best), meta: meanR2(world, meta) };
    expect(scores.meta).toBeGreaterThan(Math.max(scores.a, scores.b, scores.best));
    // every variant of either panel, once
    expect(meta.size).toBe(new Set([...a.keys(), ...b.keys()]).size);

    const file = join(world.dir, 'meta.vcf.gz');
    execFileSync('tabix', ['-p', 'vcf', file]);
    const counted = execFileSync('bcftools', ['query', '-r', 'chr20', '-f', '%POS\\n', file], { encoding: 'utf8' });
    expect(counted.trim().split('\n')).toHaveLength(meta.size);
    // the R2 written is the estimated r² of the combined dosages
    const { records } = await readRecords(file);
    for (const record of records.slice(0, 200)) {
      expect(Math.abs(summarize(Float32Array.from(hdsOf(record).flat())).r2 - Number(infoOf(record).get('R2')))).toBeLessThan(1e-4);
    }
  });
});
