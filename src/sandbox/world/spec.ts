/**
 * What a simulated world is made of: its size (haplotypes per panel, study samples, length), its seed, and
 * the demography every world shares. Two populations A and B split `splitGenerations` ago from one
 * ancestral population (no migration since); B is smaller, so it drifted more and has more LD. The study
 * is admixed: each haplotype is a mosaic of A and B ancestry (a single admixture pulse).
 *
 * The numbers are human-like (Ne 10,000, μ 1.25e-8 per bp per generation, ~1.1 cM/Mb with hotspots), the
 * split about that of African and European populations (2,000 generations ≈ 50,000 years).
 */

export interface AdmixtureSpec {
  /** probability that a study tract descends from population A (1 = an unadmixed A study) */
  fractionA: number;
  /** generations since the admixture pulse: ancestry switches at this rate per Morgan */
  generations: number;
}

export interface WorldSpec {
  seed: number;
  /** haplotypes in each population's reference panel (the pooled panel holds both) */
  panelHaplotypes: number;
  /** diploid study samples */
  studySamples: number;
  /** simulated bases, from `start` */
  length: number;
  /** first base of the simulated region (1-based) */
  start: number;
  admixture: AdmixtureSpec;
  /** about one chip site per this many bases among common variants */
  chipSpacing: number;
}

export const DEMOGRAPHY = {
  /** diploid effective sizes */
  sizeA: 10_000,
  sizeB: 3_000,
  sizeAncestral: 10_000,
  splitGenerations: 2_000,
  /** per base per generation */
  mutationRate: 1.25e-8,
  /** share of sites whose REF allele is the derived one (hg38's reference is one person's genome) */
  derivedReference: 0.1,
} as const;

export const CHROMOSOME = 'chr20';

/** The sandbox's world: a few thousand haplotypes per panel, a few hundred study samples, 2 Mb of chr20. */
export const DEFAULT_WORLD: WorldSpec = {
  seed: 20,
  panelHaplotypes: 2_000,
  studySamples: 250,
  length: 2_000_000,
  start: 60_001,
  admixture: { fractionA: 0.6, generations: 20 },
  chipSpacing: 3_000,
};

/** What the emulators use when no world is given (tests): simulated in milliseconds, about a thousand sites. */
export const TINY_WORLD: WorldSpec = {
  seed: 7,
  panelHaplotypes: 160,
  studySamples: 24,
  length: 250_000,
  start: 60_001,
  admixture: { fractionA: 0.6, generations: 20 },
  chipSpacing: 3_000,
};

/** Bump when the simulation or the cache layout changes: old cache files are then simply not found. */
export const WORLD_FORMAT = 1;

/** A file-name-safe key naming everything that determines the world (its cache key). */
export function worldKey(spec: WorldSpec): string {
  const admixture = `${spec.admixture.fractionA}x${spec.admixture.generations}`;
  return `v${WORLD_FORMAT}-s${spec.seed}-p${spec.panelHaplotypes}-n${spec.studySamples}-l${spec.length}-at${spec.start}-a${admixture}-c${spec.chipSpacing}`;
}
