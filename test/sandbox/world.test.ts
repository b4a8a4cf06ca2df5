/**
 * The simulated world: deterministic by seed, coalescent genealogies that stay trees, a map with hotspots,
 * panels with realistic LD (decaying with distance) that differ between the two populations, and a cache
 * that gives back the same world.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitAt, rowCount, type BitMatrix } from '../../src/sandbox/world/bits.js';
import { loadWorld, readWorldFile, worldFile } from '../../src/sandbox/world/cache.js';
import { Genealogy } from '../../src/sandbox/world/genealogy.js';
import { centimorgansAt, baseAt, simulateMap } from '../../src/sandbox/world/genetic-map.js';
import { panelOf } from '../../src/sandbox/world/panel.js';
import { createRandom } from '../../src/sandbox/world/random.js';
import { TINY_WORLD, type WorldSpec } from '../../src/sandbox/world/spec.js';
import { simulateWorld, type World } from '../../src/sandbox/world/world.js';

const SMALL: WorldSpec = { ...TINY_WORLD, seed: 11, panelHaplotypes: 300, studySamples: 20, length: 400_000 };
const dir = mkdtempSync(join(tmpdir(), 'fedimpute-world-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: World, b: World) =>
  Buffer.from(a.positions.buffer).equals(Buffer.from(b.positions.buffer)) &&
  Buffer.from(a.referenceA.bits.buffer).equals(Buffer.from(b.referenceA.bits.buffer)) &&
  Buffer.from(a.study.bits.buffer).equals(Buffer.from(b.study.bits.buffer)) &&
  Buffer.from(a.ref).equals(Buffer.from(b.ref));

describe('simulation', () => {
  it('is deterministic by seed, and another seed gives another world', () => {
    const first = simulateWorld(SMALL);
    expect(same(first, simulateWorld(SMALL))).toBe(true);
    expect(same(first, simulateWorld({ ...SMALL, seed: 12 }))).toBe(false);
    expect(first.positions.length).toBeGreaterThan(500);
    expect(first.positions.every((position, index) => index === 0 || position > first.positions[index - 1])).toBe(true);
    expect(first.positions[0]).toBeGreaterThanOrEqual(SMALL.start);
    expect(first.positions.at(-1)).toBeLessThan(SMALL.start + SMALL.length);
  });

  it('keeps every genealogy a binary tree through SMC\' regrafts, with coalescences only within a deme before the split', () => {
    const random = createRandom(3);
    const leafDemes = new Uint8Array(40).fill(1, 20);
    const demes = { sizes: [10_000, 3_000] as const, ancestralSize: 10_000, split: 2_000 };
    const tree = new Genealogy(leafDemes, demes, random);
    for (let step = 0; step < 500; step++) {
      const point = tree.pointOnBranches(random, tree.totalLength());
      const deme = tree.demeAt(point.node, point.time);
      const time = tree.coalescenceTime(point.time, deme, random);
      expect(time).toBeGreaterThan(point.time);
      tree.regraft(point.node, time, tree.branchAt(time, tree.demeAt(point.node, time), random));
    }
    let leaves = 0;
    tree.forEachLeaf(tree.root, () => (leaves += 1));
    expect(leaves).toBe(40);
    for (let node = 0; node < 79; node++) {
      if (node === tree.root) continue;
      expect(tree.time[tree.parent[node]]).toBeGreaterThan(tree.time[node]);
      const below: number[] = [];
      tree.forEachLeaf(node, (leaf) => below.push(leafDemes[leaf]));
      // a node younger than the split joins lineages of one deme only
      if (node >= 40 && tree.time[node] < demes.split) expect(new Set(below).size).toBe(1);
    }
  });

  it('has a genetic map with hotspots: most crossovers in a small share of the sequence', () => {
    const map = simulateMap(1, 1_000_000, createRandom(5));
    const total = centimorgansAt(map, 1_000_001);
    expect(total).toBeGreaterThan(0.5);
    expect(total).toBeLessThan(2.5);
    expect(baseAt(map, centimorgansAt(map, 123_456))).toBeCloseTo(123_456, 3);
    const rates = Array.from({ length: 100 }, (_, index) => centimorgansAt(map, (index + 1) * 10_000) - centimorgansAt(map, index * 10_000)).sort((a, b) => b - a);
    const topTenth = rates.slice(0, 10).reduce((sum, rate) => sum + rate, 0);
    expect(topTenth / total).toBeGreaterThan(0.3);
  });
});

/** r² between two sites over the panel's haplotypes */
function ld(matrix: BitMatrix, a: number, b: number): number {
  let pa = 0;
  let pb = 0;
  let pab = 0;
  for (let column = 0; column < matrix.columns; column++) {
    const x = bitAt(matrix, a, column);
    const y = bitAt(matrix, b, column);
    pa += x;
    pb += y;
    pab += x & y;
  }
  const n = matrix.columns;
  const d = pab / n - (pa / n) * (pb / n);
  const denominator = (pa / n) * (1 - pa / n) * (pb / n) * (1 - pb / n);
  return denominator > 0 ? (d * d) / denominator : 0;
}

describe('panels', () => {
  const world = simulateWorld(SMALL);

  it('list only their own polymorphic sites; the pooled panel holds both populations', () => {
    const [a, b, pooled] = (['A', 'B', 'pooled'] as const).map((name) => panelOf(world, name));
    for (const panel of [a, b, pooled]) {
      for (let site = 0; site < panel.positions.length; site++) {
        const count = rowCount(panel.alleles, site);
        expect(count > 0 && count < panel.haplotypes).toBe(true);
      }
    }
    expect(pooled.haplotypes).toBe(a.haplotypes + b.haplotypes);
    const pooledSites = new Set(pooled.positions);
    expect([...a.positions, ...b.positions].every((position) => pooledSites.has(position))).toBe(true);
    // B drifted through a smaller population: fewer sites, and sites of its own
    expect(b.positions.length).toBeLessThan(a.positions.length);
    const inA = new Set(a.positions);
    expect(b.positions.filter((position) => !inA.has(position)).length).toBeGreaterThan(20);
  });

  it('show LD decaying with distance', () => {
    const panel = panelOf(world, 'A');
    const common = [...panel.positions.keys()].filter((site) => {
      const frequency = rowCount(panel.alleles, site) / panel.haplotypes;
      return frequency > 0.1 && frequency < 0.9;
    });
    const bins = [[0, 5_000], [20_000, 50_000], [150_000, 400_000]].map(() => ({ sum: 0, count: 0 }));
    const limits = [[0, 5_000], [20_000, 50_000], [150_000, 400_000]];
    for (let i = 0; i < common.length; i += 2) {
      for (let j = i + 1; j < common.length; j += 3) {
        const distance = panel.positions[common[j]] - panel.positions[common[i]];
        const bin = limits.findIndex(([low, high]) => distance >= low && distance < high);
        if (bin < 0) continue;
        bins[bin].sum += ld(panel.alleles, common[i], common[j]);
        bins[bin].count += 1;
      }
    }
    const means = bins.map((bin) => bin.sum / bin.count);
    expect(bins.every((bin) => bin.count > 20)).toBe(true);
    expect(means[0]).toBeGreaterThan(0.2);
    expect(means[0]).toBeGreaterThan(means[1]);
    expect(means[1]).toBeGreaterThan(means[2]);
    expect(means[2]).toBeLessThan(0.1);
  });

  it('differ between the populations (allele frequencies drift apart: Fst well above 0)', () => {
    let within = 0;
    let between = 0;
    for (let site = 0; site < world.positions.length; site++) {
      const a = rowCount(world.referenceA, site) / world.referenceA.columns;
      const b = rowCount(world.referenceB, site) / world.referenceB.columns;
      within += a * (1 - a) + b * (1 - b);
      between += a * (1 - b) + b * (1 - a);
    }
    expect(1 - within / between).toBeGreaterThan(0.08);
  });
});

describe('cache', () => {
  it('saves the world once and reads back the same world; a damaged file is simulated again', async () => {
    const spec = { ...SMALL, seed: 21 };
    const world = await loadWorld(spec, dir);
    const read = await readWorldFile(worldFile(dir, spec), spec);
    expect(read && same(world, read)).toBe(true);
    expect(read!.chip).toEqual(world.chip);
    expect(await readWorldFile(worldFile(dir, spec), { ...spec, seed: 22 })).toBeUndefined();
    writeFileSync(worldFile(dir, spec), 'FIWORLD1 not really');
    expect(await readWorldFile(worldFile(dir, spec), spec)).toBeUndefined();
  });

  it('a world this process already has is saved in every folder it is asked from', async () => {
    const spec = { ...SMALL, seed: 23 };
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    const world = await loadWorld(spec, first);
    expect(existsSync(worldFile(first, spec))).toBe(true);
    // from memory, and still written here: the folder is a cache whatever ran before in this process
    expect(await loadWorld(spec, second)).toBe(world);
    const read = await readWorldFile(worldFile(second, spec), spec);
    expect(read && same(world, read)).toBe(true);
  });
});
