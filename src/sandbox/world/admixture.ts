/**
 * Admixed study haplotypes as mosaics of source haplotypes (one extra haplotype from each population per
 * study haplotype). After a single admixture pulse `generations` ago, ancestry junctions along a haplotype
 * form a Poisson process of rate `generations` per Morgan (Falush et al. 2003), and each tract's ancestry is
 * A with probability `fractionA`, independently.
 */
import { bitAt, createMatrix, setBit, type BitMatrix } from './bits.js';
import type { Random } from './random.js';
import type { AdmixtureSpec } from './spec.js';

export interface MosaicInput {
  /** every simulated haplotype, site-major */
  leaves: BitMatrix;
  /** centimorgans of every site */
  centimorgans: Float64Array;
  /** study haplotype i copies leaf sourcesA[i] on A tracts and sourcesB[i] on B tracts */
  sourcesA: number[];
  sourcesB: number[];
  admixture: AdmixtureSpec;
}

/** The study's true haplotypes (site-major, one column per study haplotype). */
export function admixedHaplotypes(input: MosaicInput, random: Random): BitMatrix {
  const { leaves, centimorgans, admixture } = input;
  const study = createMatrix(leaves.rows, input.sourcesA.length);
  const drawA = () => random.next() < admixture.fractionA;
  for (let haplotype = 0; haplotype < study.columns; haplotype++) {
    let fromA = drawA();
    let junction = nextJunction(0, admixture.generations, random);
    for (let site = 0; site < leaves.rows; site++) {
      while (centimorgans[site] >= junction) {
        fromA = drawA();
        junction = nextJunction(junction, admixture.generations, random);
      }
      const source = fromA ? input.sourcesA[haplotype] : input.sourcesB[haplotype];
      if (bitAt(leaves, site, source)) setBit(study, site, haplotype);
    }
  }
  return study;
}

/** centimorgans of the next junction: Exp(rate per Morgan), Morgans × 100 */
function nextJunction(from: number, generations: number, random: Random): number {
  return generations > 0 ? from + (100 * random.exponential()) / generations : Number.POSITIVE_INFINITY;
}
