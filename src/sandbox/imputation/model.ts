/** The shapes the imputation engine (engine.ts) and its posteriors (posteriors.ts) share. */
import type { BitMatrix } from '../world/bits.js';
import type { Panel } from '../world/panel.js';
import type { Target } from './target.js';

export interface EngineOptions {
  /** K: templates per target haplotype and window */
  templates: number;
  /** ε; Minimac's --match-error default */
  mismatch: number;
  /** Ne in ρ = 1 − exp(−4·Ne·d/H) */
  effectiveSize: number;
  /** typed sites per window, and typed sites on each side also run through the HMM */
  windowSites: number;
  flankSites: number;
}

export interface Imputation {
  panel: Panel;
  haplotypes: number;
  /** haploid ALT dosage at every panel site: dosages[site · haplotypes + h] */
  dosages: Float32Array;
  /** each panel site's row among the typed sites, or -1 */
  typedRow: Int32Array;
  target: Target;
  /** leave-one-out dosages at the typed sites: leaveOneOut[row · haplotypes + h] */
  leaveOneOut: Float32Array;
}

export interface Window {
  /** typed rows run through the HMM: [from, to) */
  from: number;
  to: number;
  /** typed rows whose results this window gives: [first, end) */
  first: number;
  end: number;
  /** panel sites whose results this window gives: [siteFrom, siteTo) */
  siteFrom: number;
  siteTo: number;
}

export interface Prepared {
  panel: Panel;
  target: Target;
  options: EngineOptions;
  /** ρ_i into each typed row */
  switches: Float64Array;
  /** panel haplotypes × typed rows, and target haplotypes × typed rows (alleles, missing) */
  panelTyped: BitMatrix;
  targetTyped: BitMatrix;
  targetMissing: BitMatrix;
}
