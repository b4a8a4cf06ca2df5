import { spawnSync, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { checkVcfFiles } from '../../src/vcf/check.js';
import { prepareVcf } from '../../src/vcf/prepare.js';
import { Corpus, writeFileset } from './corpus.js';

const corpus = new Corpus();
afterAll(() => corpus.remove());
const bcftools = spawnSync('bcftools', ['--version']).status === 0;

const SAMPLES = 22;
const fam = Array.from({ length: SAMPLES }, (_, index) => `FAM${index % 3} IND${index + 1} 0 0 1 -9`);
const bim = ['1\trs1\t0\t1000\tA\tG', '1\trs2\t0\t2000\tC\tT', '23\trsX\t0\t500\tT\tC', '24\trsY\t0\t700\tA\tG', '26\trsMT\t0\t10\tA\tG', '2\trs3\t0\t3000\tG\tA'];
// per sample: 0 hom A1, 1 missing, 2 het, 3 hom A2
const codes = (variant: number) => Array.from({ length: SAMPLES }, (_, sample) => (sample + variant) % 4);

function genotypesOf(text: string, id: string): string[] {
  const line = text.split('\n').find((row) => row.split('\t')[2] === id)!;
  return line.split('\t').slice(9);
}

describe('prepareVcf on a PLINK 1 fileset', () => {
  const base = join(corpus.dir, 'study');
  writeFileset(base, fam, bim, bim.map((_, variant) => codes(variant)));

  it('converts to per-chromosome BGZF VCFs with REF = A2 and PLINK genotype codes', async () => {
    const result = await prepareVcf(`${base}.bed`, { build: 'hg38', outDir: join(corpus.dir, 'out') });
    expect(result.outputs.map((output) => [output.chromosome, output.records])).toEqual([['chr1', 2], ['chrX', 1], ['chr2', 1]]);
    expect(result.warnings[0]).toMatch(/strand and REF/);
    expect(result.warnings.slice(1)).toEqual([expect.stringMatching(/skipped 1 variant\(s\) on PLINK chromosome 24/), expect.stringMatching(/chromosome 26/)]);
    const text = gunzipSync(readFileSync(result.outputs[0].path)).toString();
    expect(text.split('\n').find((line) => line.startsWith('#CHROM'))!.split('\t').slice(9, 12)).toEqual(['IND1', 'IND2', 'IND3']);
    const first = text.split('\n').find((line) => line.includes('\trs1\t'))!.split('\t');
    expect(first.slice(0, 5)).toEqual(['chr1', '1000', 'rs1', 'G', 'A']);
    expect(genotypesOf(text, 'rs1').slice(0, 5)).toEqual(['1/1', './.', '0/1', '0/0', '1/1']);
    expect(genotypesOf(text, 'rs2').slice(0, 4)).toEqual(['./.', '0/1', '0/0', '1/1']);
    expect(genotypesOf(text, 'rs1')).toHaveLength(SAMPLES);
    const report = await checkVcfFiles(result.outputs.map((output) => output.path), { build: 'hg38' });
    expect(report.findings.map((finding) => finding.code)).toEqual([]);
    expect(report.files.map((file) => file.phasing)).toEqual(['unphased', 'unphased', 'unphased']);
    if (bcftools) expect(execFileSync('bcftools', ['view', '-H', result.outputs[0].path]).toString().trim().split('\n')).toHaveLength(2);
  });

  it('can put A1 in REF, and falls back to FID_IID when IIDs repeat', async () => {
    const other = join(corpus.dir, 'dup');
    writeFileset(other, fam.map((line, index) => line.replace(/IND\d+/, `IND${index % 11}`)), bim.slice(0, 1), [codes(0)]);
    const result = await prepareVcf(`${other}.bim`, { build: 'hg19', outDir: join(corpus.dir, 'out2'), refAllele: 'a1' });
    const text = gunzipSync(readFileSync(result.outputs[0].path)).toString();
    expect(text.split('\n').find((line) => line.startsWith('#CHROM'))!.split('\t').slice(9, 11)).toEqual(['FAM0_IND0', 'FAM1_IND1']);
    expect(text).toContain('1\t1000\trs1\tA\tG\t');
    expect(genotypesOf(text, 'rs1').slice(0, 4)).toEqual(['0/0', './.', '0/1', '1/1']);
  });

  it('refuses a bad magic number, an individual-major .bed and a short .bed', async () => {
    const bad = join(corpus.dir, 'bad');
    writeFileset(bad, fam, bim, bim.map((_, variant) => codes(variant)), [0, 0, 1]);
    await expect(prepareVcf(`${bad}.bed`, { build: 'hg19', outDir: corpus.dir })).rejects.toThrow(/not a PLINK 1 .bed/);
    writeFileset(bad, fam, bim, bim.map((_, variant) => codes(variant)), [0x6c, 0x1b, 0]);
    await expect(prepareVcf(`${bad}.bed`, { build: 'hg19', outDir: corpus.dir })).rejects.toThrow(/individual-major/);
    writeFileset(bad, fam, bim, bim.slice(0, 2).map((_, variant) => codes(variant)));
    await expect(prepareVcf(`${bad}.bed`, { build: 'hg19', outDir: corpus.dir })).rejects.toThrow(/shorter than the .bim/);
  });
});
