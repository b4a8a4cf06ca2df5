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
  const typed = new Set<string>();
  if (files.typed) await readVcf(files.typed, () => undefined, (record) => void typed.add(keyOf(record.position, record.ref, record.alt)));
  const { samples, variants } = await readTruth(files.truth, typed);
  const scores = new Map<string, number>();
  let columns: number[] = [];
  await readVcf(
    files.dose,
    (ids) => {
      const index = new Map(samples.map((id, position) => [id, position]));
      columns = ids.map((id) => index.get(id) ?? -1);
    },
    (record) => {
      const key = keyOf(record.position, record.ref, record.alt);
      const truth = variants.get(key);
      if (!truth || scores.has(key)) return;
      const dosages = dosagesOf(record.line, columns, samples.length);
      if (dosages) scores.set(key, squaredCorrelation(dosages, truth.counts));
    },
  );
  return MAF_BINS.map((bin) => {
    let count = 0;
    let imputed = 0;
    let sum = 0;
    for (const [key, truth] of variants) {
      if (truth.maf < bin.low || truth.maf >= bin.high) continue;
      count += 1;
      const score = scores.get(key);
      if (score === undefined) continue;
      imputed += 1;
      sum += score;
    }
    return { ...bin, variants: count, imputed, meanR2: imputed > 0 ? sum / imputed : 0 };
  });
}

async function readTruth(path: string, typed: Set<string>): Promise<{ samples: string[]; variants: Map<string, TruthVariant> }> {
  let samples: string[] = [];
  const variants = new Map<string, TruthVariant>();
  await readVcf(path, (ids) => (samples = ids), (record) => {
    const key = keyOf(record.position, record.ref, record.alt);
    if (typed.has(key)) return;
    const counts = new Uint8Array(samples.length);
    let alternate = 0;
    const fields = record.line.split('\t');
    for (let sample = 0; sample < samples.length; sample++) {
      const gt = fields[9 + sample] ?? '';
      counts[sample] = (gt.charCodeAt(0) === 49 ? 1 : 0) + (gt.charCodeAt(2) === 49 ? 1 : 0);
      alternate += counts[sample];
    }
    const frequency = alternate / (2 * samples.length);
    const maf = Math.min(frequency, 1 - frequency);
    if (maf > 0) variants.set(key, { maf, counts });
  });
  return { samples, variants };
}

/** DS of every sample, in truth order (NaN where a truth sample is absent); undefined without DS */
function dosagesOf(line: string, columns: number[], samples: number): Float64Array | undefined {
  const fields = line.split('\t');
  const index = (fields[8] ?? '').split(':').indexOf('DS');
  if (index < 0) return undefined;
  const dosages = new Float64Array(samples).fill(Number.NaN);
  for (let column = 0; column < columns.length; column++) {
    const target = columns[column];
    if (target >= 0) dosages[target] = Number.parseFloat((fields[9 + column] ?? '').split(':')[index]);
  }
  return dosages;
}
