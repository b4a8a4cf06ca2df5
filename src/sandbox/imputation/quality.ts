/**
 * Per-site quality as the imputation servers report it, from the haploid dosages h of the n target
 * haplotypes (checked against Minimac4 4.1 and Beagle 5.4 output on a simulated case):
 *   AF      = p = mean(h)
 *   R2, DR2 = var(h) / (p(1 − p))      with var(h) = mean(h²) − p²; 0 when p is 0 or 1
 *             (Minimac's estimated r²; Beagle's DR2 is the same ratio over haplotype dosages)
 *   AVG_CS  = mean(max(h, 1 − h))      Minimac's average call score
 *   ER2     = corr(LDS, observed)²     at typed sites: leave-one-out dosage against the typed allele
 */

export interface SiteQuality {
  alleleFrequency: number;
  r2: number;
  averageCallScore: number;
}

/** `resolution`: Minimac computes these from the dosages as it prints them (3 decimals): pass 0.001 */
export function siteQuality(dosages: Float32Array, offset: number, count: number, resolution = 0): SiteQuality {
  if (count === 0) return { alleleFrequency: 0, r2: 0, averageCallScore: 1 };
  let sum = 0;
  let squares = 0;
  let calls = 0;
  for (let index = offset; index < offset + count; index++) {
    const dose = resolution > 0 ? Math.round(dosages[index] / resolution) * resolution : dosages[index];
    sum += dose;
    squares += dose * dose;
    calls += dose > 0.5 ? dose : 1 - dose;
  }
  const frequency = sum / count;
  const variance = squares / count - frequency * frequency;
  const expected = frequency * (1 - frequency);
  const r2 = expected > 0 ? Math.min(1, Math.max(0, variance / expected)) : 0;
  return { alleleFrequency: frequency, r2, averageCallScore: calls / count };
}

/** Squared Pearson correlation of x and y over the entries where x is not NaN; 0 when either is constant. */
export function squaredCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let index = 0; index < y.length; index++) {
    const a = x[index];
    if (Number.isNaN(a)) continue;
    const b = y[index];
    n += 1;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  if (n < 2) return 0;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  const cov = sxy - (sx * sy) / n;
  return vx > 1e-12 && vy > 1e-12 ? Math.min(1, (cov * cov) / (vx * vy)) : 0;
}
