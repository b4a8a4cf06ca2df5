/**
 * `check`, `prepare` and `submit --prepare` (runX in this process): exit codes, the per-file report, the
 * finding codes in --json, per-chromosome BGZF output the checker (and tabix, where installed) accepts,
 * PLINK input, BGEN refused, and a prepared multi-chromosome upload.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCheck } from '../../src/commands/check.js';
import { runPrepare } from '../../src/commands/prepare.js';
import { runSubmit } from '../../src/commands/submit.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { dumpStore, jobRows } from '../helpers/store.js';
import { writeFileset } from './corpus.js';

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{}] });
});
afterAll(async () => fed?.close());

/** a multi-chromosome hg19-named VCF, written once for whichever test needs it first */
let wholeVcf: Promise<string> | undefined;
const whole = () => (wholeVcf ??= fed.vcf('whole.vcf.gz', { chromosomes: ['20', '21'], chrPrefix: false, recordsPerChromosome: 30 }));

describe('check', () => {
  test('a good file: exit 0, one row of facts, no findings', async () => {
    const good = await fed.vcf('good.chr20.vcf.gz');
    const result = await fed.call(runCheck, { files: [good], build: 'hg38' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${good}\tbgzf\tVCFv4.2\t24\t200\tchr20\thg38\tphased\tyes\t${result.stdout.split('\t')[9]}`);
    expect(result.stderr).toContain('ready to submit');
  });

  test('a multi-chromosome hg19-named file checked for hg38: exit 2, both findings with their fixes, --json codes', async () => {
    const multi = await fed.vcf('multi.vcf.gz', { chromosomes: ['1', '2', '20'], chrPrefix: false, recordsPerChromosome: 40 });
    const result = await fed.call(runCheck, { files: [multi], build: 'hg38' });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('error\tmultiple-chromosomes');
    expect(result.stdout).toContain('error\tchr-naming');
    expect(result.stdout).toContain('run `fedimpute prepare --build hg38`');
    const report = JSON.parse((await fed.call(runCheck, { files: [multi], build: 'hg38' }, { json: true })).stdout);
    expect(report.ok).toBe(false);
    expect(report.findings.map((finding: { code: string }) => finding.code)).toEqual(expect.arrayContaining(['multiple-chromosomes', 'chr-naming']));
    expect(report.files[0]).toMatchObject({ compression: 'bgzf', samples: 24, records: 120, chromosomes: ['1', '2', '20'], namingBuild: 'hg19' });
  });

  test('a bgzipped VCF named x.doc: exit 2, the name rule submit and the servers apply', async () => {
    const doc = await fed.vcf('x.doc');
    const result = await fed.call(runCheck, { files: [doc], build: 'hg38' }, { json: true });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).findings).toEqual([
      { severity: 'error', code: 'file-name', file: doc, message: 'The file name does not end in .vcf.gz; the servers accept only files named *.vcf.gz.', fix: 'if it is a bgzipped VCF, rename it (x.vcf.gz); otherwise run `fedimpute prepare` on it' },
    ]);
    const submitted = await fed.call(runSubmit, { files: [doc], services: '1' });
    expect(submitted.code).toBe(2);
    expect(submitted.stderr).toContain('the servers only accept bgzipped VCF files named *.vcf.gz');
  });

  test('CRLF line endings: accepted with a warning (the servers drop the CR); prepare writes LF', async () => {
    const crlf = await fed.vcf('crlf.vcf.gz', { crlf: true });
    const result = await fed.call(runCheck, { files: [crlf], build: 'hg38' });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('warning\tcrlf-line-endings');
    const out = join(fed.dir, 'prepared-crlf');
    expect((await fed.call(runPrepare, { input: crlf, build: 'hg38', out })).code).toBe(0);
    const prepared = await fed.call(runCheck, { files: [join(out, 'crlf.chr20.vcf.gz')], build: 'hg38' }, { json: true });
    expect(prepared.stderr).not.toContain('CR LF');
    expect(JSON.parse(prepared.stdout).findings).toEqual([]);
  });

  test('with --services: a population the panel does not have is an error', async () => {
    const good = await fed.vcf('pop.chr20.vcf.gz');
    const result = await fed.call(runCheck, { files: [good], services: '1', population: 'eur' }, { json: true });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).findings.map((finding: { code: string }) => finding.code)).toEqual(['population-not-allowed']);
  });
});

describe('prepare', () => {
  test('splits per chromosome, renames for hg38, and the checker (and tabix) accept every output', async () => {
    const multi = await fed.vcf('split.vcf.gz', { chromosomes: ['1', '20', 'X'], chrPrefix: false, recordsPerChromosome: 30 });
    const out = join(fed.dir, 'prepared');
    const result = await fed.call(runPrepare, { input: multi, build: 'hg38', out });
    expect(result.code, result.stderr).toBe(0);
    const files = readdirSync(out).filter((name) => name.endsWith('.vcf.gz')).sort();
    expect(files).toEqual(['split.chr1.vcf.gz', 'split.chr20.vcf.gz', 'split.chrX.vcf.gz']);
    expect(result.stdout.split('\n').filter(Boolean).map((line) => line.split('\t').slice(1, 3))).toEqual([['chr1', '30'], ['chr20', '30'], ['chrX', '30']]);
    for (const file of files) {
      const check = await fed.call(runCheck, { files: [join(out, file)], build: 'hg38' });
      expect(check.code, check.stdout).toBe(0);
      if (existsSync('/usr/bin/tabix')) execFileSync('/usr/bin/tabix', ['-f', '-p', 'vcf', join(out, file)]);
    }
  });

  test('a PLINK .bed fileset becomes per-chromosome VCFs, with the strand/REF warning', async () => {
    const base = join(fed.dir, 'array');
    const fam = Array.from({ length: 24 }, (_, index) => `F${index} I${index + 1} 0 0 1 -9`);
    const bim = ['20\trs1\t0\t1000\tA\tG', '20\trs2\t0\t2000\tC\tT'];
    writeFileset(base, fam, bim, bim.map((_, variant) => fam.map((__, sample) => (sample + variant) % 4)));
    const out = join(fed.dir, 'from-plink');
    const result = await fed.call(runPrepare, { input: `${base}.bed`, build: 'hg38', out });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: .*strand and REF/);
    expect(readdirSync(out)).toContain('array.chr20.vcf.gz');
  });

  test('BGEN: exit 2, "not supported yet", and how to convert', async () => {
    const result = await fed.call(runPrepare, { input: join(fed.dir, 'x.bgen'), build: 'hg38' });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^error: .*x\.bgen: BGEN input is not supported yet; convert it to VCF with `plink2 --bgen/);
  });
});

describe('submit --prepare', () => {
  test('a multi-chromosome hg19-named VCF is split and renamed, then uploaded as one child with every file', async () => {
    const multi = await whole();
    const result = await fed.call(runSubmit, { files: [multi], services: '1', prepare: true, build: 'hg38' }, { json: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/prepared 2 files for hg38 in /);
    const parentId = JSON.parse(result.stdout).parent_job_id as string;
    const parent = jobRows(fed.db).find((row) => row.id === parentId)!;
    const inputs = JSON.parse(String(parent.input_files)) as { name: string; sha256: string }[];
    expect(inputs.map((input) => input.name)).toEqual(['whole.chr20.vcf.gz', 'whole.chr21.vcf.gz']);
    expect(inputs.every((input) => /^[0-9a-f]{64}$/.test(input.sha256))).toBe(true);
    const job = fed.michigan[0].jobs.find((candidate) => candidate.name.includes(String(jobRows(fed.db).find((row) => row.parent_job_id === parentId)!.id)))!;
    expect(job.files.map((file) => file.name)).toEqual(['whole.chr20.vcf.gz', 'whole.chr21.vcf.gz']);
    expect(job.params.build).toBe('hg38');
  });

  test('--prepare without --build: the chromosome names say the build (no question asked); PLINK codes do not (exit 2, nothing recorded)', async () => {
    const dry = await fed.call(runSubmit, { files: [await whole()], services: '1', prepare: true, dryRun: true });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain("preparing for hg19 (the input's chromosome names say so; --build chooses another)");
    const before = dumpStore(fed.db);
    const base = join(fed.dir, 'no-build');
    const fam = Array.from({ length: 24 }, (_, index) => `F${index} I${index + 1} 0 0 1 -9`);
    writeFileset(base, fam, ['20\trs1\t0\t1000\tA\tG'], [fam.map((_, sample) => sample % 4)]);
    const plink = await fed.call(runSubmit, { files: [`${base}.bed`], services: '1', prepare: true });
    expect(plink.code).toBe(2);
    expect(plink.stderr.split('\n').slice(0, 2)).toEqual(['error: --prepare needs the build to name the chromosomes for, and the input does not say it', '  → add --build hg38 (or --build hg19)']);
    expect(dumpStore(fed.db)).toBe(before);
  });
});
