/** Small hand-checked units: numbers from bytes, records, R², mixing and interpolating weights. */
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/combine/align.js';
import { parseDecimal } from '../../src/combine/bytes.js';
import { summarize } from '../../src/combine/estimate.js';
import { bestR2, interpolate, metaDosages } from '../../src/combine/mix.js';
import { RecordParser, splitDosage } from '../../src/combine/record.js';
import { parseRegion } from '../../src/combine/region.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['0.083', 0.083],
    ['1.999', 1.999],
    ['-0.5', -0.5],
    ['1e-05', 1e-5],
    ['.', Number.NaN],
    ['', Number.NaN],
  ])('%s', (text, value) => {
    const parsed = parseDecimal(bytes(text), 0, text.length);
    if (Number.isNaN(value)) expect(parsed).toBeNaN();
    else expect(parsed).toBeCloseTo(value, 12);
  });
});

describe('RecordParser', () => {
  const line = (text: string) => ({ bytes: bytes(text), start: 0, end: text.length });

  it('reads the site and the haplotype dosages in combined sample order, whatever the FORMAT order', () => {
    const parser = new RecordParser(Int32Array.of(1, 0), 'typed-flag');
    const record = line('chr20\t1000\t.\tA\tG\t.\t.\tAF=0.3;R2=0.898606;ER2=0.4;TYPED;IMPUTED\tGT:HDS:DS\t1|0:1,0.083:1.083\t0|0:0.001,0:0.001');
    expect(parser.site(record)).toEqual({ chrom: 'chr20', pos: 1000, ref: 'A', alt: 'G', r2: 0.898606, typed: true });
    const hds = new Float32Array(4);
    parser.samples(record, hds);
    expect(Array.from(hds)).toEqual([0.001, 0, 1, 0.083].map(Math.fround));
  });

  it('says why a record cannot be combined', () => {
    const parser = new RecordParser(Int32Array.of(0), 'typed-flag');
    expect(parser.site(line('20\t5\t.\tA\tG,T\t.\t.\t.\tGT:DS\t0|1:1'))).toBe('multiallelic');
    expect(parser.site(line('20\t5\t.\tA\t.\t.\t.\t.\tGT:DS\t0|0:0'))).toBe('no-alt');
    expect(parser.site(line('20\tx\t.\tA\tG\t.\t.\t.\tGT:DS\t0|0:0'))).toBe('bad-pos');
  });

  it('Beagle: AP1/AP2 are haplotype dosages; IMP marks the imputed ones; DR2 is the R²', () => {
    const parser = new RecordParser(Int32Array.of(0), 'not-imp');
    const record = line('20\t5\t.\tA\tG\t.\tPASS\tDR2=0.87;AF=0.2;IMP\tGT:DS:AP1:AP2\t0|1:0.9:0.1:0.8');
    expect(parser.site(record)).toMatchObject({ r2: 0.87, typed: false });
    const hds = new Float32Array(2);
    parser.samples(record, hds);
    expect(Array.from(hds)).toEqual([0.1, 0.8].map(Math.fround));
  });

  it('empirical files: LDS and the observed alleles', () => {
    const parser = new RecordParser(Int32Array.of(0), 'typed-flag', 'LDS');
    const record = line('20\t5\t.\tA\tG\t.\t.\tTYPED\tGT:LDS\t1|0:0.978,0.93');
    parser.site(record);
    const hds = new Float32Array(2);
    const alleles = new Uint8Array(2);
    parser.samples(record, hds, alleles);
    expect(Array.from(hds)).toEqual([0.978, 0.93].map(Math.fround));
    expect(Array.from(alleles)).toEqual([1, 0]);
  });

  it('DS alone is split along the phased GT so the haplotypes add up to DS', () => {
    const out = new Float32Array(2);
    const split = (dosage: number, a: number, b: number) => (splitDosage(dosage, a, b, out, 0), Array.from(out).map((value) => Number(value.toFixed(6))));
    expect(split(0.8, 0, 1)).toEqual([0, 0.8]);
    expect(split(1.3, 1, 0)).toEqual([1, 0.3]);
    expect(split(0.4, 0, 0)).toEqual([0.2, 0.2]);
    expect(split(Number.NaN, 1, 0)).toEqual([1, 0]);
  });
});

describe('Minimac\'s estimated R²', () => {
  it('is the variance of the haplotype dosages over p(1 − p)', () => {
    // 0/1 dosages: perfect certainty, R² 1
    expect(summarize(Float32Array.of(1, 0, 1, 0))).toEqual({ af: 0.5, r2: 1 });
    // every haplotype 0.5: no information, R² 0
    expect(summarize(Float32Array.of(0.5, 0.5, 0.5, 0.5)).r2).toBe(0);
    // p = 0.25, mean(d²) = (0.81 + 0.01 + 0 + 0)/4 = 0.205, var = 0.205 − 0.0625 = 0.1425, R² = 0.1425 / 0.1875 = 0.76
    const { af, r2 } = summarize(Float32Array.of(0.9, 0.1, 0, 0));
    expect(af).toBeCloseTo(0.25, 6);
    expect(r2).toBeCloseTo(0.76, 6);
    expect(summarize(Float32Array.of(0, 0, 0, 0)).r2).toBe(0);
  });
});

describe('mixing', () => {
  const record = (hds: number[], r2 = 0.5): SourceRecord => ({ site: { chrom: '20', pos: 1, ref: 'A', alt: 'G', r2, typed: false }, hds: Float32Array.from(hds), flipped: false });

  it('meta: Σ w·HDS; an absent panel is its fixed allele (fixed), HDS 0 (zero) or leaves the weights renormalised', () => {
    // two haplotypes, weights (0.75, 0.25) then (0.5, 0.5); panel 1 lacks the variant
    const weights = Float32Array.of(0.75, 0.25, 0.5, 0.5);
    const out = new Float32Array(2);
    metaDosages([record([0.8, 0.2]), record([0.4, 0.6])], weights, [0, 1], 'zero', out);
    expect(Array.from(out)).toEqual([0.75 * 0.8 + 0.25 * 0.4, 0.5 * 0.2 + 0.5 * 0.6].map(Math.fround));
    metaDosages([record([0.8, 0.2]), undefined], weights, [0, 1], 'zero', out);
    expect(Array.from(out)).toEqual([0.75 * 0.8, 0.5 * 0.2].map(Math.fround));
    metaDosages([record([0.8, 0.2]), undefined], weights, [0, 1], 'renormalize', out);
    expect(Array.from(out)).toEqual([0.8, 0.2].map(Math.fround));
    // fixed: p̂ = (0.75·0.8 + 0.5·0.2) / (0.75 + 0.5) = 0.56 ≥ ½, so panel 1 stands for ALT on all its haplotypes
    metaDosages([record([0.8, 0.2]), undefined], weights, [0, 1], 'fixed', out);
    expect(Array.from(out)).toEqual([0.75 * 0.8 + 0.25, 0.5 * 0.2 + 0.5].map(Math.fround));
    // p̂ = 0.1 / 1.25 < ½: REF
    metaDosages([record([0, 0.2]), undefined], weights, [0, 1], 'fixed', out);
    expect(Array.from(out)).toEqual([0, 0.5 * 0.2].map(Math.fround));
  });

  it('best-r2 takes the highest estimated R²; a missing R² counts lowest', () => {
    expect(bestR2([record([0], 0.3), record([0], 0.9), undefined])).toBe(1);
    expect(bestR2([record([0], Number.NaN), record([0], 0.1)])).toBe(1);
    expect(bestR2([undefined, record([0], Number.NaN)])).toBe(1);
  });

  it('interpolates weights linearly in base pairs, and holds them beyond the ends', () => {
    const left = { pos: 100, weights: Float32Array.of(1, 0) };
    const right = { pos: 200, weights: Float32Array.of(0, 1) };
    const out = new Float32Array(2);
    interpolate(left, right, 125, out);
    expect(Array.from(out)).toEqual([0.75, 0.25]);
    interpolate(null, right, 50, out);
    expect(Array.from(out)).toEqual([0, 1]);
    interpolate(left, null, 500, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});

describe('--region', () => {
  it('reads CHR, CHR:START-END and CHR:START-', () => {
    expect(parseRegion('chr20:1,000,001-2,000,000')).toEqual({ chromosome: '20', start: 1_000_001, end: 2_000_000 });
    expect(parseRegion('20')).toEqual({ chromosome: '20', start: 1, end: Number.POSITIVE_INFINITY });
    expect(parseRegion('chrX:5000-')).toEqual({ chromosome: 'X', start: 5000, end: Number.POSITIVE_INFINITY });
    expect(() => parseRegion('chr20:0-5')).toThrow(/not a region/);
  });
});
