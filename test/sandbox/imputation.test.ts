/**
 * The imputation engine: the Li–Stephens HMM on hand-checked cases, the untyped-site and leave-one-out
 * posteriors against brute force, and accuracy on a simulated world — good with the study's own
 * population's panel, clearly worse with the other population's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracy, loadTruth, score } from '../../src/sandbox/accuracy.js';
import { impute, type EngineOptions } from '../../src/sandbox/imputation/engine.js';
import { significant } from '../../src/sandbox/imputation/format.js';
import { backward, forward, switchProbability, type CopyingModel } from '../../src/sandbox/imputation/li-stephens.js';
import { squaredCorrelation } from '../../src/sandbox/imputation/quality.js';
import { imputeMichigan } from '../../src/sandbox/imputation/run.js';
import type { Target } from '../../src/sandbox/imputation/target.js';
import { createMatrix, setBit } from '../../src/sandbox/world/bits.js';
import { panelOf } from '../../src/sandbox/world/panel.js';
import { TINY_WORLD } from '../../src/sandbox/world/spec.js';
import { writeStudyVcf, writeTruthVcf } from '../../src/sandbox/world/study-files.js';
import { simulateWorld, type World } from '../../src/sandbox/world/world.js';

const dir = mkdtempSync(join(tmpdir(), 'fedimpute-imputation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Li–Stephens forward–backward', () => {
  it('matches a two-template, two-site case worked by hand', () => {
    // templates carry 0 and 1 at both sites; the target shows 0 twice; ρ = 0.2, ε = 0.1
    const model: CopyingModel = {
      states: 2, sites: 2, mismatch: 0.1, switches: Float64Array.of(0, 0.2),
      alleles: Uint8Array.of(0, 1, 0, 1), observed: Int8Array.of(0, 0),
    };
    const alpha = new Float64Array(4);
    const beta = new Float64Array(4);
    forward(model, alpha);
    backward(model, beta);
    // α0 = [0.9, 0.1]; α1 ∝ [0.9·(0.8·0.9 + 0.1), 0.1·(0.8·0.1 + 0.1)] = [0.738, 0.018]
    expect([...alpha]).toEqual([0.9, 0.1, 0.738 / 0.756, 0.018 / 0.756].map((value) => expect.closeTo(value, 12)));
    // β1 = [½, ½]; β0 ∝ [0.8·0.9·½ + 0.2/2·0.5, 0.8·0.1·½ + 0.2/2·0.5] = [0.41, 0.09]
    expect([...beta]).toEqual([0.82, 0.18, 0.5, 0.5].map((value) => expect.closeTo(value, 12)));
  });

  it('switches with probability 1 − exp(−4·Ne·d/H), floored at 1e-5 as Minimac does', () => {
    expect(switchProbability(0.01, 10_000, 1_000)).toBeCloseTo(1 - Math.exp(-0.4), 12);
    expect(switchProbability(0, 10_000, 1_000)).toBe(1e-5);
  });
});

/** a world of three tightly linked sites (ρ ≈ 0.7 % per step) and three panel haplotypes, for brute-force checks */
function handWorld(): World {
  const alleles = [[0, 1, 1], [1, 0, 1], [0, 0, 1]];
  const reference = createMatrix(3, 3);
  alleles.forEach((row, site) => row.forEach((allele, haplotype) => allele && setBit(reference, site, haplotype)));
  return {
    spec: { ...TINY_WORLD, seed: 1 }, chromosome: 'chr20', map: { bases: Float64Array.of(1, 400), centimorgans: Float64Array.of(0, 1.5) },
    positions: Int32Array.of(100, 200, 300), ref: Uint8Array.from('AAA', (c) => c.charCodeAt(0)), alt: Uint8Array.from('GGG', (c) => c.charCodeAt(0)),
    centimorgans: Float64Array.of(0, 0.00005, 0.0001), referenceA: reference, referenceB: reference, study: createMatrix(3, 2), chip: Int32Array.of(0, 2),
  };
}

function handTarget(observed: number[][]): Target {
  const alleles = createMatrix(2, 2);
  observed.forEach((row, typed) => row.forEach((allele, haplotype) => allele && setBit(alleles, typed, haplotype)));
  return { samples: ['S1'], chromosome: 'chr20', typed: Int32Array.of(0, 2), alleles, missing: createMatrix(2, 2), typedRecords: new Set(), records: 2 };
}

describe('engine', () => {
  const options: EngineOptions = { templates: 3, mismatch: 0.01, effectiveSize: 10_000, windowSites: 10, flankSites: 2 };

  it('gives an untyped site the exact posterior between its typed neighbours, and typed sites their leave-one-out posterior', async () => {
    const world = handWorld();
    const panel = panelOf(world, 'A');
    const result = await impute(panel, handTarget([[0, 1], [0, 1]]), options);
    const rho = (morgans: number) => switchProbability(morgans, options.effectiveSize, 3);
    // brute force: all three sites in one HMM; the untyped site (and the left-out site) have no emission
    const brute = (observed: number[]) => {
      const model: CopyingModel = {
        states: 3, sites: 3, mismatch: options.mismatch, switches: Float64Array.of(0, rho(5e-7), rho(5e-7)),
        alleles: Uint8Array.of(0, 1, 1, 1, 0, 1, 0, 0, 1), observed: Int8Array.from(observed),
      };
      const alpha = new Float64Array(9);
      const beta = new Float64Array(9);
      forward(model, alpha);
      backward(model, beta);
      return (site: number) => {
        const posterior = [0, 1, 2].map((state) => alpha[site * 3 + state] * beta[site * 3 + state]);
        const total = posterior.reduce((sum, value) => sum + value, 0);
        return posterior.reduce((sum, value, state) => sum + (value / total) * model.alleles[site * 3 + state], 0);
      };
    };
    for (const haplotype of [0, 1]) {
      const allele = haplotype; // haplotype 0 shows 0 at both typed sites, haplotype 1 shows 1
      // dosages are kept as 32-bit floats
      expect(result.dosages[1 * 2 + haplotype]).toBeCloseTo(brute([allele, -1, allele])(1), 6);
      expect(result.dosages[2 * 2 + haplotype]).toBeCloseTo(brute([allele, -1, allele])(2), 6);
      expect(result.leaveOneOut[1 * 2 + haplotype]).toBeCloseTo(brute([allele, -1, -1])(2), 6);
    }
    // haplotype 1 (1 … 1) copies the third template, which carries ALT at the untyped site
    expect(result.dosages[1 * 2 + 1]).toBeGreaterThan(0.9);
  });

  it('without any typed site gives every haplotype the panel frequency', async () => {
    const panel = panelOf(handWorld(), 'A');
    const target: Target = { ...handTarget([]), typed: new Int32Array(0), alleles: createMatrix(0, 2), missing: createMatrix(0, 2) };
    const result = await impute(panel, target, options);
    expect([...result.dosages]).toEqual([2 / 3, 2 / 3, 2 / 3, 2 / 3, 1 / 3, 1 / 3].map((value) => expect.closeTo(value, 6)));
  });
});

describe('accuracy on a simulated world', () => {
  // an unadmixed study of population A: its own panel should impute it well, B's panel clearly worse
  const world = simulateWorld({ ...TINY_WORLD, seed: 4, panelHaplotypes: 600, studySamples: 60, length: 500_000, admixture: { fractionA: 1, generations: 20 } });
  const study = join(dir, 'study.vcf.gz');
  const truth = join(dir, 'truth.vcf.gz');

  it('reaches mean r² ≥ 0.8 for MAF ≥ 5 % with the matching panel, and drops with the other population\'s', async () => {
    await writeStudyVcf(world, study);
    await writeTruthVcf(world, truth);
    const truthData = await loadTruth(truth, study);
    const common = async (panel: 'A' | 'B') => {
      const out = join(dir, panel);
      const { files } = await imputeMichigan({ world, panel, input: study, dir: out, build: 'hg38', meta: false, pipeline: { version: '2.0.12', phasing: 'eagle', panel: 'x' } });
      const bins = (await score(truthData, files.dose)).filter((bin) => bin.low >= 0.05);
      const imputed = bins.reduce((sum, bin) => sum + bin.imputed, 0);
      expect(imputed).toBeGreaterThan(100);
      return bins.reduce((sum, bin) => sum + bin.meanR2 * bin.imputed, 0) / imputed;
    };
    const own = await common('A');
    const other = await common('B');
    expect(own).toBeGreaterThanOrEqual(0.8);
    expect(other).toBeLessThan(own - 0.1);
  });

});

describe('accuracy module', () => {
  const header = (samples: string[], format = true) =>
    `##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO${format ? `\tFORMAT\t${samples.join('\t')}` : ''}\n`;
  const record = (position: number, format: string, values: string[]) => `chr20\t${position}\t.\tA\tG\t.\tPASS\t.\t${format}\t${values.join('\t')}\n`;

  it('scores r² per variant against the truth, by true MAF, matching samples by id and leaving typed sites out', async () => {
    const samples = ['S1', 'S2', 'S3', 'S4'];
    writeFileSync(join(dir, 'hand-truth.vcf'), header(samples) +
      record(100, 'GT', ['0|1', '1|1', '0|0', '0|0']) + // MAF 3/8: >20 %
      record(200, 'GT', ['0|0', '0|1', '0|0', '0|0']) + // MAF 1/8: 5–20 %
      record(300, 'GT', ['0|0', '0|0', '0|1', '0|0']) + // typed on the chip: not scored
      record(400, 'GT', ['0|0', '0|0', '0|0', '1|0']) + // not in the results
      record(500, 'GT', ['0|0', '0|0', '0|0', '0|0'])); // monomorphic: no r²
    writeFileSync(join(dir, 'hand-typed.vcf'), header(samples) + record(300, 'GT', ['0|0', '0|0', '0|1', '0|0']));
    // the results list the samples in another order; 100 perfectly, 200 with r² 0.8 (see above)
    writeFileSync(join(dir, 'hand-dose.vcf'), header(['S4', 'S3', 'S2', 'S1']) +
      record(100, 'GT:HDS:DS', ['0|0:0,0:0', '0|0:0,0:0', '1|1:1,1:2', '0|1:0,1:1']) +
      record(200, 'GT:DS', ['0|0:2', '0|0:1', '0|1:1', '0|0:0']) +
      record(300, 'GT:DS', ['0|0:0', '0|0:1', '0|0:0', '0|0:0']));
    const bins = await accuracy({ dose: join(dir, 'hand-dose.vcf'), truth: join(dir, 'hand-truth.vcf'), typed: join(dir, 'hand-typed.vcf') });
    const byLabel = Object.fromEntries(bins.map((bin) => [bin.label, bin]));
    expect(byLabel['>20%']).toMatchObject({ variants: 1, imputed: 1, meanR2: expect.closeTo(1, 12) });
    // truth (S1..S4) = [0, 1, 0, 0], dosages = [0, 1, 1, 2]
    expect(byLabel['5-20%']).toMatchObject({ variants: 2, imputed: 1, meanR2: expect.closeTo(squaredCorrelation([0, 1, 1, 2], [0, 1, 0, 0]), 12) });
    expect(bins.reduce((sum, bin) => sum + bin.variants, 0)).toBe(3);
  });
});

describe('numbers', () => {
  it('squared correlation skips NaN dosages and is 0 for a constant', () => {
    expect(squaredCorrelation([0, 1, 2, Number.NaN], [0, 1, 2, 0])).toBeCloseTo(1, 12);
    expect(squaredCorrelation([0.5, 0.5, 0.5], [0, 1, 2])).toBe(0);
    expect(squaredCorrelation([0, 1, 1, 2], [0, 0, 2, 2])).toBeCloseTo(0.5, 12); // cov 2/4, variances 2/4 and 4/4
  });

  it('prints INFO values as Minimac does (%g, 6 significant digits)', () => {
    expect(significant(0.0570413, 6)).toBe('0.0570413');
    expect(significant(0.402580001, 6)).toBe('0.40258');
    expect(significant(1, 6)).toBe('1');
    expect(significant(0, 6)).toBe('0');
    expect(significant(0.0000153, 6)).toBe('1.53e-05');
    expect(significant(0.99999999, 6)).toBe('1');
  });
});
