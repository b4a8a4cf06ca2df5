import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { crc32 } from '../../src/vcf/bgzf-write.js';
import { checkVcfFiles } from '../../src/vcf/check.js';
import { formatFromPath, prepareVcf } from '../../src/vcf/prepare.js';
import { Corpus, editRecords, vcfText } from './corpus.js';

const corpus = new Corpus();
afterAll(() => corpus.remove());
const hasTool = (tool: string) => spawnSync(tool, ['--version']).status === 0;
const tabix = hasTool('tabix');
const bcftools = hasTool('bcftools');

/** every block: BC subfield, BSIZE within 64 KiB, ISIZE ≤ 65,280, CRC32 right; ends with the EOF block */
function assertValidBgzf(bytes: Buffer): void {
  let offset = 0;
  let last = -1;
  while (offset < bytes.length) {
    expect([bytes[offset], bytes[offset + 1], bytes[offset + 3] & 4, bytes[offset + 12], bytes[offset + 13]]).toEqual([31, 139, 4, 66, 67]);
    const size = bytes.readUInt16LE(offset + 16) + 1;
    expect(size).toBeLessThanOrEqual(65536);
    const data = inflateRawSync(bytes.subarray(offset + 18, offset + size - 8));
    last = bytes.readUInt32LE(offset + size - 4);
    expect(data.length).toBe(last);
    expect(last).toBeLessThanOrEqual(65280);
    expect(bytes.readUInt32LE(offset + size - 8)).toBe(crc32(data));
    offset += size;
  }
  expect(last).toBe(0);
}

describe('prepareVcf', () => {
  it('splits per chromosome, renames for hg38, skips Y, and the checker accepts every output', async () => {
    const input = await corpus.vcf('multi.vcf.gz', { chromosomes: ['20', '21', 'X', 'Y'], recordsPerChromosome: 700 });
    const outDir = join(corpus.dir, 'out38');
    const result = await prepareVcf(input, { build: 'hg38', outDir });
    expect(result.outputs.map((output) => [output.path.slice(outDir.length + 1), output.chromosome, output.records])).toEqual([
      ['multi.chr20.vcf.gz', 'chr20', 700],
      ['multi.chr21.vcf.gz', 'chr21', 700],
      ['multi.chrX.vcf.gz', 'chrX', 700],
    ]);
    expect(result.warnings).toEqual([expect.stringMatching(/skipped 700 record\(s\) on Y/)]);
    for (const output of result.outputs) {
      const bytes = readFileSync(output.path);
      assertValidBgzf(bytes);
      const text = gunzipSync(bytes).toString();
      expect(text).toContain('##contig=<ID=chr21,');
      expect(text).not.toMatch(/\n(20|21|X)\t/);
      const report = await checkVcfFiles([output.path], { build: 'hg38' });
      expect(report.findings.filter((finding) => finding.code !== 'contig-build-mismatch').map((finding) => finding.code)).toEqual([]);
      expect(report.files[0].records).toBe(output.records);
    }
    const all = await checkVcfFiles(result.outputs.map((output) => output.path), { build: 'hg38' });
    expect(all.findings.map((finding) => finding.code)).toEqual(['contig-build-mismatch', 'contig-build-mismatch', 'contig-build-mismatch']);
  });

  it('removes the chr prefix for hg19, and converts CRLF and plain gzip input', async () => {
    const input = corpus.write('crlf38.vcf.gz', await vcfText({ chromosomes: ['1', '2'], chrPrefix: true, crlf: true }), 'gzip');
    const result = await prepareVcf(input, { build: 'hg19', outDir: join(corpus.dir, 'out19') });
    expect(result.outputs.map((output) => output.chromosome)).toEqual(['1', '2']);
    expect(result.warnings).toEqual([expect.stringMatching(/CR LF/)]);
    const report = await checkVcfFiles([result.outputs[0].path], { build: 'hg19' });
    expect(report.findings.map((finding) => finding.code)).toEqual(['contig-build-mismatch']);
    expect(report.files[0].lineEndings).toBe('lf');
  });

  it.skipIf(!tabix || !bcftools)('writes files that tabix indexes and bcftools reads', async () => {
    const input = await corpus.vcf('tools.vcf.gz', { chromosomes: ['20', '21'], recordsPerChromosome: 3000, samples: 40 });
    const result = await prepareVcf(input, { build: 'hg19', outDir: join(corpus.dir, 'outtools') });
    for (const output of result.outputs) {
      execFileSync('tabix', ['-p', 'vcf', output.path]);
      expect(existsSync(`${output.path}.tbi`)).toBe(true);
      const lines = execFileSync('bcftools', ['view', '-H', output.path]).toString().trim().split('\n');
      expect(lines.length).toBe(3000);
      expect(execFileSync('tabix', [output.path, `${output.chromosome}:1-20000`]).toString().split('\t')[0]).toBe(output.chromosome);
    }
  });

  it('refuses unsorted input and duplicate sample ids, leaving no partial outputs', async () => {
    const unsorted = corpus.write('uns.vcf.gz', editRecords(await vcfText({ recordsPerChromosome: 100 }), (f, i) => (i === 60 ? [f[0], '5', ...f.slice(2)] : f)));
    const outDir = join(corpus.dir, 'refused');
    await expect(prepareVcf(unsorted, { build: 'hg19', outDir })).rejects.toThrow(/not sorted: 20:5 comes after/);
    expect(readdirSync(outDir)).toEqual([]);
    const duplicates = await corpus.vcf('dups.vcf.gz', { sampleIds: [...Array.from({ length: 24 }, (_, i) => `S${i}`), 'S1'] });
    const error = await prepareVcf(duplicates, { build: 'hg19', outDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/duplicate sample ids \(S1\)/);
    expect((error as InputError).hint).toMatch(/bcftools reheader/);
  });

  it('refuses BGEN, random bytes and missing files with an InputError', async () => {
    const bgen = corpus.raw('data.bgen', Buffer.from('xxxx'));
    await expect(prepareVcf(bgen, { build: 'hg38', outDir: corpus.dir })).rejects.toThrow(/BGEN input is not supported yet; convert it to VCF with `plink2 --bgen/);
    await expect(prepareVcf(corpus.raw('r.vcf.gz', Buffer.from([0, 1, 2, 3, 200])), { build: 'hg38', outDir: corpus.dir })).rejects.toThrow(InputError);
    await expect(prepareVcf(join(corpus.dir, 'nope.vcf.gz'), { build: 'hg38', outDir: corpus.dir })).rejects.toThrow(/no such file/);
    expect([formatFromPath('a.bed'), formatFromPath('a.BIM'), formatFromPath('a.fam'), formatFromPath('a.bgen'), formatFromPath('a.vcf.gz')]).toEqual(['plink', 'plink', 'plink', 'bgen', 'vcf']);
  });
});
