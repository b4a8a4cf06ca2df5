/** The shapes combine passes between planning, jobs (possibly on worker threads) and the summary. */
import type { MetaParameters } from './hmm.js';
import type { AbsentRule } from './mix.js';
import type { Region } from './source.js';
import type { WindowSizes } from './window.js';

export type Method = 'meta' | 'best-r2';

export interface JobSource {
  /** service slug (or slug-panelN), or the --from prefix's file name */
  label: string;
  dose: string;
  /** the empirical (leave-one-out) file; needed for meta */
  empirical?: string;
}

/** one output file: every chromosome its inputs hold, one after another */
export interface CombineJob {
  sources: JobSource[];
  output: string;
  method: Method;
  absent: AbsentRule;
  region: Region | null;
  /** the header's ##filedate (YYYYMMDD) and ##source, fixed by the caller so jobs read no clock */
  fileDate: string;
  generator: string;
  parameters?: MetaParameters;
  window?: WindowSizes;
  /** BGZF threads for this job (inflate and deflate) */
  threads: number;
}

export interface SourceReport {
  label: string;
  /** variants this source carried (after alignment) */
  variants: number;
  /** variants only this source carried */
  only: number;
  /** best-r2: variants whose dosages came from this source */
  chosen: number;
  multiallelic: number;
  flipped: number;
  /** meta: posterior weights' histogram (20 bins over [0, 1]) */
  weights?: number[];
}

export interface MethodCounts {
  meta: number;
  'best-r2': number;
  single: number;
}

export interface JobReport {
  output: string;
  method: Method;
  absent: AbsentRule;
  /** canonical names, in the order written */
  chromosomes: string[];
  samples: number;
  variants: number;
  typed: number;
  /** how each variant's dosages were made: meta-imputed, best-r2, or copied from the one source that has the chromosome */
  byMethod: MethodCounts;
  sources: SourceReport[];
  /** "a+b" → variants carried by exactly those sources */
  overlap: Record<string, number>;
  duplicates: number;
  warnings: string[];
  meta?: { typedSites: number; phaseChecks: number; phaseConflicts: number };
}
