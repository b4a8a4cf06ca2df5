/**
 * Panel weights along a chromosome, from the empirical (leave-one-out) files: the typed sites every taking-part
 * panel carries feed the windowed forward–backward (window.ts); the dose loop asks for the weights at each
 * variant's position and gets them interpolated between the neighbouring typed sites (mix.ts). The typed
 * stream runs ahead of the dose stream by at most one window plus its lookahead.
 */
import type { Aligner, Group, Variant } from './align.js';
import { compareChromosomes } from './header.js';
import type { MetaParameters, TypedSite } from './hmm.js';
import { interpolate } from './mix.js';
import { ForwardBackwardWindow, type WeightSite, type WindowSizes } from './window.js';

export interface WeightStats {
  /** common typed sites used, over all chromosomes */
  typedSites: number;
  /** heterozygous typed genotypes compared between panels, and how many had the other phase */
  phaseChecks: number;
  phaseConflicts: number;
  /** per source: histogram of posterior weights in 20 bins over [0, 1] */
  histograms: Float64Array[];
}

export class MetaWeights {
  readonly stats: WeightStats;
  private window!: ForwardBackwardWindow;
  private panels: readonly number[] = [];
  private chromosome = '';
  private queue: WeightSite[] = [];
  private head = 0;
  private left: WeightSite | null = null;
  private ended = true;
  private pending: Group | null = null;

  constructor(
    private readonly aligner: Aligner,
    sources: number,
    private readonly haplotypes: number,
    private readonly parameters: MetaParameters,
    private readonly sizes?: WindowSizes,
  ) {
    this.stats = { typedSites: 0, phaseChecks: 0, phaseConflicts: 0, histograms: Array.from({ length: sources }, () => new Float64Array(20)) };
  }

  /** begin a chromosome on which the sources `panels` take part */
  start(chromosome: string, panels: readonly number[]): void {
    this.chromosome = chromosome;
    this.panels = panels;
    this.window = new ForwardBackwardWindow(panels.length, this.haplotypes, this.parameters, this.sizes);
    this.queue = [];
    this.head = 0;
    this.left = null;
    this.ended = false;
  }

  /** typed sites seen on the current chromosome so far (0 at its end: no weights could be fitted) */
  get sitesOnChromosome(): number {
    return this.queue.length + this.window.buffered;
  }

  /** the weights at `pos` (haplotype-major over the panels given to start), into `out`; false when there are no typed sites */
  async at(pos: number, out: Float32Array): Promise<boolean> {
    while (!this.ended && (this.queue.length === this.head || this.queue[this.queue.length - 1].pos < pos)) await this.produce();
    while (this.head < this.queue.length && this.queue[this.head].pos <= pos) this.left = this.queue[this.head++];
    if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const right = this.head < this.queue.length ? this.queue[this.head] : null;
    if (!this.left && !right) return false;
    interpolate(this.left, right, pos, out);
    return true;
  }

  private async produce(): Promise<void> {
    for (;;) {
      const group = this.pending ?? (await this.aligner.next());
      this.pending = null;
      if (group && group.chromosome !== this.chromosome && compareChromosomes(group.chromosome, this.chromosome) < 0) continue;
      if (!group || group.chromosome !== this.chromosome) {
        this.pending = group;
        this.emit(this.window.flush(true));
        this.ended = true;
        return;
      }
      for (const variant of group.variants) {
        const site = this.typedSite(variant);
        if (site) this.window.push(site);
      }
      if (this.window.full) return this.emit(this.window.flush(false));
    }
  }

  private emit(sites: WeightSite[]): void {
    const count = this.panels.length;
    for (const site of sites) {
      for (let index = 0; index < site.weights.length; index++) {
        const histogram = this.stats.histograms[this.panels[index % count]];
        histogram[Math.min(19, Math.floor(site.weights[index] * 20))]++;
      }
      this.queue.push(site);
    }
    this.stats.typedSites += sites.length;
  }

  /** a typed site every taking-part panel carries: observed alleles and leave-one-out dosages, copied out */
  private typedSite(variant: Variant): TypedSite | null {
    const records = this.panels.map((source) => variant.records[source]);
    if (records.some((record) => !record)) return null;
    const haplotypes = this.haplotypes;
    const alleles = Uint8Array.from(records[0]!.alleles!);
    const loo = new Float32Array(records.length * haplotypes);
    records.forEach((record, index) => loo.set(record!.hds, index * haplotypes));
    for (let index = 1; index < records.length; index++) comparePhase(alleles, records[index]!.alleles!, this.stats);
    return { pos: variant.pos, alleles, loo };
  }

}

/**
 * Services that phase the study themselves phase it differently, and then haplotype 1 of one panel is not
 * haplotype 1 of another: count heterozygotes whose phase disagrees with the first panel (planning refuses
 * meta when this is common). An allele the first panel left missing is taken from the other.
 */
export function comparePhase(first: Uint8Array, other: Uint8Array, counts: { phaseChecks: number; phaseConflicts: number }): void {
  for (let h = 0; h < first.length; h += 2) {
    const a = first[h];
    const b = first[h + 1];
    if (a > 1 || b > 1 || a === b || other[h] > 1 || other[h + 1] > 1) continue;
    counts.phaseChecks++;
    if (other[h] === b && other[h + 1] === a) counts.phaseConflicts++;
  }
  for (let h = 0; h < first.length; h++) if (first[h] > 1 && other[h] < 2) first[h] = other[h];
}
