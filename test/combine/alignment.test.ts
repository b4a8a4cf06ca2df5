/**
 * combine --from on small hand-made inputs, one alignment case at a time: REF/ALT swaps, chr naming, variants
 * only some panels carry (zero vs renormalize), sample order, a chromosome only one result has, multi-allelic
 * records, and the inputs that cannot be combined. In-process: runCombine through the test harness.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCombine, type CombineOptions } from '../../src/commands/combine.js';
import { EXIT } from '../../src/errors.js';
import { combineSession, hasTool, hdsOf, infoOf, readRecords, writeVcf, type Row } from './fixtures.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fedimpute-combine-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLES = ['S1', 'S2', 'S3'];
type Hds = [number, number][];
const a100: Hds = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]];
const b100: Hds = [[0.2, 0.2], [0.4, 0.4], [0.6, 0.6]];
const a200: Hds = [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3]];
/** B writes 200 as G>A: its dosages of A are 1 − those of G */
const b200GA: Hds = [[0.2, 0.8], [0.4, 0.6], [0.5, 0.5]];
/** only A carries 300, where ALT is the commoner allele (mean HDS 0.65); only B carries 350, a rare one */
const a300: Hds = [[0.4, 0.8], [0.2, 0.6], [1, 0.9]];
const b350: Hds = [[0.1, 0], [0, 0], [0.2, 0]];

/** B's columns in another order: S3, S1, S2 */
const reorder = (hds: Hds): Hds => [hds[2], hds[0], hds[1]];

function inputs(options: { empirical?: boolean; bHeader?: string[] } = {}) {
  const aRows: Row[] = [
    { chrom: 'chr20', pos: 100, info: 'R2=0.9', hds: a100 },
    { chrom: 'chr20', pos: 200, info: 'R2=0.8', hds: a200 },
    { chrom: 'chr20', pos: 300, info: 'R2=0.7', hds: a300 },
    { chrom: 'chr20', pos: 400, ref: 'C', alt: 'T,G', hds: a300 },
    { chrom: 'chr21', pos: 50, info: 'R2=0.6', hds: a100 },
  ];
  const bRows: Row[] = [
    { chrom: '20', pos: 100, info: 'R2=0.95', hds: reorder(b100) },
    { chrom: '20', pos: 200, ref: 'G', alt: 'A', info: 'R2=0.5', hds: reorder(b200GA) },
    { chrom: '20', pos: 350, alt: 'C', info: 'R2=0.4', hds: reorder(b350) },
  ];
  writeVcf(join(dir, 'a.dose.vcf.gz'), { samples: SAMPLES, rows: aRows, header: ['##contig=<ID=chr20,length=64444167>', '##contig=<ID=chr21>'] });
  writeVcf(join(dir, 'b.dose.vcf.gz'), { samples: ['S3', 'S1', 'S2'], rows: bRows, header: options.bHeader });
  if (options.empirical) {
    // identical leave-one-out dosages in both panels: the model cannot prefer one, every weight is exactly ½
    const typed = (chrom: string): Row[] => [10, 20, 30, 40].map((pos) => ({ chrom, pos, info: 'TYPED', hds: a100 }));
    const observed = [0, 1, 2, 3].map(() => [[0, 1], [1, 0], [1, 1]] as [number, number][]);
    writeVcf(join(dir, 'a.empiricalDose.vcf.gz'), { samples: SAMPLES, rows: [...typed('chr20'), ...typed('chr21')], field: 'LDS', observed: [...observed, ...observed] });
    writeVcf(join(dir, 'b.empiricalDose.vcf.gz'), { samples: ['S3', 'S1', 'S2'], rows: typed('20').map((row) => ({ ...row, hds: reorder(row.hds) })), field: 'LDS', observed: observed.map(reorder) });
  }
}

/** runCombine as the binary runs it (errors become an exit code and stderr lines) */
const attempt = (options: CombineOptions, json = false) => combineSession(dir).call(runCombine, options, { json });

async function combine(extra: CombineOptions = {}, json = false) {
  const captured = await attempt({ from: ['a', 'b'], out: 'out/combined.vcf.gz', ...extra }, json);
  expect(captured.stderr).not.toMatch(/^error/m);
  const output = await readRecords(join(dir, 'out/combined.vcf.gz'));
  const at = (chrom: string, pos: number) => output.records.find((record) => record[0] === chrom && Number(record[1]) === pos)!;
  return { ...captured, output, at };
}

describe('combine --from: alignment', () => {
  it('best-r2 takes the higher-R² panel, reorders samples, flips a REF/ALT swap and unifies chr naming', async () => {
    inputs();
    const { code, at, output, stderr } = await combine();
    expect(code).toBe(EXIT.ok);
    expect(stderr).toMatch(/method: best-r2 \(a, b have no leave-one-out \(empiricalDose\) dosages; for meta-imputation run minimac4 with -e/);
    // every record named like the first input (chr20), none twice
    expect(output.records.map((record) => `${record[0]}:${record[1]}`)).toEqual(['chr20:100', 'chr20:200', 'chr20:300', 'chr20:350', 'chr21:50']);
    expect(hdsOf(at('chr20', 100))).toEqual(b100);
    expect(infoOf(at('chr20', 100)).get('CHOSEN')).toBe('b');
    expect(infoOf(at('chr20', 100)).get('SOURCES')).toBe('a,b');
    // A's R² 0.8 beats B's 0.5 at 200, written A>G as A has it
    expect(at('chr20', 200).slice(3, 5)).toEqual(['A', 'G']);
    expect(hdsOf(at('chr20', 200))).toEqual(a200);
    expect(hdsOf(at('chr20', 350))).toEqual(b350);
    expect(infoOf(at('chr20', 350)).get('SOURCES')).toBe('b');
    expect(at('chr20', 100)[8]).toBe('GT:DS:HDS');
    expect(at('chr20', 100)[9]).toBe('0|0:0.4:0.2,0.2');
  });

  it('flips the swapped panel: B\'s G>A dosages become 1 − HDS when B is chosen', async () => {
    inputs();
    const { at } = await combine({ method: 'best-r2' });
    // at 200 A wins; swap the R² order by asking for the other file first
    rmSync(join(dir, 'out'), { recursive: true });
    expect((await attempt({ from: ['b', 'a'], out: 'out/combined.vcf.gz', method: 'best-r2' })).code).toBe(0);
    const swapped = await readRecords(join(dir, 'out/combined.vcf.gz'));
    // b first: its naming (20), its sample order (S3, S1, S2) and its alleles (G>A) lead; A's A>G record is flipped into them
    expect(swapped.header.at(-1)!.split('\t').slice(9)).toEqual(['S3', 'S1', 'S2']);
    const record = swapped.records.find((row) => row[1] === '200')!;
    expect(record.slice(0, 1).concat(record.slice(3, 5))).toEqual(['20', 'G', 'A']);
    expect(hdsOf(record)).toEqual(reorder(a200).map(([x, y]) => [Number((1 - x).toFixed(3)), Number((1 - y).toFixed(3))]));
    expect(at('chr20', 200)).toBeDefined();
  });

  it('meta: equal weights; a variant one panel lacks stands for its fixed allele (fixed), REF (zero) or nothing (renormalize)', async () => {
    inputs({ empirical: true });
    const fixed = await combine();
    expect(fixed.stderr).toMatch(/method: meta/);
    expect(fixed.stderr).toMatch(/absent variants: fixed \(no R² filter/);
    const half = (hds: Hds, other: Hds) => hds.map(([x, y], index) => [Number(((x + other[index][0]) / 2).toFixed(3)), Number(((y + other[index][1]) / 2).toFixed(3))]);
    const all = (value: number): Hds => [[value, value], [value, value], [value, value]];
    expect(hdsOf(fixed.at('chr20', 100))).toEqual(half(a100, b100));
    // the swap: B's G>A becomes A>G dosages 1 − HDS before weighting
    const bAsAG = b200GA.map(([x, y]) => [1 - x, 1 - y] as [number, number]);
    expect(hdsOf(fixed.at('chr20', 200))).toEqual(half(a200, bAsAG));
    // only A carries 300 and ALT is the majority there: B's haplotypes count as fixed for ALT, ½·A + ½·1
    expect(hdsOf(fixed.at('chr20', 300))).toEqual(half(a300, all(1)));
    // only B carries 350, a rare ALT: A's haplotypes count as fixed for REF, ½·B + ½·0
    expect(hdsOf(fixed.at('chr20', 350))).toEqual(half(b350, all(0)));
    // chr21 only in A: A's dosages as they are, with a warning
    expect(hdsOf(fixed.at('chr21', 50))).toEqual(a100);
    expect(fixed.stderr).toMatch(/chromosome 21 is only in a; combined from that one/);

    rmSync(join(dir, 'out'), { recursive: true });
    const zero = await combine({ absent: 'zero' });
    expect(hdsOf(zero.at('chr20', 300))).toEqual(half(a300, all(0)));
    rmSync(join(dir, 'out'), { recursive: true });
    const renormalized = await combine({ absent: 'renormalize' });
    expect(hdsOf(renormalized.at('chr20', 300))).toEqual(a300);
    expect(hdsOf(renormalized.at('chr20', 100))).toEqual(half(a100, b100));
  });

  it('renormalizes by default when a header shows an R² filter', async () => {
    inputs({ empirical: true, bHeader: ['##minimac4_Command=minimac4 --min-r2 0.3 ref.msav study.vcf.gz'] });
    const { at, stderr } = await combine();
    expect(stderr).toMatch(/absent variants: renormalize \(filtered by R²: b \(its header shows an R² filter\)/);
    expect(hdsOf(at('chr20', 300))).toEqual(a300);
  });

  it('counts multi-allelic records it skipped, and writes combine.json (0600) beside the output; --json prints it', async () => {
    inputs();
    const { stdout } = await combine({}, true);
    const printed = JSON.parse(stdout);
    const path = join(dir, 'out/combined.combine.json');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(printed);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'out/combined.vcf.gz')).mode & 0o777).toBe(0o600);
    expect(printed.sources.map((source: { label: string; multiallelic_skipped: number; variants: number; only: number; chosen: number; flipped: number }) => [source.label, source.variants, source.only, source.chosen, source.multiallelic_skipped, source.flipped])).toEqual([
      ['a', 4, 2, 3, 1, 0],
      ['b', 3, 1, 2, 0, 1],
    ]);
    expect(printed.overlap).toEqual({ a: 2, b: 1, 'a+b': 2 });
    expect(printed).toMatchObject({ method: 'best-r2', samples: 3, variants: 5, parent_job_id: null, warnings: ['chromosome 21 is only in a; combined from that one'] });
    // chr21 is only in a: its variant is copied; the four on chr20 are best-r2's
    expect(printed.by_method).toEqual({ meta: 0, 'best-r2': 4, single: 1 });
  });

  it('names results whose files share a name after their folders (A/chr20, B/chr20 → A, B)', async () => {
    inputs();
    for (const [name, folder] of [['a', 'A'], ['b', 'B']]) {
      mkdirSync(join(dir, folder));
      copyFileSync(join(dir, `${name}.dose.vcf.gz`), join(dir, folder, 'chr20.dose.vcf.gz'));
    }
    const captured = await attempt({ from: ['A/chr20', 'B/chr20.dose.vcf.gz'], out: 'named.vcf.gz' }, true);
    expect(JSON.parse(captured.stdout).sources.map((source: { label: string }) => source.label)).toEqual(['A', 'B']);
  });

  it.skipIf(!hasTool('bcftools') || !hasTool('tabix'))('writes a file tabix indexes and bcftools reads', async () => {
    inputs({ empirical: true });
    await combine();
    const file = join(dir, 'out/combined.vcf.gz');
    execFileSync('tabix', ['-p', 'vcf', file]);
    const region = execFileSync('bcftools', ['query', '-r', 'chr20:300', '-f', '%POS %INFO/SOURCES [%DS ]\\n', file], { encoding: 'utf8' });
    // ½·A + ½·1 (B fixed for ALT): HDS (0.7, 0.9), (0.6, 0.8), (1, 0.95)
    expect(region.trim()).toBe('300 a 1.6 1.4 1.95');
  });
});

describe('combine --from: inputs that cannot be combined', () => {
  it('different samples: exit 2, names them', async () => {
    inputs();
    writeVcf(join(dir, 'b.dose.vcf.gz'), { samples: ['S1', 'S2', 'X9'], rows: [{ chrom: '20', pos: 100, hds: a100 }] });
    const { code, stderr } = await attempt({ from: ['a', 'b'], out: 'out/combined.vcf.gz' });
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/^error: .*b\.dose\.vcf\.gz: the samples differ from a: 1 sample not in a \(X9\); 1 of a's samples missing \(S3\)/m);
    expect(() => statSync(join(dir, 'out/.combined.vcf.gz.part'))).toThrow();
  });

  it('an unsorted file: exit 2, says how to sort it', async () => {
    inputs();
    writeVcf(join(dir, 'b.dose.vcf.gz'), { samples: SAMPLES, rows: [{ chrom: '20', pos: 300, hds: a100 }, { chrom: '20', pos: 100, hds: a100 }] });
    const { code, stderr } = await attempt({ from: ['a', 'b'], out: 'out/combined.vcf.gz' });
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/not sorted: 20:100 comes after 20:300/);
    expect(stderr).toMatch(/^  → .*bcftools sort/m);
  });

  it('--method meta without empirical files: exit 2, says how to get them', async () => {
    inputs();
    const { code, stderr } = await attempt({ from: ['a', 'b'], out: 'out/combined.vcf.gz', method: 'meta' });
    expect(code).toBe(EXIT.usage);
    expect(stderr.split('\n')[0]).toBe('error: cannot meta-impute: a, b have no leave-one-out (empiricalDose) dosages');
    expect(stderr).toMatch(/^  → .*minimac4 with -e .*submit --meta.*--method best-r2/m);
  });

  it('usage mistakes: one prefix, no --out, a missing file, a bad region', async () => {
    inputs();
    const run = async (options: CombineOptions) => {
      const { code, stderr } = await attempt(options);
      expect(code).toBe(EXIT.usage);
      return stderr;
    };
    expect(await run({ from: ['a'], out: 'x.vcf.gz' })).toMatch(/^error: /);
    expect(await run({ from: ['a', 'b'] })).toMatch(/needs --out FILE\.vcf\.gz/);
    expect(await run({ from: ['a', 'nope'], out: 'x.vcf.gz' })).toMatch(/nope\.dose\.vcf\.gz not found/);
    expect(await run({ from: ['a', 'b'], out: 'x.vcf.gz', region: 'chr20:9-3' })).toMatch(/--region 'chr20:9-3' is not a region/);
    expect(await run({})).toMatch(/needs a parent job id/);
  });

  it('services that phased the study separately: meta falls back to best-r2 with a warning, or refuses when asked for', async () => {
    inputs({ empirical: true });
    // B's empirical genotypes with every heterozygote's phase swapped
    const typed: Row[] = [10, 20, 30, 40].map((pos) => ({ chrom: '20', pos, info: 'TYPED', hds: a100 }));
    writeVcf(join(dir, 'b.empiricalDose.vcf.gz'), { samples: SAMPLES, rows: typed, field: 'LDS', observed: typed.map(() => [[1, 0], [0, 1], [1, 1]]) });
    const fallback = await combine();
    expect(fallback.stderr).toMatch(/warning: the results disagree on the phase of 100\.0% of heterozygous typed genotypes .*; using best-r2 instead/);
    expect(infoOf(fallback.at('chr20', 100)).get('CHOSEN')).toBe('b');
    const refused = await attempt({ from: ['a', 'b'], out: 'out/combined.vcf.gz', method: 'meta' });
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toMatch(/^  → .*--no-phasing/m);
  });
});

describe('combine --from: other engines', () => {
  it('Beagle output (GT:DS, DR2, IMP): dosage split along the phase, DR2 as the estimated R²', async () => {
    inputs();
    const beagle = ['##INFO=<ID=DR2,Number=A,Type=Float,Description="r2">', '##INFO=<ID=IMP,Number=0,Type=Flag,Description="imputed">'];
    writeVcf(join(dir, 'b.dose.vcf.gz'), {
      samples: SAMPLES,
      field: 'DS',
      header: beagle,
      rows: [{ chrom: '20', pos: 100, info: 'DR2=0.99;IMP', hds: [[0, 0.8], [0.2, 0.2], [1, 1]] }, { chrom: '20', pos: 150, info: 'DR2=1', hds: [[1, 0], [0, 0], [0, 1]] }],
    });
    const { at } = await combine();
    // GT 0|1 DS 0.8 → (0, 0.8); GT 0|0 DS 0.4 → (0.2, 0.2); GT 1|1 DS 2 → (1, 1)
    expect(hdsOf(at('chr20', 100))).toEqual([[0, 0.8], [0.2, 0.2], [1, 1]]);
    // no IMP flag: typed
    expect(infoOf(at('chr20', 150)).has('TYPED')).toBe(true);
    expect(infoOf(at('chr20', 100)).has('IMPUTED')).toBe(true);
  });
});
