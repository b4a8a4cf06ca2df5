/**
 * The Li–Stephens haplotype-copying model (Li & Stephens 2003) as a hidden Markov model over K template
 * haplotypes, at the typed sites only:
 *
 *   hidden state   X_i ∈ {1..K}: the template the target copies at typed site i, π_k = 1/K
 *   transition     P(X_i = k | X_{i-1} = j) = (1 − ρ_i)·[j = k] + ρ_i / K
 *                  ρ_i = 1 − exp(−4·Ne·d_i / H)   (d_i Morgans from site i−1 to i, H haplotypes in the panel)
 *   emission       e_i(k) = 1 − ε if template k carries the observed allele at i, else ε (1 when missing)
 *
 * Forward–backward with per-site rescaling (Rabiner 1989): α is normalised to sum 1 at every site,
 * β likewise, so the posterior P(X_i = k | all) ∝ α_i(k)·β_i(k) and nothing underflows.
 *   α_0(k) = π_k e_0(k)            α_i(k) = e_i(k)·[(1 − ρ_i) α_{i−1}(k) + ρ_i/K · Σ_j α_{i−1}(j)]
 *   β_{n−1}(k) = 1                 β_{i−1}(k) = (1 − ρ_i) e_i(k) β_i(k) + ρ_i/K · Σ_j e_i(j) β_i(j)
 */

export interface CopyingModel {
  /** K */
  states: number;
  /** typed sites in the model */
  sites: number;
  /** allele of template k at site i: alleles[i·K + k] */
  alleles: Uint8Array;
  /** observed allele at site i: 0, 1, or -1 when missing */
  observed: Int8Array;
  /** ρ_i for the step into site i (ρ_0 unused) */
  switches: Float64Array;
  /** ε */
  mismatch: number;
}

/** e_i(k) */
export function emission(model: CopyingModel, site: number, state: number): number {
  const observed = model.observed[site];
  if (observed < 0) return 1;
  return model.alleles[site * model.states + state] === observed ? 1 - model.mismatch : model.mismatch;
}

/** ρ = 1 − exp(−4·Ne·d/H), floored as Minimac floors it (--min-recom 1e-5) */
export function switchProbability(morgans: number, effectiveSize: number, haplotypes: number): number {
  return Math.max(1e-5, -Math.expm1((-4 * effectiveSize * Math.max(0, morgans)) / haplotypes));
}

/** Normalised forward probabilities into alpha[i·K + k]. */
export function forward(model: CopyingModel, alpha: Float64Array): void {
  const { states } = model;
  let total = 0;
  for (let state = 0; state < states; state++) total += alpha[state] = emission(model, 0, state) / states;
  normalise(alpha, 0, states, total);
  for (let site = 1; site < model.sites; site++) {
    const stay = 1 - model.switches[site];
    const jump = model.switches[site] / states;
    const from = (site - 1) * states;
    const to = site * states;
    const observed = model.observed[site];
    total = 0;
    for (let state = 0; state < states; state++) {
      const match = observed < 0 ? 1 : model.alleles[to + state] === observed ? 1 - model.mismatch : model.mismatch;
      total += alpha[to + state] = match * (stay * alpha[from + state] + jump);
    }
    normalise(alpha, to, states, total);
  }
}

/** Normalised backward probabilities into beta[i·K + k]. */
export function backward(model: CopyingModel, beta: Float64Array): void {
  const { states } = model;
  const last = (model.sites - 1) * states;
  beta.fill(1 / states, last, last + states);
  for (let site = model.sites - 1; site > 0; site--) {
    const stay = 1 - model.switches[site];
    const jump = model.switches[site] / states;
    const from = site * states;
    const to = (site - 1) * states;
    const observed = model.observed[site];
    // e_i(k)·β_i(k) is written into the β_{i−1} slots first, then turned into β_{i−1}
    let weighted = 0;
    for (let state = 0; state < states; state++) {
      const match = observed < 0 ? 1 : model.alleles[from + state] === observed ? 1 - model.mismatch : model.mismatch;
      weighted += beta[to + state] = match * beta[from + state];
    }
    let total = 0;
    for (let state = 0; state < states; state++) total += beta[to + state] = stay * beta[to + state] + jump * weighted;
    normalise(beta, to, states, total);
  }
}

function normalise(values: Float64Array, offset: number, count: number, total: number): void {
  const scale = total > 0 ? 1 / total : 1;
  for (let index = offset; index < offset + count; index++) values[index] *= scale;
}
