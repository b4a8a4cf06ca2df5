/**
 * One genealogy of the sampled haplotypes — a binary coalescent tree — in a two-deme split model, and the
 * SMC' move that turns the tree left of a recombination breakpoint into the tree right of it.
 *
 * Model (times in generations, diploid sizes N): before the split (looking back), lineages of deme d
 * coalesce pairwise at rate 1/(2·N_d); older than `split`, every lineage is in one ancestral deme.
 * SMC' (McVean & Cardin 2005; Marjoram & Wall 2006): a breakpoint falls on the tree uniformly by branch
 * length; the lineage above it is cut and floats up from that time, coalescing with any branch of the
 * current tree in its deme — its own old branch included (then the tree does not change) — at rate
 * k(t)/(2·N), k(t) being the number of branches crossing t.
 */
import type { Random } from './random.js';
import { SortedTimes } from './sorted-times.js';

export interface Demes {
  /** diploid effective sizes of deme 0 (A) and deme 1 (B) */
  sizes: readonly [number, number];
  ancestralSize: number;
  /** generations back to the split */
  split: number;
}

const ANCESTRAL = 2;
const NONE = -1;

export class Genealogy {
  readonly leaves: number;
  readonly time: Float64Array;
  readonly parent: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** leaves: their deme; internal nodes: the deme they coalesced in (2 = ancestral, older than the split) */
  readonly deme: Uint8Array;
  root = NONE;
  /** internal node times by deme: lineage counts at any time follow from them */
  private readonly times: [SortedTimes, SortedTimes, SortedTimes];
  private readonly leavesIn: [number, number];
  private readonly candidates: Int32Array;
  private readonly stack: Int32Array;

  constructor(leafDemes: Uint8Array, readonly demes: Demes, random: Random) {
    const n = (this.leaves = leafDemes.length);
    const nodes = 2 * n - 1;
    this.time = new Float64Array(nodes);
    this.parent = new Int32Array(nodes).fill(NONE);
    this.left = new Int32Array(nodes).fill(NONE);
    this.right = new Int32Array(nodes).fill(NONE);
    this.deme = new Uint8Array(nodes);
    this.deme.set(leafDemes);
    this.times = [new SortedTimes(n), new SortedTimes(n), new SortedTimes(n)];
    const inB = leafDemes.reduce((sum, deme) => sum + deme, 0);
    this.leavesIn = [n - inB, inB];
    this.candidates = new Int32Array(nodes);
    this.stack = new Int32Array(nodes);
    this.coalesceAll(random);
  }

  /** The structured coalescent without recombination: within each deme back to the split, then together. */
  private coalesceAll(random: Random): void {
    let node = this.leaves;
    const survivors: number[] = [];
    for (const deme of [0, 1] as const) {
      const lineages: number[] = [];
      for (let leaf = 0; leaf < this.leaves; leaf++) if (this.deme[leaf] === deme) lineages.push(leaf);
      for (let time = 0; lineages.length > 1; ) {
        const pairs = (lineages.length * (lineages.length - 1)) / 2;
        time += random.exponential() / (pairs / (2 * this.demes.sizes[deme]));
        if (time >= this.demes.split) break;
        node = this.join(lineages, time, deme, node, random);
      }
      survivors.push(...lineages);
    }
    for (let time = this.demes.split; survivors.length > 1; ) {
      const pairs = (survivors.length * (survivors.length - 1)) / 2;
      time += random.exponential() / (pairs / (2 * this.demes.ancestralSize));
      node = this.join(survivors, time, ANCESTRAL, node, random);
    }
    this.root = survivors[0];
  }

  private join(lineages: number[], time: number, deme: number, node: number, random: Random): number {
    const count = lineages.length;
    const first = random.below(count);
    let second = random.below(count - 1);
    if (second >= first) second += 1;
    this.time[node] = time;
    this.deme[node] = deme;
    this.left[node] = lineages[first];
    this.right[node] = lineages[second];
    this.parent[lineages[first]] = this.parent[lineages[second]] = node;
    this.times[deme].insert(time);
    lineages[first] = node;
    lineages[second] = lineages[count - 1];
    lineages.pop();
    return node + 1;
  }

  /** total branch length in generations (the root's lineage above it excluded) */
  totalLength(): number {
    let total = 0;
    for (let node = 0; node < this.time.length; node++) {
      if (node !== this.root) total += this.time[this.parent[node]] - this.time[node];
    }
    return total;
  }

  /** a point uniform on the branches: the branch's lower node and the time on it */
  pointOnBranches(random: Random, totalLength: number): { node: number; time: number } {
    let remaining = random.next() * totalLength;
    let last = NONE;
    for (let node = 0; node < this.time.length; node++) {
      if (node === this.root) continue;
      const length = this.time[this.parent[node]] - this.time[node];
      if (remaining < length) return { node, time: this.time[node] + remaining };
      remaining -= length;
      last = node;
    }
    return { node: last, time: (this.time[last] + this.time[this.parent[last]]) / 2 };
  }

  /** deme of a branch at a time: its own below the split, the ancestral one above */
  demeAt(node: number, time: number): number {
    return time < this.demes.split ? this.deme[node] : ANCESTRAL;
  }

  /** When a lineage floating up from `from` in `deme` coalesces with the tree (piecewise-constant rate). */
  coalescenceTime(from: number, deme: number, random: Random): number {
    const { split, sizes, ancestralSize } = this.demes;
    let budget = random.exponential();
    let time = from;
    if (deme !== ANCESTRAL) {
      const times = this.times[deme];
      let index = times.countAtMost(time);
      let lineages = this.leavesIn[deme] - index;
      for (;;) {
        const end = index < times.count ? Math.min(times.at(index), split) : split;
        const rate = lineages / (2 * sizes[deme]);
        if (rate > 0 && budget < (end - time) * rate) return time + budget / rate;
        budget -= (end - time) * rate;
        time = end;
        if (end >= split) break;
        index += 1;
        lineages -= 1;
      }
    }
    const times = this.times[ANCESTRAL];
    let index = times.countAtMost(time);
    let lineages = this.leaves - this.times[0].count - this.times[1].count - index;
    for (;;) {
      const rate = lineages / (2 * ancestralSize);
      if (index >= times.count || budget < (times.at(index) - time) * rate) return time + budget / rate;
      budget -= (times.at(index) - time) * rate;
      time = times.at(index);
      index += 1;
      lineages -= 1;
    }
  }

  /** one branch uniformly among those crossing `time` in `deme` (the root's lineage extends for ever) */
  branchAt(time: number, deme: number, random: Random): number {
    let found = 0;
    const ancestral = deme === ANCESTRAL;
    for (let node = 0; node < this.time.length; node++) {
      if (this.time[node] >= time) continue;
      if (node !== this.root && this.time[this.parent[node]] <= time) continue;
      if (ancestral || this.deme[node] === deme) this.candidates[found++] = node;
    }
    return this.candidates[random.below(found)];
  }

  /** SMC' regrafting: cut `node`'s lineage and join it to `target`'s branch at `time`; false if unchanged */
  regraft(node: number, time: number, target: number): boolean {
    if (target === node) return false;
    const old = this.parent[node];
    const sibling = this.left[old] === node ? this.right[old] : this.left[old];
    this.times[this.deme[old]].remove(this.time[old]);
    this.replaceChild(this.parent[old], old, sibling);
    const branch = target === old ? sibling : target;
    // the freed node becomes the new coalescence of `node` and `branch`
    const above = this.parent[branch];
    this.time[old] = time;
    this.deme[old] = time < this.demes.split ? this.deme[node] : ANCESTRAL;
    this.left[old] = node;
    this.right[old] = branch;
    this.replaceChild(above, branch, old);
    this.parent[node] = this.parent[branch] = old;
    this.times[this.deme[old]].insert(time);
    return true;
  }

  private replaceChild(parent: number, child: number, replacement: number): void {
    this.parent[replacement] = parent;
    if (parent === NONE) this.root = replacement;
    else if (this.left[parent] === child) this.left[parent] = replacement;
    else this.right[parent] = replacement;
  }

  /** calls `visit` with every leaf below `node` */
  forEachLeaf(node: number, visit: (leaf: number) => void): void {
    let depth = 0;
    this.stack[depth++] = node;
    while (depth > 0) {
      const current = this.stack[--depth];
      if (current < this.leaves) visit(current);
      else {
        this.stack[depth++] = this.left[current];
        this.stack[depth++] = this.right[current];
      }
    }
  }
}
