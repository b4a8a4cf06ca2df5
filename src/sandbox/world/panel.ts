/**
 * Reference panels of a world: population A's, population B's, and both pooled. As real panels do, each
 * lists only the sites polymorphic among its own haplotypes.
 */
import { copyColumns, createMatrix, rowCount, slice, transpose, type BitMatrix } from './bits.js';
import type { World } from './world.js';

export type PanelName = 'A' | 'B' | 'pooled';
export const PANEL_NAMES: readonly PanelName[] = ['A', 'B', 'pooled'];

export interface Panel {
  name: PanelName;
  chromosome: string;
  haplotypes: number;
  /** the panel's sites (polymorphic in it), ascending */
  positions: Int32Array;
  ref: Uint8Array;
  alt: Uint8Array;
  centimorgans: Float64Array;
  /** site-major alleles: a row per site, a column per haplotype (1 = ALT) */
  alleles: BitMatrix;
  /**
   * Minor-allele carriers per haplotype (a row per haplotype): the ALT bit, or the REF bit at sites where
   * ALT is the commoner allele (`altIsMajor`), so that every site has at most half its haplotypes set.
   * Built on first use.
   */
  carriers(): { byHaplotype: BitMatrix; altIsMajor: Uint8Array };
  /** the site at this position, or -1 */
  siteAt(position: number): number;
}

const cache = new WeakMap<World, Map<PanelName, Panel>>();

/** The panel of a world, built once per world. */
export function panelOf(world: World, name: PanelName): Panel {
  let panels = cache.get(world);
  if (!panels) cache.set(world, (panels = new Map()));
  let panel = panels.get(name);
  if (!panel) panels.set(name, (panel = buildPanel(world, name)));
  return panel;
}

function buildPanel(world: World, name: PanelName): Panel {
  const every = Int32Array.from({ length: world.positions.length }, (_, index) => index);
  const haplotypes = name === 'pooled' ? pooled(world, every) : name === 'A' ? world.referenceA : world.referenceB;
  const kept = every.filter((site) => {
    const count = rowCount(haplotypes, site);
    return count > 0 && count < haplotypes.columns;
  });
  const alleles = slice(haplotypes, kept, 0, haplotypes.columns);
  const positions = Int32Array.from(kept, (site) => world.positions[site]);
  let carriers: ReturnType<Panel['carriers']> | undefined;
  return {
    name,
    chromosome: world.chromosome,
    haplotypes: haplotypes.columns,
    positions,
    ref: Uint8Array.from(kept, (site) => world.ref[site]),
    alt: Uint8Array.from(kept, (site) => world.alt[site]),
    centimorgans: Float64Array.from(kept, (site) => world.centimorgans[site]),
    alleles,
    carriers: () => (carriers ??= minorCarriers(alleles)),
    siteAt: (position) => {
      let low = 0;
      let high = positions.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (positions[middle] === position) return middle;
        if (positions[middle] < position) low = middle + 1;
        else high = middle - 1;
      }
      return -1;
    },
  };
}

function minorCarriers(alleles: BitMatrix): { byHaplotype: BitMatrix; altIsMajor: Uint8Array } {
  const minor: BitMatrix = { ...alleles, bits: alleles.bits.slice() };
  const altIsMajor = new Uint8Array(alleles.rows);
  const lastMask = alleles.columns % 32 === 0 ? 0xffffffff : (1 << alleles.columns % 32) - 1;
  for (let site = 0; site < alleles.rows; site++) {
    if (2 * rowCount(alleles, site) <= alleles.columns) continue;
    altIsMajor[site] = 1;
    const base = site * alleles.words;
    for (let word = 0; word < alleles.words; word++) minor.bits[base + word] = ~minor.bits[base + word];
    minor.bits[base + alleles.words - 1] &= lastMask;
  }
  return { byHaplotype: transpose(minor), altIsMajor };
}

function pooled(world: World, rows: Int32Array): BitMatrix {
  const { referenceA: a, referenceB: b } = world;
  const both = createMatrix(rows.length, a.columns + b.columns);
  copyColumns(a, rows, 0, a.columns, both, 0);
  copyColumns(b, rows, 0, b.columns, both, a.columns);
  return both;
}

/** The same panel with no sites: what a chromosome the world did not simulate gets imputed against. */
export function withoutSites(panel: Panel): Panel {
  return {
    ...panel,
    positions: new Int32Array(0), ref: new Uint8Array(0), alt: new Uint8Array(0), centimorgans: new Float64Array(0),
    alleles: createMatrix(0, panel.haplotypes),
    carriers: () => ({ byHaplotype: createMatrix(panel.haplotypes, 0), altIsMajor: new Uint8Array(0) }),
    siteAt: () => -1,
  };
}
