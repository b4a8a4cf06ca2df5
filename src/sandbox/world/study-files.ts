/**
 * The study as files a user can submit and score: study.vcf.gz (phased genotypes at the chip's sites, what
 * a genotyping array gives) and truth.vcf.gz (every sample's true genotype at every simulated site). Both
 * BGZF, sorted, tabix-indexable, hg38 names, samples S0001….
 */
import { BgzfText } from '../imputation/format.js';
import { contigLength } from '../../vcf/build.js';
import type { World } from './world.js';

export function studySampleIds(world: World): string[] {
  const count = world.study.columns / 2;
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, index) => `S${String(index + 1).padStart(width, '0')}`);
}

/** genotypes at the chip's sites */
export function writeStudyVcf(world: World, path: string): Promise<void> {
  return writeSites(world, path, world.chip, 'fedimpute sandbox study: a genotyping chip\'s sites, phased');
}

/** genotypes at every site */
export function writeTruthVcf(world: World, path: string): Promise<void> {
  return writeSites(world, path, Int32Array.from({ length: world.positions.length }, (_, index) => index), 'fedimpute sandbox truth: every site');
}

async function writeSites(world: World, path: string, sites: Int32Array, description: string): Promise<void> {
  const out = await BgzfText.create(path);
  const { study, chromosome } = world;
  const length = contigLength(chromosome, 'hg38');
  out.text([
    '##fileformat=VCFv4.2',
    `##source=${description} (seed ${world.spec.seed})`,
    `##contig=<ID=${chromosome}${length ? `,length=${length}` : ''}>`,
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...studySampleIds(world)].join('\t'),
    '',
  ].join('\n'));
  for (const site of sites) {
    const position = world.positions[site];
    const ref = String.fromCharCode(world.ref[site]);
    const alt = String.fromCharCode(world.alt[site]);
    out.text(`${chromosome}\t${position}\t${chromosome}:${position}:${ref}:${alt}\t${ref}\t${alt}\t.\tPASS\t.\tGT`);
    const base = site * study.words;
    for (let haplotype = 0; haplotype < study.columns; haplotype += 2) {
      out.byte(9);
      out.byte(48 + ((study.bits[base + (haplotype >>> 5)] >>> (haplotype & 31)) & 1));
      out.byte(124);
      out.byte(48 + ((study.bits[base + ((haplotype + 1) >>> 5)] >>> ((haplotype + 1) & 31)) & 1));
    }
    out.byte(10);
    await out.drain();
  }
  await out.close();
}
