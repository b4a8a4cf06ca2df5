/**
 * Posterior dosages of one target haplotype in one window, from the forward and backward probabilities
 * (li-stephens.ts) over the window's typed sites:
 *  - typed sites: the full posterior Σ_k α_i(k)β_i(k)·a_k(i), and the leave-one-out one with α⁻_i in place
 *    of α_i (the site's own observation left out);
 *  - untyped site m between typed sites l and r: the exact posterior
 *        P(X_m = k) ∝ [(1 − ρ_lm)·A_k + ρ_lm/K·ΣA] · [(1 − ρ_mr)·B_k + ρ_mr/K·ΣB],  A = α_l, B = e_r·β_r
 *    whose carrier sum expands into four sums over the templates that carry the minor allele.
 */
import type { Imputation, Prepared, Window } from './model.js';
import type { BitMatrix } from '../world/bits.js';
import { switchProbability, type CopyingModel } from './li-stephens.js';

export interface Workspace {
  chosen: Int32Array;
  distances: Int32Array;
  alpha: Float64Array;
  beta: Float64Array;
  untyped: Untyped;
  /** per interval and template: A_k, B_k; per interval: Σ B, Σ A·B; per site: the carriers' four sums */
  forwardOf: Float64Array;
  backwardOf: Float64Array;
  sumB: Float64Array;
  sumAB: Float64Array;
  carriers: Float64Array;
}

/** Full and leave-one-out posterior dosages at the window's own typed rows. */
export function typedDosages(model: CopyingModel, work: Workspace, window: Window, haplotype: number, result: Imputation): void {
  const { states } = model;
  for (let row = window.first; row < window.end; row++) {
    const site = row - window.from;
    const stay = site > 0 ? 1 - model.switches[site] : 0;
    const jump = site > 0 ? model.switches[site] / states : 1 / states;
    let full = 0;
    let fullAlt = 0;
    let left = 0;
    let leftAlt = 0;
    for (let state = 0; state < states; state++) {
      const index = site * states + state;
      const carries = model.alleles[index];
      const posterior = work.alpha[index] * work.beta[index];
      const predicted = (site > 0 ? stay * work.alpha[index - states] : 0) + jump;
      const leaveOut = predicted * work.beta[index];
      full += posterior;
      left += leaveOut;
      if (carries) {
        fullAlt += posterior;
        leftAlt += leaveOut;
      }
    }
    const panelSite = result.target.typed[row];
    result.dosages[panelSite * result.haplotypes + haplotype] = full > 0 ? fullAlt / full : 0;
    result.leaveOneOut[row * result.haplotypes + haplotype] = left > 0 ? leftAlt / left : 0;
  }
}

export interface Untyped {
  /** for each panel site of the window (offset from siteFrom): the typed row r after it (r − 1 before), or -1 if typed */
  interval: Int32Array;
  /** ρ from the typed site before, and to the typed site after (0 at the chromosome's ends) */
  switchIn: Float64Array;
  switchOut: Float64Array;
  /** the typed rows r that occur */
  firstInterval: number;
  lastInterval: number;
}

export function untypedSites(context: Prepared, window: Window): Untyped {
  const { panel, target, options } = context;
  const { typed } = target;
  const length = window.siteTo - window.siteFrom;
  const interval = new Int32Array(length);
  const switchIn = new Float64Array(length);
  const switchOut = new Float64Array(length);
  let next = window.first;
  while (next < typed.length && typed[next] < window.siteFrom) next++;
  const firstInterval = next;
  for (let offset = 0; offset < length; offset++) {
    const site = window.siteFrom + offset;
    if (next < typed.length && typed[next] === site) {
      interval[offset] = -1;
      next += 1;
      continue;
    }
    interval[offset] = next;
    const cm = panel.centimorgans[site];
    const rho = (morgans: number) => switchProbability(morgans, options.effectiveSize, panel.haplotypes);
    switchIn[offset] = next > 0 ? rho((cm - panel.centimorgans[typed[next - 1]]) / 100) : 0;
    switchOut[offset] = next < typed.length ? rho((panel.centimorgans[typed[next]] - cm) / 100) : 0;
  }
  return { interval, switchIn, switchOut, firstInterval, lastInterval: next };
}

/** Dosages at the window's untyped panel sites from the posterior between their typed neighbours. */
/** Dosages at the window's untyped panel sites from the posterior between their typed neighbours. */
export function untypedDosages(model: CopyingModel, work: Workspace, window: Window, haplotype: number, result: Imputation, context: Prepared): void {
  intervalVectors(model, work, window, result.target.typed.length);
  const { byHaplotype, altIsMajor } = context.panel.carriers();
  carrierSums(model.states, work, window, byHaplotype);
  const { states } = model;
  const { untyped, sumB, sumAB, carriers } = work;
  for (let offset = 0; offset < window.siteTo - window.siteFrom; offset++) {
    const r = untyped.interval[offset];
    if (r < 0) continue;
    const slot = r - untyped.firstInterval;
    const stayIn = 1 - untyped.switchIn[offset];
    const stayOut = 1 - untyped.switchOut[offset];
    const jumpIn = untyped.switchIn[offset] / states; // × Σ_k A_k = 1
    const jumpOut = (untyped.switchOut[offset] * sumB[slot]) / states;
    const at = 4 * offset;
    const numerator = stayIn * stayOut * carriers[at] + stayIn * jumpOut * carriers[at + 1] + jumpIn * stayOut * carriers[at + 2] + jumpIn * jumpOut * carriers[at + 3];
    const denominator = stayIn * stayOut * sumAB[slot] + stayIn * jumpOut + jumpIn * stayOut * sumB[slot] + jumpIn * jumpOut * states;
    const minor = denominator > 0 ? numerator / denominator : 0;
    const site = window.siteFrom + offset;
    result.dosages[site * result.haplotypes + haplotype] = altIsMajor[site] ? 1 - minor : minor;
  }
}

/** per interval r: A_k = α_{r−1}(k) (uniform before the first typed site), B_k = e_r(k)·β_r(k) (1 after the last), ΣB, ΣA·B */
function intervalVectors(model: CopyingModel, work: Workspace, window: Window, typedCount: number): void {
  const { states } = model;
  const { untyped, forwardOf, backwardOf, sumB, sumAB } = work;
  sumB.fill(0);
  sumAB.fill(0);
  for (let r = untyped.firstInterval; r <= untyped.lastInterval; r++) {
    const slot = (r - untyped.firstInterval) * states;
    const site = r - window.from;
    const observed = r < typedCount ? model.observed[site] : -1;
    for (let state = 0; state < states; state++) {
      const a = r > 0 ? work.alpha[(site - 1) * states + state] : 1 / states;
      // e_r(k), inlined: this loop runs for every interval of every haplotype
      const match = observed < 0 ? 1 : model.alleles[site * states + state] === observed ? 1 - model.mismatch : model.mismatch;
      const b = r < typedCount ? match * work.beta[site * states + state] : 1;
      forwardOf[slot + state] = a;
      backwardOf[slot + state] = b;
      sumB[r - untyped.firstInterval] += b;
      sumAB[r - untyped.firstInterval] += a * b;
    }
  }
}

/** Σ A·B, Σ A, Σ B and the count over the templates carrying each site's minor allele, walking their bits */
function carrierSums(states: number, work: Workspace, window: Window, byHaplotype: BitMatrix): void {
  const { untyped, forwardOf, backwardOf, carriers } = work;
  const { bits, words } = byHaplotype;
  const { siteFrom, siteTo } = window;
  const firstWord = siteFrom >>> 5;
  const lastWord = (siteTo - 1) >>> 5;
  carriers.fill(0);
  for (let state = 0; state < states; state++) {
    const base = work.chosen[state] * words;
    for (let word = firstWord; word <= lastWord; word++) {
      let value = bits[base + word];
      if (word === firstWord) value &= ~0 << (siteFrom & 31);
      if (word === lastWord && (siteTo & 31) !== 0) value &= (1 << (siteTo & 31)) - 1;
      while (value !== 0) {
        const lowest = value & -value;
        value ^= lowest;
        const offset = (word << 5) + 31 - Math.clz32(lowest) - siteFrom;
        const r = untyped.interval[offset];
        if (r < 0) continue;
        const slot = (r - untyped.firstInterval) * states + state;
        const a = forwardOf[slot];
        const b = backwardOf[slot];
        carriers[4 * offset] += a * b;
        carriers[4 * offset + 1] += a;
        carriers[4 * offset + 2] += b;
        carriers[4 * offset + 3] += 1;
      }
    }
  }
}
