/**
 * PLINK 1 binary filesets (.bed + .bim + .fam) → one BGZF VCF per chromosome. The .bed is read variant by
 * variant alongside the .bim (both streamed). Genotype codes per PLINK's .bed spec, two bits per sample,
 * low bits first: 00 homozygous A1, 01 missing, 10 heterozygous, 11 homozygous A2.
 */
import { open, readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Build } from '../registry/types.js';
import { chromosomeForBuild, contigLength } from './build.js';
import { plinkChromosome, readFam, type SampleIdStyle } from './plink-fam.js';
import { ChromosomeWriters, type PreparedOutput } from './split-writers.js';
import { createBimReader } from './plink-bim.js';

export interface PlinkOptions {
  /** which PLINK allele becomes REF: 'a2' (default; PLINK 1.9 puts the major allele in A2) or 'a1' */
  refAllele?: 'a1' | 'a2';
  /** default 'auto': IID when the IIDs are unique, else FID_IID */
  sampleIds?: SampleIdStyle;
}

const BED_MAGIC = [0x6c, 0x1b];

/** bytes (16 each) of the 4 genotypes a .bed byte encodes, as "g\t" × 4 */
function genotypeTable(refAllele: 'a1' | 'a2'): Buffer {
  const codes = refAllele === 'a2' ? ['1/1', './.', '0/1', '0/0'] : ['0/0', './.', '0/1', '1/1'];
  const table = Buffer.alloc(256 * 16);
  for (let byte = 0; byte < 256; byte++) {
    for (let sample = 0; sample < 4; sample++) table.write(`${codes[(byte >> (2 * sample)) & 3]}\t`, byte * 16 + sample * 4, 'latin1');
  }
  return table;
}

export async function preparePlink(path: string, options: { build: Build; outDir: string } & PlinkOptions): Promise<{ outputs: PreparedOutput[]; warnings: string[] }> {
  const base = path.replace(/\.(bed|bim|fam)$/i, '');
  const samples = readFam(await readInput(`${base}.fam`), `${base}.fam`, options.sampleIds ?? 'auto');
  const refAllele = options.refAllele ?? 'a2';
  const warnings = [
    `${base}: PLINK does not record strand or the reference allele; REF was set to ${refAllele.toUpperCase()} — check strand and REF against the reference genome (e.g. \`bcftools +fixref\`) before imputing`,
  ];
  const bed = await open(`${base}.bed`, 'r').catch((error: unknown) => Promise.reject(missing(`${base}.bed`, error)));
  const writers = new ChromosomeWriters(`${base}.bed`, options.outDir, plinkHeader(samples, options.build));
  try {
    const magic = Buffer.alloc(3);
    await bed.read(magic, 0, 3, 0);
    if (magic[0] !== BED_MAGIC[0] || magic[1] !== BED_MAGIC[1]) throw new InputError(`${base}.bed is not a PLINK 1 .bed file`, { hint: 'give the .bed of a PLINK 1 binary fileset' });
    if (magic[2] !== 1) throw new InputError(`${base}.bed is individual-major`, { hint: 're-save it SNP-major with `plink --bfile ${base} --make-bed --out fixed`' });
    const skipped = await convertVariants(bed, `${base}.bim`, samples.length, refAllele, writers, options.build);
    for (const [code, count] of skipped) warnings.push(`${base}: skipped ${count} variant(s) on PLINK chromosome ${code}; the servers impute chromosomes 1–22 and X only`);
    return { outputs: await writers.close(), warnings };
  } catch (error) {
    await writers.abort();
    throw error;
  } finally {
    await bed.close();
  }
}

async function convertVariants(
  bed: Awaited<ReturnType<typeof open>>,
  bimPath: string,
  sampleCount: number,
  refAllele: 'a1' | 'a2',
  writers: ChromosomeWriters,
  build: Build,
): Promise<Map<string, number>> {
  const table = genotypeTable(refAllele);
  const bytesPerVariant = Math.ceil(sampleCount / 4);
  const skipped = new Map<string, number>();
  const genotypes = Buffer.alloc(bytesPerVariant);
  let offset = 3;
  for await (const variant of createBimReader(bimPath)) {
    const { bytesRead } = await bed.read(genotypes, 0, bytesPerVariant, offset);
    if (bytesRead < bytesPerVariant) throw new InputError(`${bimPath.replace(/bim$/, 'bed')} is shorter than the .bim and .fam say`, { hint: 'the fileset is incomplete or mismatched; regenerate it with plink --make-bed' });
    offset += bytesPerVariant;
    const chromosome = plinkChromosome(variant.chromosome);
    if (!chromosome) {
      skipped.set(variant.chromosome, (skipped.get(variant.chromosome) ?? 0) + 1);
      continue;
    }
    const name = chromosomeForBuild(chromosome, build);
    await writers.ensure(name);
    writers.append(name, variant.pos, variantLine(name, variant, genotypes, sampleCount, table, refAllele));
    if (variant.index % 256 === 255) await writers.drain();
  }
  const { size } = await bed.stat();
  if (size !== offset) throw new InputError(`${bimPath.replace(/bim$/, 'bed')} does not match the .bim and .fam (size ${size}, expected ${offset})`, { hint: 'regenerate the fileset with plink --make-bed' });
  return skipped;
}

interface Alleles {
  id: string;
  pos: number;
  a1: string;
  a2: string;
}

function variantLine(name: string, variant: Alleles, genotypes: Buffer, samples: number, table: Buffer, refAllele: 'a1' | 'a2'): Buffer {
  const [ref, alt] = refAllele === 'a2' ? [variant.a2, variant.a1] : [variant.a1, variant.a2];
  const prefix = `${name}\t${variant.pos}\t${variant.id}\t${ref}\t${alt === '0' ? '.' : alt}\t.\tPASS\t.\tGT\t`;
  const line = Buffer.allocUnsafe(prefix.length + samples * 4);
  let at = line.write(prefix, 0, 'latin1');
  const full = samples >> 2;
  for (let byte = 0; byte < full; byte++) at += table.copy(line, at, genotypes[byte] * 16, genotypes[byte] * 16 + 16);
  if (samples & 3) at += table.copy(line, at, genotypes[full] * 16, genotypes[full] * 16 + (samples & 3) * 4);
  line[at - 1] = 10;
  return line;
}

function plinkHeader(samples: string[], build: Build): string {
  const lines = ['##fileformat=VCFv4.2', '##source=fedimpute prepare (PLINK 1 binary)', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'];
  for (const bare of [...Array.from({ length: 22 }, (_, index) => String(index + 1)), 'X']) {
    const length = contigLength(bare, build);
    lines.push(`##contig=<ID=${chromosomeForBuild(bare, build)}${length ? `,length=${length}` : ''}>`);
  }
  lines.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join('\t'));
  return lines.join('\n') + '\n';
}

async function readInput(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((error: unknown) => Promise.reject(missing(path, error)));
}

function missing(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}`, { hint: 'a PLINK fileset needs .bed, .bim and .fam with the same base name', cause: error });
}
