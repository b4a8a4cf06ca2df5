import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkVcfFiles, type CheckOptions, type CheckReport } from '../../src/vcf/check.js';
import { Corpus, editRecords, pack, vcfText } from './corpus.js';

const corpus = new Corpus();
afterAll(() => corpus.remove());

function verdict(report: CheckReport): string[] {
  return report.findings.map((finding) => `${finding.severity}:${finding.code}`);
}

async function check(path: string | string[], options: CheckOptions = {}): Promise<CheckReport> {
  const report = await checkVcfFiles(Array.isArray(path) ? path : [path], options);
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  return report;
}

describe('checkVcfFiles: good input', () => {
  it('passes a bgzipped hg19 file and reports its facts', async () => {
    const report = await check(await corpus.vcf('good.vcf.gz'), { build: 'hg19' });
    expect(verdict(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.phased).toBe(true);
    expect(report.files[0]).toMatchObject({
      compression: 'bgzf',
      eofBlock: true,
      vcfVersion: 'VCFv4.2',
      lineEndings: 'lf',
      samples: 25,
      records: 50,
      chromosomes: ['20'],
      sorted: true,
      phasing: 'phased',
      gtPresent: true,
      namingBuild: 'hg19',
      contigBuild: 'hg19',
      duplicateSampleIds: [],
    });
  });

  it('passes hg38 names with --build hg38 and infers the build without --build', async () => {
    const path = await corpus.vcf('good38.vcf.gz', { chrPrefix: true });
    expect(verdict(await check(path, { build: 'hg38' }))).toEqual([]);
    const report = await check(path);
    expect(verdict(report)).toEqual([]);
    expect(report.files[0].namingBuild).toBe('hg38');
    expect(report.files[0].contigBuild).toBe('hg38');
  });

  it('reads lines that span decompressed chunks (50,001 samples)', async () => {
    const report = await check(await corpus.vcf('wide.vcf.gz', { samples: 50_001, recordsPerChromosome: 30 }));
    expect(report.files[0].records).toBe(30);
    expect(report.files[0].samples).toBe(50_001);
    expect(verdict(report)).toEqual(['error:too-many-samples']);
  });

  it('reports unphased input as a result, not a finding', async () => {
    const report = await check(await corpus.vcf('unphased.vcf.gz', { phased: false }));
    expect(verdict(report)).toEqual([]);
    expect(report.phased).toBe(false);
    expect(report.files[0].phasing).toBe('unphased');
  });
});

describe('checkVcfFiles: the servers rules', () => {
  const cases: Array<[string, () => Promise<string | string[]>, CheckOptions, string[]]> = [
    ['plain gzip', () => corpus.vcf('plain.vcf.gz', {}, 'gzip'), {}, ['error:not-bgzf']],
    ['uncompressed', () => corpus.vcf('plain.vcf', {}, 'none'), {}, ['error:not-bgzf']],
    ['two chromosomes', () => corpus.vcf('two.vcf.gz', { chromosomes: ['20', '21'] }), {}, ['error:multiple-chromosomes']],
    ['too few samples', () => corpus.vcf('few.vcf.gz', { samples: 19 }), {}, ['error:too-few-samples']],
    ['more than maxSamples', () => corpus.vcf('many.vcf.gz'), { maxSamples: 24 }, ['error:too-many-samples']],
    ['chromosome Y', () => corpus.vcf('y.vcf.gz', { chromosomes: ['Y'] }), {}, ['error:unsupported-chromosome']],
    ['chromosome MT', () => corpus.vcf('mt.vcf.gz', { chromosomes: ['MT'] }), {}, ['error:unsupported-chromosome']],
    ['hg38 names for hg19', () => corpus.vcf('n38.vcf.gz', { chrPrefix: true }), { build: 'hg19' }, ['error:chr-naming', 'warning:contig-build-mismatch']],
    ['hg19 names for hg38', () => corpus.vcf('n19.vcf.gz'), { build: 'hg38' }, ['error:chr-naming', 'warning:contig-build-mismatch']],
    ['duplicate sample ids', () => corpus.vcf('dup.vcf.gz', { sampleIds: [...Array.from({ length: 24 }, (_, i) => `S${i}`), 'S3'] }), {}, ['error:duplicate-sample-ids']],
    ['mixed phasing', () => corpus.vcf('mixed.vcf.gz', { phased: 'mixed' }), {}, ['warning:mixed-phasing']],
    ['header only', async () => corpus.write('header.vcf.gz', (await vcfText()).split('\n').filter((l) => l.startsWith('#')).join('\n') + '\n'), {}, ['error:no-records']],
    ['no GT', async () => corpus.write('nogt.vcf.gz', editRecords(await vcfText(), (f) => [...f.slice(0, 8), 'DS', ...f.slice(9).map(() => '0.5')])), {}, ['error:no-gt']],
    ['REF equals ALT', async () => corpus.write('refalt.vcf.gz', editRecords(await vcfText(), (f, i) => (i === 3 ? [...f.slice(0, 4), f[3], ...f.slice(5)] : f))), {}, ['error:ref-equals-alt']],
    ['unsorted positions', async () => corpus.write('unsorted.vcf.gz', editRecords(await vcfText(), (f, i) => (i === 10 ? [f[0], '5', ...f.slice(2)] : f))), {}, ['error:unsorted']],
    ['chromosome blocks not contiguous', async () => corpus.write('noncontig.vcf.gz', editRecords(await vcfText({ chromosomes: ['20', '21'] }), (f, i) => (i === 70 ? ['20', '99999999', ...f.slice(2)] : f))), {}, ['error:multiple-chromosomes', 'error:unsorted']],
    ['allele classes', async () => corpus.write('alleles.vcf.gz', editRecords(await vcfText(), (f, i) => (i === 1 ? [...f.slice(0, 4), 'C,G', ...f.slice(5)] : i === 2 ? [...f.slice(0, 4), 'ACGT', ...f.slice(5)] : i === 3 ? [f[0], f[1], f[2], 'R', ...f.slice(4)] : i === 4 ? [...f.slice(0, 4), '<DEL>', ...f.slice(5)] : f))), {}, ['warning:invalid-alleles', 'warning:symbolic-alleles', 'warning:multi-allelic', 'warning:indels']],
    ['a malformed record', async () => corpus.write('malformed.vcf.gz', editRecords(await vcfText(), (f, i) => (i === 5 ? f.slice(0, 3) : f))), {}, ['error:malformed-record']],
    ['CRLF line endings (the servers drop the CR: a warning, prepare normalises)', () => corpus.vcf('crlf.vcf.gz', { crlf: true }), {}, ['warning:crlf-line-endings']],
    ['no #CHROM line', async () => corpus.write('nochrom.vcf.gz', (await vcfText()).split('\n').filter((l) => !l.startsWith('#CHROM')).join('\n')), {}, ['error:missing-header-line', 'error:no-samples']],
  ];
  for (const [name, make, options, expected] of cases) {
    it(`${name} → ${expected.join(', ')}`, async () => {
      const report = await check(await make(), options);
      expect(verdict(report)).toEqual(expected);
      expect(report.ok).toBe(!expected.some((entry) => entry.startsWith('error')));
      for (const finding of report.findings) {
        expect(finding.message.length).toBeGreaterThan(10);
        expect(finding.fix.length).toBeGreaterThan(5);
      }
    });
  }

  it('uses the server wording for too few samples and the prepare fix for naming', async () => {
    const few = await check(await corpus.vcf('few2.vcf.gz', { samples: 3 }));
    expect(few.findings[0].message).toBe('At least 20 samples must be uploaded.');
    const naming = await check(await corpus.vcf('n19b.vcf.gz'), { build: 'hg38' });
    expect(naming.findings[0].fix).toContain('fedimpute prepare --build hg38');
    const gzip = await check(await corpus.vcf('plain2.vcf.gz', {}, 'gzip'));
    expect(gzip.findings[0].message).toMatch(/bgzip/);
    expect(gzip.findings[0].message).toMatch(/tabix/);
  });
});

describe('checkVcfFiles: several files and panels', () => {
  it('requires the same samples in every file and each chromosome once', async () => {
    const a = await corpus.vcf('a20.vcf.gz');
    const b = await corpus.vcf('b21.vcf.gz', { chromosomes: ['21'] });
    expect(verdict(await check([a, b]))).toEqual([]);
    const c = await corpus.vcf('c21.vcf.gz', { chromosomes: ['21'], samples: 26 });
    expect(verdict(await check([a, c]))).toEqual(['error:different-samples']);
    const d = await corpus.vcf('d20.vcf.gz', { seed: 9 });
    expect(verdict(await check([a, d]))).toEqual(['error:duplicate-chromosome-files']);
  });

  it('checks build and population against each panel', async () => {
    const path = await corpus.vcf('panel.vcf.gz', { chrPrefix: true });
    const panels = [
      { serviceName: 'H3Africa', panelName: 'H3Africa v6', build: 'hg38' as const, populations: ['afr', 'mixed'] },
      { serviceName: 'Michigan', panelName: 'HRC r1.1', build: 'hg19' as const, populations: ['eur', 'mixed'] },
    ];
    expect(verdict(await check(path, { panels, population: 'mixed' }))).toEqual(['error:panel-build-mismatch']);
    // a Michigan-API server lifts the input over to the panel's build: only a warning there
    const lifted = await check(path, { panels: [{ ...panels[1], liftsOver: true }], population: 'mixed' });
    expect(verdict(lifted)).toEqual(['warning:panel-build-mismatch']);
    expect(lifted.ok).toBe(true);
    expect(lifted.findings[0].message).toBe('HRC r1.1 on Michigan is hg19; the server lifts your hg38 input over to it (liftOver drops a few variants).');
    const report = await check(path, { panels: panels.slice(0, 1), population: 'eur' });
    expect(verdict(report)).toEqual(['error:population-not-allowed']);
    expect(report.findings[0].fix).toContain('afr, mixed');
  });
});

describe('checkVcfFiles: damaged bytes never throw', () => {
  it('truncated BGZF (cut inside a block)', async () => {
    const whole = pack(await vcfText({ recordsPerChromosome: 4000 }), 'bgzf');
    const report = await check(corpus.raw('cut.vcf.gz', whole.subarray(0, Math.floor(whole.length / 2))));
    expect(verdict(report)).toEqual(['error:truncated-bgzf']);
    expect(report.findings[0].message).toMatch(/^truncated BGZF: the file ends inside a block/);
    // the blocks before the cut are still read
    expect(report.files[0].records).toBeGreaterThan(1000);
    expect(report.files[0].samples).toBe(25);
  });

  it('truncated BGZF (EOF block missing)', async () => {
    const whole = pack(await vcfText(), 'bgzf');
    const report = await check(corpus.raw('noeof.vcf.gz', whole.subarray(0, whole.length - 28)));
    expect(verdict(report)).toEqual(['error:truncated-bgzf']);
    expect(report.findings[0].message).toBe('truncated BGZF: the end-of-file block is missing.');
    expect(report.files[0].eofBlock).toBe(false);
  });

  it('truncated plain gzip', async () => {
    const whole = pack(await vcfText({ recordsPerChromosome: 400 }), 'gzip');
    const report = await check(corpus.raw('cut.gz', whole.subarray(0, whole.length - 100)));
    expect(verdict(report)).toEqual(['error:corrupt-compression', 'error:not-bgzf']);
  });

  it('a cut inside the first block', async () => {
    const whole = pack(await vcfText(), 'bgzf');
    const report = await check(corpus.raw('cut-first.vcf.gz', whole.subarray(0, 100)));
    expect(verdict(report)).toEqual(['error:truncated-bgzf']);
  });

  it('garbage after valid blocks', async () => {
    const whole = pack(await vcfText(), 'bgzf');
    const report = await check(corpus.raw('garbage.vcf.gz', Buffer.concat([whole.subarray(0, whole.length - 28), Buffer.alloc(100, 7)])));
    expect(verdict(report)).toEqual(['error:corrupt-compression']);
  });

  it('random bytes, text that is not a VCF, and an empty file', async () => {
    let seed = 1;
    const random = Buffer.from(Array.from({ length: 5000 }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 255));
    expect(verdict(await check(corpus.raw('random.bin', random)))).toEqual(['error:not-vcf']);
    expect(verdict(await check(corpus.raw('text.txt', Buffer.from('hello\nworld\n'))))).toEqual(['error:not-vcf']);
    expect(verdict(await check(corpus.raw('empty.vcf.gz', Buffer.alloc(0))))).toEqual(['error:file-empty']);
    expect(verdict(await check(corpus.raw('empty-bgzf.vcf.gz', pack('', 'bgzf'))))).toEqual(['error:file-empty']);
  });

  it('throws InputError naming a missing file', async () => {
    await expect(checkVcfFiles([`${corpus.dir}/missing.vcf.gz`])).rejects.toThrow(InputError);
    await expect(checkVcfFiles([`${corpus.dir}/missing.vcf.gz`])).rejects.toThrow(/missing\.vcf\.gz: no such file/);
  });
});
