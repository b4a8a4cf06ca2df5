/**
 * A genetic map with recombination hotspots, as in humans most crossovers fall in narrow hotspots (Myers et
 * al. 2005): a low background rate plus ~2 kb hotspots every ~50 kb on average, each carrying an exponential
 * amount of map length. The map is piecewise linear between breakpoints; `centimorgans(x)` reads it and
 * `position(cM)` inverts it (the coalescent walks along the chromosome in map units).
 */
import type { Random } from './random.js';

export interface GeneticMap {
  /** breakpoints in bases, ascending; the first is the region's start, the last its end */
  bases: Float64Array;
  /** cumulative centimorgans at each breakpoint */
  centimorgans: Float64Array;
}

const BACKGROUND_CM_PER_MB = 0.3;
const HOTSPOT_SPACING = 50_000;
const HOTSPOT_WIDTH = 2_000;
const HOTSPOT_MEAN_CM = 0.04;

export function simulateMap(start: number, length: number, random: Random): GeneticMap {
  const bases = [start];
  const centimorgans = [0];
  const background = BACKGROUND_CM_PER_MB / 1e6;
  const end = start + length;
  const add = (base: number, extra: number) => {
    const previous = bases[bases.length - 1];
    bases.push(base);
    centimorgans.push(centimorgans[centimorgans.length - 1] + (base - previous) * background + extra);
  };
  for (let center = start + random.exponential() * HOTSPOT_SPACING; center + HOTSPOT_WIDTH / 2 < end; ) {
    const from = Math.max(center - HOTSPOT_WIDTH / 2, bases[bases.length - 1]);
    add(from, 0);
    add(center + HOTSPOT_WIDTH / 2, random.exponential() * HOTSPOT_MEAN_CM);
    center += HOTSPOT_WIDTH + random.exponential() * HOTSPOT_SPACING;
  }
  add(end, 0);
  return { bases: Float64Array.from(bases), centimorgans: Float64Array.from(centimorgans) };
}

/** the last index i with values[i] <= x (0 when x is before the first) */
function floorIndex(values: Float64Array, x: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (values[middle] <= x) low = middle;
    else high = middle - 1;
  }
  return low;
}

function interpolate(from: Float64Array, to: Float64Array, x: number): number {
  if (x <= from[0]) return to[0];
  const last = from.length - 1;
  if (x >= from[last]) return to[last];
  const index = floorIndex(from, x);
  const span = from[index + 1] - from[index];
  return span > 0 ? to[index] + ((x - from[index]) / span) * (to[index + 1] - to[index]) : to[index];
}

export function centimorgansAt(map: GeneticMap, base: number): number {
  return interpolate(map.bases, map.centimorgans, base);
}

export function baseAt(map: GeneticMap, centimorgans: number): number {
  return interpolate(map.centimorgans, map.bases, centimorgans);
}

export function mapLength(map: GeneticMap): number {
  return map.centimorgans[map.centimorgans.length - 1];
}
