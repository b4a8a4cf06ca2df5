/**
 * combine.json: what was combined, how, and what came out — variants per source and per overlap, per-method
 * counts, the spread of the meta weights. Its keys are the `--json` document's keys; `compare` reads it back.
 */
import type { CombinePlan } from './plan.js';
import { formatRegion } from './region.js';
import type { JobReport } from './types.js';

export interface WeightSpread {
  mean: number;
  p05: number;
  p50: number;
  p95: number;
}

export interface CombineSummary {
  combine_version: 1;
  generated_at: string;
  generator: string;
  parent_job_id: string | null;
  method: string;
  method_reason: string;
  absent: string;
  absent_reason: string;
  region: string | null;
  samples: number;
  variants: number;
  typed: number;
  /** variants meta-imputed, taken by best-r2, or copied from the only source with their chromosome */
  by_method: { meta: number; 'best-r2': number; single: number };
  outputs: { chromosomes: string[]; path: string; variants: number; typed: number }[];
  sources: {
    label: string;
    child_id: string | null;
    service_slug: string | null;
    panel_id: number | null;
    empirical: boolean;
    r2_filter: string | null;
    variants: number;
    only: number;
    chosen: number;
    multiallelic_skipped: number;
    flipped: number;
    weight: WeightSpread | null;
  }[];
  overlap: Record<string, number>;
  duplicates: number;
  meta: { typed_sites: number; phase_checks: number; phase_conflicts: number } | null;
  warnings: string[];
  seconds: number;
}

export function buildSummary(plan: CombinePlan, reports: JobReport[], meta: { generator: string; now: Date; seconds: number }): CombineSummary {
  const overlap: Record<string, number> = {};
  for (const report of reports) for (const [key, count] of Object.entries(report.overlap)) overlap[key] = (overlap[key] ?? 0) + count;
  const sources = plan.sources.map((source) => {
    const entries = reports.flatMap((report) => report.sources.filter((entry) => entry.label === source.label));
    const sum = (key: 'variants' | 'only' | 'chosen' | 'multiallelic' | 'flipped') => entries.reduce((total, entry) => total + entry[key], 0);
    const histogram = entries.reduce<number[] | null>((total, entry) => (entry.weights ? (total ?? new Array(20).fill(0)).map((value, bin) => value + entry.weights![bin]) : total), null);
    return {
      label: source.label,
      child_id: source.child_id ?? null,
      service_slug: source.service_slug ?? null,
      panel_id: source.panel_id ?? null,
      empirical: source.empirical,
      r2_filter: source.r2Filter ?? null,
      variants: sum('variants'),
      only: sum('only'),
      chosen: sum('chosen'),
      multiallelic_skipped: sum('multiallelic'),
      flipped: sum('flipped'),
      weight: histogram ? spread(histogram) : null,
    };
  });
  const metaReports = reports.filter((report) => report.meta);
  return {
    combine_version: 1,
    generated_at: meta.now.toISOString(),
    generator: meta.generator,
    parent_job_id: plan.parentId,
    method: plan.method.value,
    method_reason: plan.method.reason,
    absent: plan.absent.value,
    absent_reason: plan.absent.reason,
    region: plan.region ? formatRegion(plan.region) : null,
    samples: reports[0]?.samples ?? 0,
    variants: reports.reduce((total, report) => total + report.variants, 0),
    typed: reports.reduce((total, report) => total + report.typed, 0),
    by_method: {
      meta: reports.reduce((total, report) => total + report.byMethod.meta, 0),
      'best-r2': reports.reduce((total, report) => total + report.byMethod['best-r2'], 0),
      single: reports.reduce((total, report) => total + report.byMethod.single, 0),
    },
    outputs: reports.map((report) => ({ chromosomes: report.chromosomes, path: report.output, variants: report.variants, typed: report.typed })),
    sources,
    overlap,
    duplicates: reports.reduce((total, report) => total + report.duplicates, 0),
    meta:
      metaReports.length > 0
        ? {
            typed_sites: metaReports.reduce((total, report) => total + report.meta!.typedSites, 0),
            phase_checks: metaReports.reduce((total, report) => total + report.meta!.phaseChecks, 0),
            phase_conflicts: metaReports.reduce((total, report) => total + report.meta!.phaseConflicts, 0),
          }
        : null,
    warnings: reports.flatMap((report) => report.warnings),
    seconds: Math.round(meta.seconds * 100) / 100,
  };
}

/** mean and quantiles of weights from their 20-bin histogram (bin centres; enough to show the spread) */
export function spread(histogram: number[]): WeightSpread | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const centre = (bin: number) => (bin + 0.5) / histogram.length;
  const mean = histogram.reduce((sum, count, bin) => sum + count * centre(bin), 0) / total;
  const quantile = (q: number) => {
    let cumulative = 0;
    for (let bin = 0; bin < histogram.length; bin++) {
      cumulative += histogram[bin];
      if (cumulative >= q * total) return centre(bin);
    }
    return 1;
  };
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { mean: round(mean), p05: round(quantile(0.05)), p50: round(quantile(0.5)), p95: round(quantile(0.95)) };
}
