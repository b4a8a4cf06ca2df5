/**
 * A simulated world: one coalescent simulation (SMC') of every haplotype anybody needs — each population's
 * reference panel plus one source haplotype per study haplotype from each population — then the admixed
 * study as mosaics of its sources, alleles for every site, and the sites a genotyping chip would type.
 * Everything follows from the spec (seed included): the same spec gives the same world, bit for bit.
 */
import { admixedHaplotypes } from './admixture.js';
import { rowCount, slice, type BitMatrix } from './bits.js';
import { simulateSites } from './coalescent.js';
import { centimorgansAt, simulateMap, type GeneticMap } from './genetic-map.js';
import { createRandom, type Random } from './random.js';
import { CHROMOSOME, DEMOGRAPHY, type WorldSpec } from './spec.js';

export interface World {
  spec: WorldSpec;
  chromosome: string;
  map: GeneticMap;
  /** every simulated site, ascending */
  positions: Int32Array;
  /** ASCII codes of the REF and ALT bases */
  ref: Uint8Array;
  alt: Uint8Array;
  centimorgans: Float64Array;
  /** reference haplotypes of population A and of population B, site-major over every site (1 = ALT) */
  referenceA: BitMatrix;
  referenceB: BitMatrix;
  /** the study's true haplotypes, two per sample, site-major over every site */
  study: BitMatrix;
  /** indices of the sites a genotyping chip types: common in the pooled panels, about one per chipSpacing */
  chip: Int32Array;
}

/** independent streams, so that changing one part of the simulation leaves the others as they were */
const STREAM = { map: 1, coalescent: 2, alleles: 3, admixture: 4, chip: 5 } as const;
const streamOf = (seed: number, stream: number): Random => createRandom(Math.imul(seed, 0x9e3779b1) + stream);

export function simulateWorld(spec: WorldSpec): World {
  const panel = spec.panelHaplotypes;
  const sources = 2 * spec.studySamples;
  const perDeme = panel + sources;
  // leaves: A panel | A sources | B panel | B sources
  const leafDemes = new Uint8Array(2 * perDeme).fill(1, perDeme);
  const map = simulateMap(spec.start, spec.length, streamOf(spec.seed, STREAM.map));
  const simulated = simulateSites(
    {
      leafDemes, map, start: spec.start, length: spec.length, mutationRate: DEMOGRAPHY.mutationRate,
      demes: { sizes: [DEMOGRAPHY.sizeA, DEMOGRAPHY.sizeB], ancestralSize: DEMOGRAPHY.sizeAncestral, split: DEMOGRAPHY.splitGenerations },
    },
    streamOf(spec.seed, STREAM.coalescent),
  );
  const leaves: BitMatrix = { rows: simulated.positions.length, columns: leafDemes.length, words: simulated.words, bits: simulated.bits };
  const { ref, alt } = assignAlleles(leaves, streamOf(spec.seed, STREAM.alleles));
  const positions = simulated.positions;
  const centimorgans = Float64Array.from(positions, (position) => centimorgansAt(map, position));
  const every = Int32Array.from({ length: leaves.rows }, (_, index) => index);
  const referenceA = slice(leaves, every, 0, panel);
  const referenceB = slice(leaves, every, perDeme, panel);
  const study = admixedHaplotypes(
    {
      leaves, centimorgans, admixture: spec.admixture,
      sourcesA: Array.from({ length: sources }, (_, index) => panel + index),
      sourcesB: Array.from({ length: sources }, (_, index) => perDeme + panel + index),
    },
    streamOf(spec.seed, STREAM.admixture),
  );
  const chip = chipSites(positions, referenceA, referenceB, spec.chipSpacing, streamOf(spec.seed, STREAM.chip));
  return { spec, chromosome: CHROMOSOME, map, positions, ref, alt, centimorgans, referenceA, referenceB, study, chip };
}

const BASES = 'ACGT';
/** transitions (A↔G, C↔T) are about twice as common as both transversions together */
const TRANSITION = { A: 'G', G: 'A', C: 'T', T: 'C' } as Record<string, string>;

/** REF/ALT per site; where the reference carries the derived allele, ALT is ancestral and the row flips. */
function assignAlleles(leaves: BitMatrix, random: Random): { ref: Uint8Array; alt: Uint8Array } {
  const ref = new Uint8Array(leaves.rows);
  const alt = new Uint8Array(leaves.rows);
  const lastMask = leaves.columns % 32 === 0 ? 0xffffffff : (1 << leaves.columns % 32) - 1;
  for (let site = 0; site < leaves.rows; site++) {
    const ancestral = BASES[random.below(4)];
    const transversions = BASES.split('').filter((base) => base !== ancestral && base !== TRANSITION[ancestral]);
    const derived = random.next() < 2 / 3 ? TRANSITION[ancestral] : transversions[random.below(2)];
    const flip = random.next() < DEMOGRAPHY.derivedReference;
    ref[site] = (flip ? derived : ancestral).charCodeAt(0);
    alt[site] = (flip ? ancestral : derived).charCodeAt(0);
    if (!flip) continue;
    const base = site * leaves.words;
    for (let word = 0; word < leaves.words; word++) leaves.bits[base + word] = ~leaves.bits[base + word];
    leaves.bits[base + leaves.words - 1] &= lastMask;
  }
  return { ref, alt };
}

/** Common sites (MAF ≥ 5 % in the pooled panels), thinned to one per `spacing` bases on average. */
function chipSites(positions: Int32Array, a: BitMatrix, b: BitMatrix, spacing: number, random: Random): Int32Array {
  const chosen: number[] = [];
  let next = positions[0] ?? 0;
  for (let site = 0; site < positions.length; site++) {
    if (positions[site] < next) continue;
    const frequency = (rowCount(a, site) + rowCount(b, site)) / (a.columns + b.columns);
    if (Math.min(frequency, 1 - frequency) < 0.05) continue;
    chosen.push(site);
    next = positions[site] + spacing * (0.5 + random.next());
  }
  return Int32Array.from(chosen);
}
