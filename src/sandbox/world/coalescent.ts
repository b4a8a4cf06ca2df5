/**
 * Walks the chromosome with SMC': between breakpoints the genealogy is fixed and mutations fall on it as a
 * Poisson process (rate μ × total branch length per base, infinite sites); the distance to the next
 * breakpoint is exponential in map units with rate = total branch length (one crossover per Morgan per
 * generation of lineage), so hotspots in the map shorten the trees' spans and break LD where they are.
 */
import { baseAt, centimorgansAt, mapLength, type GeneticMap } from './genetic-map.js';
import { Genealogy, type Demes } from './genealogy.js';
import type { Random } from './random.js';

export interface SimulatedSites {
  /** 1-based positions, strictly increasing */
  positions: Int32Array;
  /** 32-bit words per site row */
  words: number;
  /** site-major rows: bit h of row s is set when leaf haplotype h carries the derived allele at site s */
  bits: Uint32Array;
}

export interface CoalescentInput {
  leafDemes: Uint8Array;
  demes: Demes;
  map: GeneticMap;
  start: number;
  length: number;
  mutationRate: number;
}

export function simulateSites(input: CoalescentInput, random: Random): SimulatedSites {
  const genealogy = new Genealogy(input.leafDemes, input.demes, random);
  const words = Math.ceil(input.leafDemes.length / 32);
  const rows: Uint32Array[] = [];
  const positions: number[] = [];
  const end = input.start + input.length;
  const totalCentimorgans = mapLength(input.map);
  for (let from = input.start; from < end; ) {
    const length = genealogy.totalLength();
    // Exp(1) crossovers per Morgan per generation of branch length; centimorgans are Morgans × 100
    const next = Math.min(end, baseAt(input.map, Math.min(totalCentimorgans, centimorgansAt(input.map, from) + (100 * random.exponential()) / length)));
    addMutations(genealogy, from, next, length, input.mutationRate, random, (position, node) => {
      const row = new Uint32Array(words);
      genealogy.forEachLeaf(node, (leaf) => (row[leaf >>> 5] |= 1 << (leaf & 31)));
      rows.push(row);
      positions.push(position);
    });
    if (next >= end) break;
    const point = genealogy.pointOnBranches(random, length);
    const deme = genealogy.demeAt(point.node, point.time);
    const time = genealogy.coalescenceTime(point.time, deme, random);
    genealogy.regraft(point.node, time, genealogy.branchAt(time, genealogy.demeAt(point.node, time), random));
    from = next;
  }
  const bits = new Uint32Array(rows.length * words);
  rows.forEach((row, index) => bits.set(row, index * words));
  return { positions: Int32Array.from(positions), words, bits };
}

/** Poisson(μ·L·span) mutations on [from, to), uniform in position and by branch length; one per base */
function addMutations(genealogy: Genealogy, from: number, to: number, length: number, rate: number, random: Random,
  add: (position: number, node: number) => void): void {
  const count = random.poisson(rate * length * (to - from));
  if (count === 0) return;
  const mutations = Array.from({ length: count }, () => ({ at: from + random.next() * (to - from), ...genealogy.pointOnBranches(random, length) }));
  mutations.sort((a, b) => a.at - b.at);
  let last = Math.floor(from) - 1;
  for (const mutation of mutations) {
    const position = Math.floor(mutation.at);
    if (position <= last || position < Math.ceil(from)) continue;
    last = position;
    add(position, mutation.node);
  }
}
