/**
 * What `compare` measures, accumulated variant by variant: per source the variants imputed and the mean
 * estimated R² by minor-allele-frequency bin; between two sources, how well their dosages agree on the
 * variants both carry (the squared correlation of DS across samples, averaged over variants).
 */
import type { SourceRecord } from '../combine/align.js';
import { summarize } from '../combine/estimate.js';

/** upper edges of the MAF bins: < 0.5 %, 0.5–1 %, 1–5 %, 5–20 %, > 20 % */
export const MAF_EDGES = [0.005, 0.01, 0.05, 0.2] as const;
export const MAF_LABELS = ['<0.5%', '0.5–1%', '1–5%', '5–20%', '>20%'] as const;

export function mafBin(alleleFrequency: number): number {
  const maf = Math.min(alleleFrequency, 1 - alleleFrequency);
  let bin = 0;
  while (bin < MAF_EDGES.length && maf >= MAF_EDGES[bin]) bin++;
  return bin;
}

export class AccuracyByMaf {
  variants = 0;
  typed = 0;
  private readonly sums = new Float64Array(MAF_LABELS.length);
  private readonly counts = new Float64Array(MAF_LABELS.length);

  /** the estimated R² the file gave (its own dosages' when it gave none) at the frequency of its dosages */
  add(record: SourceRecord): void {
    const summary = summarize(record.hds);
    const r2 = Number.isNaN(record.site.r2) ? summary.r2 : record.site.r2;
    const bin = mafBin(summary.af);
    this.sums[bin] += r2;
    this.counts[bin]++;
    this.variants++;
    if (record.site.typed) this.typed++;
  }

  result(): { variants: number; imputed: number; typed: number; mean_r2: number | null; r2_by_maf: (number | null)[]; variants_by_maf: number[] } {
    const total = this.counts.reduce((sum, count) => sum + count, 0);
    const sum = this.sums.reduce((all, value) => all + value, 0);
    return {
      variants: this.variants,
      imputed: this.variants - this.typed,
      typed: this.typed,
      mean_r2: total > 0 ? round(sum / total) : null,
      r2_by_maf: Array.from(this.sums, (value, bin) => (this.counts[bin] > 0 ? round(value / this.counts[bin]) : null)),
      variants_by_maf: Array.from(this.counts),
    };
  }
}

export class Agreement {
  shared = 0;
  private informative = 0;
  private sum = 0;
  private readonly sums = new Float64Array(MAF_LABELS.length);
  private readonly counts = new Float64Array(MAF_LABELS.length);

  /** both sources' haplotype dosages of one variant (already aligned to the same alleles) */
  add(left: Float32Array, right: Float32Array): void {
    this.shared++;
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const samples = left.length / 2;
    for (let h = 0; h < left.length; h += 2) {
      const x = left[h] + left[h + 1];
      const y = right[h] + right[h + 1];
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const vx = sxx - (sx * sx) / samples;
    const vy = syy - (sy * sy) / samples;
    // a dosage that does not vary says nothing about agreement
    if (vx <= 1e-9 || vy <= 1e-9) return;
    const covariance = sxy - (sx * sy) / samples;
    const r2 = (covariance * covariance) / (vx * vy);
    const bin = mafBin((sx + sy) / (4 * samples));
    this.informative++;
    this.sum += r2;
    this.sums[bin] += r2;
    this.counts[bin]++;
  }

  result(): { shared: number; compared: number; mean_dosage_r2: number | null; dosage_r2_by_maf: (number | null)[] } {
    return {
      shared: this.shared,
      compared: this.informative,
      mean_dosage_r2: this.informative > 0 ? round(this.sum / this.informative) : null,
      dosage_r2_by_maf: Array.from(this.sums, (value, bin) => (this.counts[bin] > 0 ? round(value / this.counts[bin]) : null)),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
