/**
 * Chromosome names and genome builds. The servers expect hg19 names without `chr` and hg38 names with it;
 * `##contig` lengths tell GRCh37 from GRCh38 when the header has them (lengths from the GRC assemblies).
 */
import type { Build } from '../registry/types.js';

export type { Build };

const CONTIG_LENGTHS: Record<string, { hg19: number; hg38: number }> = {
  '1': { hg19: 249250621, hg38: 248956422 },
  '2': { hg19: 243199373, hg38: 242193529 },
  '20': { hg19: 63025520, hg38: 64444167 },
  '21': { hg19: 48129895, hg38: 46709983 },
  '22': { hg19: 51304566, hg38: 50818468 },
  X: { hg19: 155270560, hg38: 156040895 },
};

/** 1–22 and X, what every Michigan-API server imputes (Y and MT are refused) */
const SUPPORTED = new Set([...Array.from({ length: 22 }, (_, index) => String(index + 1)), 'X']);

/** `chr20` → `20`, `chrX` → `X`, `20` → `20` */
export function bareChromosome(name: string): string {
  return name.startsWith('chr') ? name.slice(3) : name;
}

export function isSupportedChromosome(name: string): boolean {
  return SUPPORTED.has(bareChromosome(name));
}

/** the name the build wants: hg38 `chr20`, hg19 `20` */
export function chromosomeForBuild(name: string, build: Build): string {
  const bare = bareChromosome(name);
  return build === 'hg38' ? `chr${bare}` : bare;
}

/** The build implied by names: all with `chr` → hg38, all without → hg19, mixed or none → null. */
export function buildFromNames(chromosomes: string[]): Build | null {
  if (chromosomes.length === 0) return null;
  const prefixed = chromosomes.filter((name) => name.startsWith('chr')).length;
  if (prefixed === chromosomes.length) return 'hg38';
  return prefixed === 0 ? 'hg19' : null;
}

/** The build implied by `##contig` lengths of known chromosomes; null when none is known or they disagree. */
export function buildFromContigLengths(contigs: Map<string, number>): Build | null {
  const votes = new Set<Build>();
  for (const [name, length] of contigs) {
    const known = CONTIG_LENGTHS[bareChromosome(name)];
    if (!known) continue;
    if (length === known.hg19) votes.add('hg19');
    else if (length === known.hg38) votes.add('hg38');
  }
  return votes.size === 1 ? [...votes][0] : null;
}

/** the GRCh length of a chromosome in a build (for generated headers), when known */
export function contigLength(name: string, build: Build): number | undefined {
  return CONTIG_LENGTHS[bareChromosome(name)]?.[build];
}
