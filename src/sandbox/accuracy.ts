/**
 * Imputation accuracy against the truth, the way imputation papers report it: for every variant that is
 * polymorphic in the study's true genotypes and was not typed on the chip, r² = the squared Pearson
 * correlation, across samples, between the imputed dosage (DS) and the true ALT allele count; variants
 * grouped by their true minor allele frequency in the study. A bin reports its mean r² over the variants
 * the results contain, and coverage: the share of the bin's variants the results contain at all (a panel
 * cannot impute what it does not carry).
 *
 * Reads any dose VCF with a DS field (Minimac, Beagle or a combined file) and the sandbox's truth.vcf.gz;
 * samples are matched by id, variants by position, REF and ALT.
 */
import { readVcf } from './imputation/input.js';
import { squaredCorrelation } from './imputation/quality.js';

export interface MafBin {
  label: string;
  /** MAF in [low, high) */
  low: number;
  high: number;
}

export const MAF_BINS: readonly MafBin[] = [
  { label: '<0.5%', low: 0, high: 0.005 },
  { label: '0.5-1%', low: 0.005, high: 0.01 },
  { label: '1-5%', low: 0.01, high: 0.05 },
  { label: '5-20%', low: 0.05, high: 0.2 },
  { label: '>20%', low: 0.2, high: 0.5000001 },
];

export interface BinAccuracy extends MafBin {
  /** truth variants in the bin (polymorphic, not typed) */
  variants: number;
  /** of them, present in the results */
  imputed: number;
  /** mean r² over the imputed ones (0 when none) */
  meanR2: number;
}

export interface AccuracyFiles {
  /** imputed VCF with DS */
  dose: string;
  /** every sample's true genotypes */
  truth: string;
  /** the submitted study: its sites were typed, so they are not scored */
  typed?: string;
}

interface TruthVariant {
  maf: number;
  /** true ALT count per truth sample */
  counts: Uint8Array;
}

const keyOf = (position: number, ref: string, alt: string) => `${position}:${ref}:${alt}`;

export async function accuracy(files: AccuracyFiles): Promise<BinAccuracy[]> {
  return score(await loadTruth(files.truth, files.typed), files.dose);
}

/** The truth (and which variants were typed), read once to score several result files. */
export interface Truth {
  samples: string[];
  /** polymorphic, untyped variants by position:REF:ALT */
  variants: Map<string, TruthVariant>;
}

export async function loadTruth(truth: string, typedVcf?: string): Promise<Truth> {
  const typed = new Set<string>();
  if (typedVcf) await readVcf(typedVcf, () => undefined, (record) => void typed.add(keyOf(record.position, record.ref, record.alt)));
  let samples: string[] = [];
  const variants = new Map<string, TruthVariant>();
  await readVcf(truth, (ids) => (samples = ids), (record) => {
    const key = keyOf(record.position, record.ref, record.alt);
    if (typed.has(key)) return;
    const counts = new Uint8Array(samples.length);
    let alternate = 0;
    let at = fieldStart(record.line, 9);
    for (let sample = 0; sample < samples.length && at > 0; sample++) {
      counts[sample] = (record.line.charCodeAt(at) === 49 ? 1 : 0) + (record.line.charCodeAt(at + 2) === 49 ? 1 : 0);
      alternate += counts[sample];
      at = record.line.indexOf('\t', at) + 1;
    }
    const frequency = alternate / (2 * samples.length);
    const maf = Math.min(frequency, 1 - frequency);
    if (maf > 0) variants.set(key, { maf, counts });
  });
  return { samples, variants };
}

/** Scores one result file (any VCF with DS) against the truth. */
export async function score(truth: Truth, dose: string): Promise<BinAccuracy[]> {
  const scores = new Map<string, number>();
  let columns: number[] = [];
  await readVcf(
    dose,
    (ids) => {
      const index = new Map(truth.samples.map((id, position) => [id, position]));
      columns = ids.map((id) => index.get(id) ?? -1);
    },
    (record) => {
      const key = keyOf(record.position, record.ref, record.alt);
      const variant = truth.variants.get(key);
      if (!variant || scores.has(key)) return;
      const dosages = dosagesOf(record.line, columns, truth.samples.length);
      if (dosages) scores.set(key, squaredCorrelation(dosages, variant.counts));
    },
  );
  return MAF_BINS.map((bin) => {
    let count = 0;
    let imputed = 0;
    let sum = 0;
    for (const [key, variant] of truth.variants) {
      if (variant.maf < bin.low || variant.maf >= bin.high) continue;
      count += 1;
      const r2 = scores.get(key);
      if (r2 === undefined) continue;
      imputed += 1;
      sum += r2;
    }
    return { ...bin, variants: count, imputed, meanR2: imputed > 0 ? sum / imputed : 0 };
  });
}

/** index of the first character of tab-separated field `field` (0-based), or -1 when the line is shorter */
function fieldStart(line: string, field: number): number {
  let at = 0;
  for (let index = 0; index < field; index++) {
    const tab = line.indexOf('\t', at);
    if (tab < 0) return -1;
    at = tab + 1;
  }
  return at;
}

/** DS of every sample, in truth order (NaN where a truth sample is absent); undefined without DS */
function dosagesOf(line: string, columns: number[], samples: number): Float64Array | undefined {
  const formatAt = fieldStart(line, 8);
  if (formatAt < 0) return undefined;
  const format = line.slice(formatAt, line.indexOf('\t', formatAt));
  const index = format.split(':').indexOf('DS');
  if (index < 0) return undefined;
  const dosages = new Float64Array(samples).fill(Number.NaN);
  let at = line.indexOf('\t', formatAt) + 1;
  for (let column = 0; column < columns.length && at > 0; column++) {
    const end = line.indexOf('\t', at);
    const target = columns[column];
    if (target >= 0) {
      let from = at;
      for (let skip = 0; skip < index && from > 0; skip++) from = line.indexOf(':', from) + 1;
      const stop = line.indexOf(':', from);
      const limit = end < 0 ? line.length : end;
      dosages[target] = Number.parseFloat(line.slice(from, stop < 0 || stop > limit ? limit : stop));
    }
    at = end < 0 ? 0 : end + 1;
  }
  return dosages;
}
