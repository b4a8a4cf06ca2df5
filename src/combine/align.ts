/**
 * Aligning K imputed files variant by variant (DESIGN: combine). The files are merged by position like a
 * k-way merge; at one position, records match on REF/ALT, or on ALT/REF with the dosages flipped (1 − HDS),
 * so a panel that swapped the alleles still lines up. Chromosomes match by canonical name (chr20 = 20) and
 * are visited in the files' common order; a chromosome some files lack is combined from the others.
 */
import { compareChromosomes as compare } from './header.js';
import type { Site } from './record.js';
import type { SourceCursor } from './source.js';

export interface SourceRecord {
  site: Site;
  /** haplotype dosages in combined sample order, already flipped to the variant's alleles */
  hds: Float32Array;
  /** GT alleles (empirical files), flipped alike */
  alleles?: Uint8Array;
  flipped: boolean;
}

export interface Variant {
  /** CHROM as the first file carrying it wrote it */
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  /** by source index; undefined where that file lacks the variant */
  records: (SourceRecord | undefined)[];
}

export interface Group {
  /** canonical chromosome (no chr) */
  chromosome: string;
  /** the sources that have records on this chromosome (the same array for every group of the chromosome) */
  sources: readonly number[];
  pos: number;
  variants: Variant[];
}

export interface AlignCounts {
  /** per source: records whose REF/ALT were swapped relative to the first file carrying the variant */
  flipped: number[];
  /** a second record with the same alleles at the same position in one file (dropped) */
  duplicates: number;
}

export class Aligner {
  readonly counts: AlignCounts;
  private readonly spare: Float32Array[] = [];
  private readonly spareAlleles: Uint8Array[] = [];
  private used: SourceRecord[] = [];
  private started = false;
  private chromosome = '';
  private sources: readonly number[] = [];

  constructor(
    private readonly cursors: SourceCursor[],
    private readonly haplotypes: number,
    private readonly withAlleles = false,
  ) {
    this.counts = { flipped: cursors.map(() => 0), duplicates: 0 };
  }

  /**
   * The variants at the next position (in chromosome order), or null at the end. The arrays of the previous
   * group are reused: finish with a group before asking for the next.
   */
  async next(): Promise<Group | null> {
    this.recycle();
    if (!this.started) {
      this.started = true;
      await Promise.all(this.cursors.map((cursor) => cursor.advance()));
    }
    const chromosome = this.nextChromosome();
    if (chromosome === null) return null;
    if (chromosome !== this.chromosome) {
      this.chromosome = chromosome;
      this.sources = this.cursors.flatMap((cursor, source) => (cursor.head && cursor.chromosome === chromosome ? [source] : []));
    }
    let pos = Infinity;
    for (const cursor of this.cursors) if (cursor.head && cursor.chromosome === chromosome && cursor.head.pos < pos) pos = cursor.head.pos;
    const variants: Variant[] = [];
    for (let source = 0; source < this.cursors.length; source++) {
      const cursor = this.cursors[source];
      while (cursor.head && cursor.chromosome === chromosome && cursor.head.pos === pos) {
        this.attach(variants, source, cursor);
        if (!cursor.advanceSync()) await cursor.advance();
      }
    }
    return { chromosome, sources: this.sources, pos, variants };
  }

  /** the chromosome the cursors are on; when several, the first in chromosome order */
  private nextChromosome(): string | null {
    let best: SourceCursor | null = null;
    for (const cursor of this.cursors) {
      if (!cursor.head) continue;
      if (!best || compare(cursor.chromosome, best.chromosome) < 0) best = cursor;
    }
    return best ? best.chromosome : null;
  }

  private attach(variants: Variant[], source: number, cursor: SourceCursor): void {
    const site = cursor.head!;
    let flipped = false;
    let variant = variants.find((candidate) => candidate.ref === site.ref && candidate.alt === site.alt);
    if (!variant) {
      variant = variants.find((candidate) => candidate.ref === site.alt && candidate.alt === site.ref);
      flipped = variant !== undefined;
    }
    if (!variant) {
      variant = { chrom: site.chrom, pos: site.pos, ref: site.ref, alt: site.alt, records: new Array(this.cursors.length).fill(undefined) };
      variants.push(variant);
    }
    if (variant.records[source]) {
      this.counts.duplicates++;
      return;
    }
    const hds = this.spare.pop() ?? new Float32Array(this.haplotypes);
    const alleles = this.withAlleles ? (this.spareAlleles.pop() ?? new Uint8Array(this.haplotypes)) : undefined;
    cursor.samples(hds, alleles);
    if (flipped) {
      this.counts.flipped[source]++;
      flip(hds, alleles);
    }
    const record: SourceRecord = { site, hds, alleles, flipped };
    variant.records[source] = record;
    this.used.push(record);
  }

  private recycle(): void {
    for (const record of this.used) {
      this.spare.push(record.hds);
      if (record.alleles) this.spareAlleles.push(record.alleles);
    }
    this.used = [];
  }
}

/** the same variant with REF and ALT exchanged: every haplotype dosage d becomes 1 − d */
export function flip(hds: Float32Array, alleles?: Uint8Array): void {
  for (let index = 0; index < hds.length; index++) hds[index] = 1 - hds[index];
  if (alleles) for (let index = 0; index < alleles.length; index++) if (alleles[index] < 2) alleles[index] = 1 - alleles[index];
}
