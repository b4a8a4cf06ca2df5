/**
 * The meta-imputation hidden Markov model of Yu et al., "Meta-imputation: an efficient method
 * to combine genotype data after imputation with multiple reference panels" (AJHG 109:1007, 2022; MetaMinimac2).
 *
 * For one target haplotype, the hidden state S_m ∈ {1..K} says which of the K panels describes the haplotype
 * best at typed site m. With g_m the observed allele and d_jm panel j's leave-one-out dosage (the empirical
 * dosage: the site imputed as if it had not been typed):
 *
 *   emission     e_j(m) = d_jm + ε        if g_m = 1
 *                       = 1 − d_jm + ε    if g_m = 0         (ε: background error; 1 when g_m is missing)
 *   transition   P(S_m = k | S_{m−1} = j) = (1 − ρ_m)·[j = k] + ρ_m / K
 *   start        π_j ∝ w⁰_j + ε, w⁰ the least-squares weights on the first typed sites (simplex.ts)
 *
 * Forward–backward gives the posterior γ_m(j) = P(S_m = j | g), panel j's weight at typed site m; the
 * combined haplotype dosage of a variant is Σ_j w_j · HDS_j with weights interpolated between typed sites.
 *
 * ρ_m grows with the distance to the previous typed site, ρ_m = 1 − exp(−r · Δbp): the paper's model switches
 * with probability 2·10⁻⁵ per imputed variant, which at a panel density of about one variant per 10 bp is a
 * rate r of 2·10⁻⁶ per bp; measuring in base pairs keeps that meaning whatever the panel's density.
 *
 * Numerics: α and β are rescaled to sum 1 at every site (no underflow on any chromosome length); only the
 * posterior is needed, never the likelihood, so the scale factors are dropped.
 */
import { simplexLeastSquares } from './simplex.js';

export interface MetaParameters {
  /** ε, added to every emission (paper: 10⁻⁵) */
  backgroundError: number;
  /** r, switch rate per base pair */
  switchRate: number;
  /** typed sites used to fit the starting weights (MetaMinimac2: 400) */
  startSites: number;
}

export const DEFAULT_PARAMETERS: MetaParameters = { backgroundError: 1e-5, switchRate: 2e-6, startSites: 400 };

export interface TypedSite {
  pos: number;
  /** observed allele per haplotype: 0, 1, or 255 when missing */
  alleles: Uint8Array;
  /** leave-one-out dosages, panel-major: loo[j·H + h] */
  loo: Float32Array;
}

/** emissions e_j(m) for every haplotype, haplotype-major: out[h·K + j] */
export function emissions(site: TypedSite, panels: number, epsilon: number, out: Float64Array): void {
  const haplotypes = site.alleles.length;
  for (let h = 0; h < haplotypes; h++) {
    const allele = site.alleles[h];
    for (let j = 0; j < panels; j++) {
      const dosage = site.loo[j * haplotypes + h];
      out[h * panels + j] = allele === 1 ? dosage + epsilon : allele === 0 ? 1 - dosage + epsilon : 1;
    }
  }
}

/** π for every haplotype (haplotype-major), from the least-squares fit on `sites` */
export function startProbabilities(sites: TypedSite[], panels: number, epsilon: number): Float64Array {
  const haplotypes = sites[0].alleles.length;
  const start = new Float64Array(haplotypes * panels);
  const gram = new Float64Array(panels * panels);
  const linear = new Float64Array(panels);
  for (let h = 0; h < haplotypes; h++) {
    gram.fill(0);
    linear.fill(0);
    for (const site of sites) {
      const allele = site.alleles[h];
      if (allele > 1) continue;
      for (let j = 0; j < panels; j++) {
        const dj = site.loo[j * haplotypes + h];
        linear[j] += dj * allele;
        for (let k = 0; k < panels; k++) gram[j * panels + k] += dj * site.loo[k * haplotypes + h];
      }
    }
    const weights = simplexLeastSquares(gram, linear);
    let total = 0;
    for (let j = 0; j < panels; j++) total += weights[j] + epsilon;
    for (let j = 0; j < panels; j++) start[h * panels + j] = (weights[j] + epsilon) / total;
  }
  return start;
}

/** ρ_m between typed sites at `previous` and `pos` */
export function switchProbability(previous: number, pos: number, rate: number): number {
  return -Math.expm1(-rate * Math.max(0, pos - previous));
}

/**
 * One step of the forward recursion, in place: α ← normalise([(1 − ρ)·α + ρ/K] ⊙ e), per haplotype.
 * `alpha` holds normalised α_{m−1} (or π with ρ = 0 at the first site).
 */
export function forwardStep(alpha: Float64Array, emission: Float64Array, rho: number, panels: number): void {
  const share = rho / panels;
  for (let base = 0; base < alpha.length; base += panels) {
    let total = 0;
    for (let j = 0; j < panels; j++) {
      const value = ((1 - rho) * alpha[base + j] + share) * emission[base + j];
      alpha[base + j] = value;
      total += value;
    }
    for (let j = 0; j < panels; j++) alpha[base + j] /= total;
  }
}

/**
 * One step of the backward recursion, in place: β_m(j) = Σ_k P(j→k) e_k(m+1) β_{m+1}(k)
 *   = (1 − ρ) e_j β_j + (ρ/K) Σ_k e_k β_k, normalised. `emission` and `rho` belong to site m+1.
 */
export function backwardStep(beta: Float64Array, emission: Float64Array, rho: number, panels: number): void {
  const share = rho / panels;
  for (let base = 0; base < beta.length; base += panels) {
    let mixed = 0;
    for (let j = 0; j < panels; j++) mixed += emission[base + j] * beta[base + j];
    let total = 0;
    for (let j = 0; j < panels; j++) {
      const value = (1 - rho) * emission[base + j] * beta[base + j] + share * mixed;
      beta[base + j] = value;
      total += value;
    }
    for (let j = 0; j < panels; j++) beta[base + j] /= total;
  }
}

/** γ = normalise(α ⊙ β) per haplotype, into `out` (Float32, haplotype-major) */
export function posterior(alpha: Float64Array | Float32Array, beta: Float64Array, panels: number, out: Float32Array): void {
  for (let base = 0; base < beta.length; base += panels) {
    let total = 0;
    for (let j = 0; j < panels; j++) total += alpha[base + j] * beta[base + j];
    for (let j = 0; j < panels; j++) out[base + j] = (alpha[base + j] * beta[base + j]) / total;
  }
}
