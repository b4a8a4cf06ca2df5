/**
 * The study as the engine sees it: which panel sites the input types (same chromosome, position, REF and
 * ALT) and the observed alleles there, one column per haplotype (2 per sample). Records that match no
 * panel site are only counted here; the Minimac-style writer streams them again as TYPED-only lines.
 */
import type { Panel } from '../world/panel.js';
import { createMatrix, setBit, type BitMatrix } from '../world/bits.js';
import { bareChromosome } from '../../vcf/build.js';
import { forEachGenotype, readVcf } from './input.js';

export interface Target {
  samples: string[];
  /** the chromosome as the input names it (e.g. 20 or chr20), of its first record */
  chromosome: string;
  /** panel site of each typed site, ascending */
  typed: Int32Array;
  /** observed alleles at typed sites: a row per typed site, a column per haplotype (1 = ALT) */
  alleles: BitMatrix;
  /** where an allele is missing ('.' or a haploid call's absent second allele) */
  missing: BitMatrix;
  /** ordinals of the records used as typed sites (the writer skips them when streaming the rest) */
  typedRecords: Set<number>;
  records: number;
}

export async function readTarget(path: string, panel: Panel): Promise<Target> {
  let samples: string[] = [];
  let chromosome = '';
  let records = 0;
  const found: { site: number; ordinal: number; line: string }[] = [];
  const taken = new Set<number>();
  // chr20 and 20 are the same chromosome here: the world's coordinates serve either build
  const panelChromosome = bareChromosome(panel.chromosome);
  await readVcf(
    path,
    (ids) => (samples = ids),
    (record) => {
      records += 1;
      if (!chromosome) chromosome = record.chromosome;
      if (bareChromosome(record.chromosome) !== panelChromosome) return;
      const site = panel.siteAt(record.position);
      if (site < 0 || taken.has(site)) return;
      if (record.ref !== String.fromCharCode(panel.ref[site]) || record.alt !== String.fromCharCode(panel.alt[site])) return;
      taken.add(site);
      found.push({ site, ordinal: record.ordinal, line: record.line });
    },
  );
  // positions ascend in a valid (sorted) input; sorting keeps the engine right for one that is not
  found.sort((a, b) => a.site - b.site);
  const haplotypes = 2 * samples.length;
  const alleles = createMatrix(found.length, haplotypes);
  const missing = createMatrix(found.length, haplotypes);
  found.forEach(({ line }, row) =>
    forEachGenotype(line, (sample, first, second) => {
      if (sample >= samples.length) return;
      [first, second].forEach((allele, copy) => {
        if (allele === 1) setBit(alleles, row, 2 * sample + copy);
        else if (allele < 0) setBit(missing, row, 2 * sample + copy);
      });
    }),
  );
  return {
    samples, chromosome: chromosome || panel.chromosome, records, alleles, missing,
    typed: Int32Array.from(found, (entry) => entry.site),
    typedRecords: new Set(found.map((entry) => entry.ordinal)),
  };
}
