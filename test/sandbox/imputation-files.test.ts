/**
 * The files the emulators publish, as Minimac4 4.1 (Michigan) and Beagle 5.4 (WES) write them: headers,
 * INFO fields, typed and typed-only sites, leave-one-out dosages, the R² filter, and the fallback for an
 * input that shares no site with the panel. bcftools and tabix must accept every file (when installed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTruth, score } from '../../src/sandbox/accuracy.js';
import { readVcf } from '../../src/sandbox/imputation/input.js';
import { imputeMichigan, imputeWes } from '../../src/sandbox/imputation/run.js';
import { simulateStudy } from '../../src/sandbox/simulation.js';
import { worldFor } from '../../src/sandbox/world/cache.js';
import { panelOf } from '../../src/sandbox/world/panel.js';
import { TINY_WORLD } from '../../src/sandbox/world/spec.js';
import { writeStudyVcf } from '../../src/sandbox/world/study-files.js';
import { generateVcf } from '../../src/vcf/generate.js';

const hasTool = (tool: string) => spawnSync(tool, ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'fedimpute-files-'));
const world = worldFor(TINY_WORLD);
const study = join(dir, 'study.vcf.gz');
const pipeline = { version: '2.0.12', phasing: 'eagle', panel: 'h3africa-v6hc-s' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => writeStudyVcf(world, study));

const text = (path: string) => gunzipSync(readFileSync(path)).toString('utf8');
const records = (path: string) => text(path).split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split('\t'));
const info = (fields: string[]) => Object.fromEntries(fields[7].split(';').map((entry) => entry.split('=')));

describe('Michigan (Minimac4) files', () => {
  it('dose: the server\'s header, every panel site, TYPED;IMPUTED with ER2 where typed, the first record\'s FORMAT quirk', async () => {
    const { chromosome, files } = await imputeMichigan({ world, panel: 'A', input: study, dir: join(dir, 'm1'), build: 'hg38', meta: true, pipeline });
    expect(chromosome).toBe('20');
    const header = text(files.dose).split('\n').filter((line) => line.startsWith('##'));
    expect(header.slice(0, 5)).toEqual(['##fileformat=VCFv4.2', '##FILTER=<ID=PASS,Description="All filters passed">', expect.stringMatching(/^##filedate=\d{8}$/), '##source=Minimac v4.1.2', '##phasing=full']);
    expect(header).toContain('##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated Imputation Accuracy (R-square)">');
    expect(header).toContain('##FORMAT=<ID=HDS,Number=2,Type=Float,Description="Estimated Haploid Alternate Allele Dosage">');
    expect(header).toEqual(expect.arrayContaining(['##mis_pipeline=v2.0.12', '##mis_phasing=eagle', '##mis_panel=h3africa-v6hc-s']));
    const rows = records(files.dose);
    const panel = panelOf(world, 'A');
    expect(rows.length).toBe(panel.positions.length + countTypedOnly(rows));
    expect(rows[0][8]).toBe('GT:HDS:DS');
    expect(rows.slice(1).every((row) => row[8] === 'GT:DS:HDS')).toBe(true);
    expect(rows.every((row) => row[0] === 'chr20' && row[6] === '.' && row.length === 9 + TINY_WORLD.studySamples)).toBe(true);
    const typed = rows.filter((row) => row[7].endsWith(';TYPED;IMPUTED'));
    expect(typed.length).toBeGreaterThan(20);
    expect(typed.every((row) => 'ER2' in info(row))).toBe(true);
    const imputed = rows.filter((row) => row[7].endsWith(';IMPUTED') && !row[7].includes('TYPED'));
    expect(imputed.every((row) => Object.keys(info(row)).join() === 'AF,MAF,AVG_CS,R2,IMPUTED')).toBe(true);
    // DS = HDS1 + HDS2 and GT is each haplotype's dosage rounded, at an imputed site
    const [gt, ds, hds] = imputed[5][9].split(':');
    const [one, two] = hds.split(',').map(Number);
    expect(Number(ds)).toBeCloseTo(one + two, 2);
    expect(gt).toBe(`${one > 0.5 ? 1 : 0}|${two > 0.5 ? 1 : 0}`);
    // the info file: the same sites and INFO, no genotypes
    const sites = records(files.info);
    expect(sites.map((row) => row.slice(0, 8).join('\t'))).toEqual(rows.map((row) => row.slice(0, 8).join('\t')));
  });

  it('empiricalDose (meta): the typed sites with GT:LDS, leave-one-out dosages that differ from the dose file\'s', async () => {
    const { files } = await imputeMichigan({ world, panel: 'A', input: study, dir: join(dir, 'm2'), build: 'hg38', meta: true, pipeline });
    const dose = new Map(records(files.dose).map((row) => [row[1], row]));
    const empirical = records(files.empirical!);
    expect(empirical.length).toBe([...dose.values()].filter((row) => row[7].includes('TYPED;IMPUTED')).length);
    expect(text(files.empirical!)).toContain('##FORMAT=<ID=LDS,Number=2,Type=Float,Description="Leave-one-out Imputed Dosage : Estimated Haploid Alternate Allele Dosage assuming site was NOT genotyped">');
    let differing = 0;
    for (const row of empirical) {
      expect(row[7]).toBe('TYPED;IMPUTED');
      expect(row[8]).toBe('GT:LDS');
      const doseRow = dose.get(row[1])!;
      const hdsAt = doseRow[8].split(':').indexOf('HDS');
      row.slice(9).forEach((sample, index) => {
        const [gt, lds] = sample.split(':');
        expect(gt).toBe(doseRow[9 + index].split(':')[0]);
        if (lds !== doseRow[9 + index].split(':')[hdsAt]) differing += 1;
      });
    }
    expect(differing).toBeGreaterThan(empirical.length);
    const without = await imputeMichigan({ world, panel: 'A', input: study, dir: join(dir, 'm3'), build: 'hg19', meta: false, pipeline });
    expect(without.files.empirical).toBeUndefined();
    expect(records(without.files.dose)[0][0]).toBe('20'); // an hg19 panel names the chromosome 20
  });

  it('the R² filter drops panel sites below it from all three files, as minimac4 --min-r2 does', async () => {
    const all = await imputeMichigan({ world, panel: 'B', input: study, dir: join(dir, 'm4'), build: 'hg38', meta: true, pipeline });
    const kept = await imputeMichigan({ world, panel: 'B', input: study, dir: join(dir, 'm5'), build: 'hg38', meta: true, pipeline, r2Filter: 0.3 });
    const r2 = (row: string[]) => Number(info(row).R2);
    const rows = records(kept.files.dose);
    expect(rows.every((row) => r2(row) >= 0.3)).toBe(true);
    expect(rows.length).toBe(records(all.files.dose).filter((row) => r2(row) >= 0.3).length);
    expect(rows.length).toBeLessThan(records(all.files.dose).length);
    expect(records(kept.files.info)).toHaveLength(rows.length);
    const keptPositions = new Set(rows.map((row) => row[1]));
    expect(records(kept.files.empirical!).every((row) => keptPositions.has(row[1]))).toBe(true);
  });

  it('an input with no site in the panel: every panel site at the panel frequency (R2=0), the input\'s sites as TYPED-only', async () => {
    const input = join(dir, 'unrelated.vcf.gz');
    await generateVcf(input, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 200, chrPrefix: true, phased: true, seed: 3 });
    const { files } = await imputeMichigan({ world, panel: 'A', input, dir: join(dir, 'm6'), build: 'hg38', meta: true, pipeline });
    const rows = records(files.dose);
    const typedOnly = rows.filter((row) => row[7].endsWith(';R2=1;TYPED'));
    // each input record comes back once: as a typed panel site when it happens to match one, else TYPED-only
    expect(typedOnly.length + countPanelMatches(rows)).toBe(200);
    expect(typedOnly.length).toBeGreaterThan(190);
    expect(typedOnly.map((row) => Number(row[2].slice(2)))).toEqual(typedOnly.map((row) => Number(row[2].slice(2))).sort((a, b) => a - b));
    expect(typedOnly[3][9]).toMatch(/^[01]\|[01]:[012]:[01],[01]$/);
    const positions = rows.map((row) => Number(row[1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const imputed = rows.filter((row) => row[7].endsWith(';IMPUTED') && !row[7].includes('TYPED'));
    expect(imputed.filter((row) => Number(info(row).R2) < 0.01).length / imputed.length).toBeGreaterThan(0.9);
  });

  it.skipIf(!hasTool('bcftools') || !hasTool('tabix'))('passes bcftools view and tabix -p vcf', async () => {
    const { files } = await imputeMichigan({ world, panel: 'A', input: study, dir: join(dir, 'm7'), build: 'hg38', meta: true, pipeline });
    const wes = await imputeWes({ world, panel: 'B', input: study, dir: join(dir, 'w0'), name: 'study', genotypeProbabilities: true });
    for (const path of [files.dose, files.info, files.empirical!, wes.dose, wes.info, study]) {
      const view = spawnSync('bcftools', ['view', '-H', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(view.status, `${path}: ${view.stderr}`).toBe(0);
      expect(view.stdout.split('\n').filter(Boolean)).toHaveLength(records(path).length);
      const tabix = spawnSync('tabix', ['-f', '-p', 'vcf', path], { encoding: 'utf8' });
      expect(tabix.status, `${path}: ${tabix.stderr}`).toBe(0);
    }
  });
});

describe('WES (Beagle 5.4) files', () => {
  it('panel sites only, DR2/AF/IMP, GT:DS (GP when asked), typed sites as given with DR2=1.00', async () => {
    const files = await imputeWes({ world, panel: 'B', input: study, dir: join(dir, 'w1'), name: 'chr20', genotypeProbabilities: true });
    const header = text(files.dose).split('\n').filter((line) => line.startsWith('##'));
    expect(header[2]).toBe('##source="beagle.22Jul22.46e.jar"');
    expect(header).toContain('##FORMAT=<ID=GP,Number=G,Type=Float,Description="Estimated Genotype Probability">');
    expect(header.some((line) => line.startsWith('##contig'))).toBe(false);
    const rows = records(files.dose);
    expect(rows).toHaveLength(panelOf(world, 'B').positions.length);
    expect(rows.every((row) => row[6] === 'PASS' && row[8] === 'GT:DS:GP')).toBe(true);
    const typed = rows.filter((row) => !row[7].endsWith(';IMP'));
    expect(typed.length).toBeGreaterThan(10);
    expect(typed.every((row) => /^DR2=1\.00;AF=\d\.\d{4}$/.test(row[7]))).toBe(true);
    expect(typed[0].slice(9).every((sample) => /^([01])\|([01]):[012]:[01],[01],[01]$/.test(sample))).toBe(true);
    const imputed = rows.filter((row) => row[7].endsWith(';IMP'));
    expect(imputed.every((row) => /^DR2=\d\.\d\d;AF=\d\.\d{4};IMP$/.test(row[7]))).toBe(true);
    const plain = await imputeWes({ world, panel: 'B', input: study, dir: join(dir, 'w2'), name: 'chr20', r2Filter: 0.5 });
    const filtered = records(plain.dose);
    expect(filtered.every((row) => row[8] === 'GT:DS' && Number(info(row).DR2) >= 0.5)).toBe(true);
    expect(filtered.length).toBeLessThan(rows.length);
  });
});

describe('reading inputs', () => {
  it('a missing or corrupt file is an error of the reading, never an uncaught stream error', async () => {
    await expect(readVcf(join(dir, 'missing.vcf.gz'), () => undefined, () => undefined)).rejects.toMatchObject({ code: 'ENOENT' });
    const corrupt = join(dir, 'corrupt.vcf.gz');
    writeFileSync(corrupt, Buffer.concat([readFileSync(study).subarray(0, 400), Buffer.alloc(400, 7)]));
    await expect(readVcf(corrupt, () => undefined, () => undefined)).rejects.toThrow();
  });
});

describe('simulateStudy (the benchmarks\' one call)', () => {
  it('imputes the study against A, B and the pooled panel with meta files, and keeps the truth', async () => {
    const run = await simulateStudy({ dir: join(dir, 'bench'), spec: TINY_WORLD });
    expect(Object.keys(run.imputed)).toEqual(['A', 'B', 'pooled']);
    const truth = await loadTruth(run.truth, run.study);
    const common = async (dose: string) => (await score(truth, dose)).at(-1)!.meanR2;
    for (const files of Object.values(run.imputed)) expect(records(files.empirical!).length).toBeGreaterThan(10);
    expect(await common(run.imputed.pooled.dose)).toBeGreaterThan(await common(run.imputed.B.dose));
  });
});

function countTypedOnly(rows: string[][]): number {
  return rows.filter((row) => row[7].endsWith(';R2=1;TYPED')).length;
}

function countPanelMatches(rows: string[][]): number {
  return rows.filter((row) => row[7].includes('TYPED;IMPUTED')).length;
}
