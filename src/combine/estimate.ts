/**
 * Per-variant summaries of haplotype dosages, as Minimac defines them.
 *
 * With haplotype dosages d_1..d_H (H = 2 × samples) and p = mean(d) (the estimated ALT frequency, INFO AF):
 *     R² = (mean(d²) − p²) / (p (1 − p))          (Minimac's estimated r², INFO R2; 0 when p is 0 or 1)
 * i.e. the variance of the dosages relative to the variance of true 0/1 alleles at that frequency. Checked
 * against minimac4 4.1.2 output (test/combine/estimate.test.ts).
 */

export interface DosageSummary {
  /** estimated ALT allele frequency */
  af: number;
  /** Minimac's estimated r² */
  r2: number;
}

export function summarize(hds: Float32Array): DosageSummary {
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < hds.length; index++) {
    const dosage = hds[index];
    sum += dosage;
    squares += dosage * dosage;
  }
  return fromSums(sum, squares, hds.length);
}

export function fromSums(sum: number, squares: number, count: number): DosageSummary {
  const af = count > 0 ? sum / count : 0;
  const spread = af * (1 - af);
  // rounding can put p(1 − p) at 1e-17 for a monomorphic site; Minimac reports 0 there
  const r2 = spread > 1e-12 ? Math.max(0, squares / count - af * af) / spread : 0;
  return { af, r2 };
}

/** the same from dosages already rounded to thousandths (what is written) */
export function summarizeQuantized(thousandths: Int16Array): DosageSummary {
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < thousandths.length; index++) {
    const value = thousandths[index];
    sum += value;
    squares += value * value;
  }
  return fromSums(sum / 1000, squares / 1e6, thousandths.length);
}
