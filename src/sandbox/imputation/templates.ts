/**
 * The reduced state space: per window of typed sites, each target haplotype copies only from the K panel
 * haplotypes closest to it there (fewest mismatches at the window's typed sites, counted 32 sites at a time
 * with XOR and popcount). Close haplotypes share long identical-by-descent stretches with the target, which
 * is where copying is informative; distant ones get negligible posterior weight anyway.
 */
import { popcount, type BitMatrix } from '../world/bits.js';

export interface TemplateChoice {
  /** panel haplotypes of the window (a row per haplotype, columns = the window's typed sites) */
  panel: BitMatrix;
  /** the target haplotype's alleles and missing mask over the same columns, `panel.words` words each */
  target: Uint32Array;
  missing: Uint32Array;
  /** K */
  count: number;
  /** ties are taken starting here (per target haplotype), so no haplotype is favoured by its index */
  start: number;
}

/** Writes the chosen panel haplotypes into `chosen` (ascending) and returns how many (min(K, panel rows)). */
export function chooseTemplates(choice: TemplateChoice, distances: Int32Array, chosen: Int32Array): number {
  const { panel, target, missing } = choice;
  const histogram = new Int32Array(panel.columns + 2);
  for (let haplotype = 0; haplotype < panel.rows; haplotype++) {
    let distance = 0;
    const base = haplotype * panel.words;
    for (let word = 0; word < panel.words; word++) distance += popcount((panel.bits[base + word] ^ target[word]) & ~missing[word]);
    distances[haplotype] = distance;
    histogram[distance] += 1;
  }
  const count = Math.min(choice.count, panel.rows);
  // the largest distance still taken, and how many of that distance fit
  let cutoff = 0;
  let below = 0;
  while (below + histogram[cutoff] < count) below += histogram[cutoff++];
  let atCutoff = count - below;
  let taken = 0;
  for (let step = 0; step < panel.rows; step++) {
    const haplotype = (choice.start + step) % panel.rows;
    const distance = distances[haplotype];
    if (distance < cutoff || (distance === cutoff && atCutoff-- > 0)) chosen[taken++] = haplotype;
  }
  chosen.subarray(0, taken).sort();
  return taken;
}
