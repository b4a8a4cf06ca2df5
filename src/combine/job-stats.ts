/** Counting what a job wrote, per source and per overlap pattern, into the JobReport. */
import type { Variant } from './align.js';
import type { SourceCursor } from './source.js';
import type { CombineJob, JobReport, MethodCounts } from './types.js';
import type { WeightStats } from './weights.js';

export class JobStats {
  variants = 0;
  typed = 0;
  readonly byMethod: MethodCounts = { meta: 0, 'best-r2': 0, single: 0 };
  readonly chromosomes: string[] = [];
  readonly warnings: string[] = [];
  private readonly carried: Float64Array;
  private readonly chosen: Float64Array;
  /** by bit pattern of the sources carrying a variant */
  private readonly patterns = new Map<number, number>();
  private readonly labels = new Map<number, string>();

  constructor(private readonly job: CombineJob) {
    this.carried = new Float64Array(job.sources.length);
    this.chosen = new Float64Array(job.sources.length);
  }

  /** count a variant; returns the SOURCES text for it */
  count(variant: Variant, typed: boolean, chosen: number): string {
    let pattern = 0;
    for (let source = 0; source < variant.records.length; source++) {
      if (!variant.records[source]) continue;
      pattern |= 1 << source;
      this.carried[source]++;
    }
    if (chosen >= 0) this.chosen[chosen]++;
    this.patterns.set(pattern, (this.patterns.get(pattern) ?? 0) + 1);
    this.variants++;
    if (typed) this.typed++;
    let label = this.labels.get(pattern);
    if (label === undefined) {
      label = this.job.sources.filter((_, source) => pattern & (1 << source)).map((source) => source.label).join(',');
      this.labels.set(pattern, label);
    }
    return label;
  }

  report(samples: number, cursors: SourceCursor[], flipped: number[], duplicates: number, meta: WeightStats | null): JobReport {
    const names = (pattern: number) => this.job.sources.filter((_, source) => pattern & (1 << source)).map((source) => source.label).join('+');
    return {
      output: this.job.output,
      method: this.job.method,
      absent: this.job.absent,
      chromosomes: this.chromosomes,
      samples,
      variants: this.variants,
      typed: this.typed,
      byMethod: this.byMethod,
      sources: this.job.sources.map((source, index) => ({
        label: source.label,
        variants: this.carried[index],
        only: this.patterns.get(1 << index) ?? 0,
        chosen: this.chosen[index],
        multiallelic: cursors[index].counts.multiallelic,
        flipped: flipped[index],
        ...(meta ? { weights: Array.from(meta.histograms[index]) } : {}),
      })),
      overlap: Object.fromEntries([...this.patterns].sort(([a], [b]) => a - b).map(([pattern, count]) => [names(pattern), count])),
      duplicates,
      warnings: this.warnings,
      ...(meta ? { meta: { typedSites: meta.typedSites, phaseChecks: meta.phaseChecks, phaseConflicts: meta.phaseConflicts } } : {}),
    };
  }
}
