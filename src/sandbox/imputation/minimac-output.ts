/**
 * Michigan results as imputationserver2 writes them with Minimac4 4.1 (`--format GT,DS,HDS
 * --all-typed-sites --sites chrN.info.gz --empirical-output chrN.empiricalDose.vcf.gz [--min-r2 f]`):
 *  - chrN.dose.vcf.gz: every panel site (TYPED;IMPUTED with ER2 where the input typed it, else IMPUTED),
 *    plus the input's sites missing from the panel as TYPED-only lines (GT copied, R2=1), in position
 *    order; GT at typed sites is the input's, elsewhere each haplotype's dosage rounded;
 *  - chrN.info.gz: the same sites without genotypes;
 *  - chrN.empiricalDose.vcf.gz (meta): the typed panel sites with GT:LDS, the leave-one-out dosages.
 * `--min-r2` drops panel sites below it from all three files. Quirk kept from Minimac 4.1.2: the first
 * record of the dose file lists its FORMAT as GT:HDS:DS (every later one GT:DS:HDS). A WES workflow that
 * runs minimac4 the same way publishes these files without the server's header annotation.
 */
import { bitAt } from '../world/bits.js';
import type { Imputation } from './engine.js';
import { BgzfText, dose3, significant } from './format.js';
import { minimacDoseHeader, minimacEmpiricalHeader, minimacInfoHeader, type PipelineInfo } from './headers.js';
import { forEachGenotype, readVcf, type InputRecord } from './input.js';
import { siteQuality, squaredCorrelation, type SiteQuality } from './quality.js';
import { bareChromosome } from '../../vcf/build.js';

export interface MinimacFiles {
  dose: string;
  info: string;
  /** written only when the job asked for meta-imputation files */
  empirical?: string;
}

export interface MinimacRequest {
  imputation: Imputation;
  /** the submitted VCF: its sites missing from the panel come back as TYPED-only lines */
  input: string;
  /** the chromosome as the output names it (the panel's build) */
  chromosome: string;
  /** 0 = off */
  r2Filter: number;
  /** the Michigan server's annotation of the dose file; none when minimac4's output is published as is */
  pipeline?: PipelineInfo;
  now: Date;
  files: MinimacFiles;
}

const TAB = 9;
const NEWLINE = 10;
const COLON = 58;
const COMMA = 44;
const PIPE = Buffer.from('|');

export async function writeMinimac(request: MinimacRequest): Promise<void> {
  const { imputation, chromosome, now } = request;
  const samples = imputation.target.samples;
  const dose = await BgzfText.create(request.files.dose);
  const info = await BgzfText.create(request.files.info);
  const empirical = request.files.empirical ? await BgzfText.create(request.files.empirical) : undefined;
  dose.text(minimacDoseHeader(chromosome, samples, request.pipeline, now));
  info.text(minimacInfoHeader(chromosome, now));
  empirical?.text(minimacEmpiricalHeader(chromosome, samples, now));
  const state = { next: 0, first: true };
  const drain = () => Promise.all([dose.drain(), info.drain(), empirical?.drain()]);
  const panelSitesUpTo = async (position: number) => {
    const { positions } = imputation.panel;
    for (; state.next < positions.length && positions[state.next] <= position; state.next++) {
      if (writePanelSite(request, state.next, state.first, { dose, info, empirical })) state.first = false;
      await drain();
    }
  };
  const panelChromosome = bareChromosome(imputation.panel.chromosome);
  await readVcf(request.input, () => undefined, async (record) => {
    if (imputation.target.typedRecords.has(record.ordinal)) return;
    const onPanel = bareChromosome(record.chromosome) === panelChromosome;
    if (onPanel) await panelSitesUpTo(record.position);
    writeTypedOnly(record, onPanel ? chromosome : record.chromosome, state.first, dose, info);
    state.first = false;
    await drain();
  });
  await panelSitesUpTo(Number.POSITIVE_INFINITY);
  await Promise.all([dose.close(), info.close(), empirical?.close()]);
}

/** one panel site into the three files; false when the R² filter dropped it */
function writePanelSite(request: MinimacRequest, site: number, first: boolean, out: { dose: BgzfText; info: BgzfText; empirical?: BgzfText }): boolean {
  const { imputation, chromosome } = request;
  const { panel, haplotypes, dosages, target } = imputation;
  const quality = siteQuality(dosages, site * haplotypes, haplotypes, 0.001);
  if (request.r2Filter > 0 && quality.r2 < request.r2Filter) return false;
  const row = imputation.typedRow[site];
  const position = panel.positions[site];
  const ref = String.fromCharCode(panel.ref[site]);
  const alt = String.fromCharCode(panel.alt[site]);
  const fixed = `${chromosome}\t${position}\t${chromosome}:${position}:${ref}:${alt}\t${ref}\t${alt}\t.\t.\t`;
  const infoText = siteInfo(imputation, row, quality);
  out.info.text(`${fixed}${infoText}\n`);
  out.dose.text(`${fixed}${infoText}\t${first ? 'GT:HDS:DS' : 'GT:DS:HDS'}`);
  // GT: the input's alleles where it typed the site, else each haplotype's dosage rounded
  const allele = (h: number) => (row >= 0 && !bitAt(target.missing, row, h) ? bitAt(target.alleles, row, h) : dosages[site * haplotypes + h] > 0.5 ? 1 : 0);
  for (let h = 0; h < haplotypes; h += 2) {
    const one = dosages[site * haplotypes + h];
    const two = dosages[site * haplotypes + h + 1];
    out.dose.byte(TAB);
    genotype(out.dose, allele(h), allele(h + 1));
    out.dose.byte(COLON);
    if (first) haploid(out.dose, one, two);
    else out.dose.bytes(dose3(one + two));
    out.dose.byte(COLON);
    if (first) out.dose.bytes(dose3(one + two));
    else haploid(out.dose, one, two);
  }
  out.dose.byte(NEWLINE);
  if (row < 0 || !out.empirical) return true;
  out.empirical.text(`${fixed}TYPED;IMPUTED\tGT:LDS`);
  for (let h = 0; h < haplotypes; h += 2) {
    out.empirical.byte(TAB);
    genotype(out.empirical, allele(h), allele(h + 1));
    out.empirical.byte(COLON);
    haploid(out.empirical, imputation.leaveOneOut[row * haplotypes + h], imputation.leaveOneOut[row * haplotypes + h + 1]);
  }
  out.empirical.byte(NEWLINE);
  return true;
}

/** AF;MAF;AVG_CS;R2 then ER2;TYPED;IMPUTED at a typed site (ER2 over the haplotypes with an observed allele), else IMPUTED */
function siteInfo(imputation: Imputation, row: number, quality: SiteQuality): string {
  const frequency = quality.alleleFrequency;
  const text = `AF=${significant(frequency, 6)};MAF=${significant(Math.min(frequency, 1 - frequency), 6)};` +
    `AVG_CS=${significant(quality.averageCallScore, 6)};R2=${significant(quality.r2, 6)}`;
  if (row < 0) return `${text};IMPUTED`;
  const { haplotypes, target, leaveOneOut } = imputation;
  const leftOut = Float64Array.from({ length: haplotypes }, (_, h) => (bitAt(target.missing, row, h) ? Number.NaN : leaveOneOut[row * haplotypes + h]));
  const er2 = squaredCorrelation(leftOut, Float64Array.from({ length: haplotypes }, (_, h) => bitAt(target.alleles, row, h)));
  return `${text};ER2=${significant(er2, 6)};TYPED;IMPUTED`;
}

function genotype(out: BgzfText, first: number, second: number): void {
  out.byte(48 + first);
  out.bytes(PIPE);
  out.byte(48 + second);
}

function haploid(out: BgzfText, first: number, second: number): void {
  out.bytes(dose3(first));
  out.byte(COMMA);
  out.bytes(dose3(second));
}

/** `a|b:DS:HDS` for alleles a, b ∈ {missing, 0, 1}, indexed (a + 1)·3 + (b + 1); the first record swaps DS and HDS */
const TYPED_FIELDS = [false, true].map((first) =>
  [-1, 0, 1].flatMap((one) =>
    [-1, 0, 1].map((two) => {
      const text = (allele: number) => (allele < 0 ? '.' : String(allele));
      const sum = one < 0 || two < 0 ? '.' : String(one + two);
      const hds = `${text(one)},${text(two)}`;
      return `${text(one)}|${text(two)}:${first ? hds : sum}:${first ? sum : hds}`;
    }),
  ),
);

/** an input site the panel lacks, as Minimac writes it with --all-typed-sites */
function writeTypedOnly(record: InputRecord, chromosome: string, first: boolean, dose: BgzfText, info: BgzfText): void {
  const table = TYPED_FIELDS[first ? 1 : 0];
  const fields: string[] = [];
  let alternate = 0;
  let called = 0;
  forEachGenotype(record.line, (_sample, one, two) => {
    called += (one >= 0 ? 1 : 0) + (two >= 0 ? 1 : 0);
    alternate += (one > 0 ? 1 : 0) + (two > 0 ? 1 : 0);
    fields.push(table[(one + 1) * 3 + two + 1]);
  });
  const frequency = called > 0 ? alternate / called : 0;
  const infoText = `AF=${significant(frequency, 6)};MAF=${significant(Math.min(frequency, 1 - frequency), 6)};AVG_CS=1;R2=1;TYPED`;
  const fixed = `${chromosome}\t${record.position}\t${record.id}\t${record.ref}\t${record.alt}\t.\t.\t${infoText}`;
  info.text(`${fixed}\n`);
  dose.text(`${fixed}\t${first ? 'GT:HDS:DS' : 'GT:DS:HDS'}${fields.length ? '\t' : ''}${fields.join('\t')}\n`);
}
