/**
 * Imputation of every target haplotype at every panel site with the Li–Stephens model (li-stephens.ts),
 * made fast the usual ways:
 *  - the HMM runs over the typed sites only; an untyped site m between typed sites l and r gets its exact
 *    posterior from the two neighbours (what Minimac does between genotyped markers):
 *        P(X_m = k) ∝ [(1 − ρ_lm)·α_l(k) + ρ_lm/K·Σα_l] · [(1 − ρ_mr)·e_r(k)β_r(k) + ρ_mr/K·Σ e_r β_r]
 *    and its dosage Σ_k P(X_m = k)·[template k carries ALT at m] needs only the templates that carry the
 *    site's minor allele (1 − that sum where ALT is the major one), found by walking each template's
 *    minor-allele bits: rare variants cost almost nothing;
 *  - typed sites are cut into windows (with flanking typed sites for the HMM to settle), and each target
 *    haplotype copies from its K closest panel haplotypes in that window (templates.ts).
 * At typed sites the dosage is the full posterior (the observation included); the leave-one-out dosage
 * uses the forward probability before site i's emission, α⁻_i(k) = (1 − ρ_i)·α_{i−1}(k) + ρ_i/K, in place
 * of α_i(k): the site imputed as if it had not been typed (Minimac4's empirical dose, for meta-imputation).
 */
import { bitAt, rowCount, slice, transpose } from '../world/bits.js';
import type { Panel } from '../world/panel.js';
import { backward, forward, switchProbability, type CopyingModel } from './li-stephens.js';
import { typedDosages, untypedDosages, untypedSites, type Workspace } from './posteriors.js';
import type { EngineOptions, Imputation, Prepared, Window } from './model.js';
import type { Target } from './target.js';

export type { EngineOptions, Imputation, Prepared, Window };
import { chooseTemplates } from './templates.js';

export const ENGINE_DEFAULTS: EngineOptions = { templates: 64, mismatch: 0.01, effectiveSize: 10_000, windowSites: 60, flankSites: 20 };


/** Imputes window by window, letting the event loop run between windows (the emulators serve meanwhile). */
export async function impute(panel: Panel, target: Target, options: EngineOptions = ENGINE_DEFAULTS): Promise<Imputation> {
  const haplotypes = 2 * target.samples.length;
  const sites = panel.positions.length;
  const typedRow = new Int32Array(sites).fill(-1);
  target.typed.forEach((site, row) => (typedRow[site] = row));
  const result: Imputation = {
    panel, haplotypes, typedRow, target,
    dosages: new Float32Array(sites * haplotypes),
    leaveOneOut: new Float32Array(target.typed.length * haplotypes),
  };
  if (haplotypes === 0) return result;
  if (target.typed.length === 0) {
    // nothing observed: every haplotype gets the panel's allele frequency
    for (let site = 0; site < sites; site++) result.dosages.fill(rowCount(panel.alleles, site) / panel.haplotypes, site * haplotypes, (site + 1) * haplotypes);
    return result;
  }
  const context = prepare(panel, target, options);
  for (const window of windowsOf(target.typed, sites, options)) {
    imputeWindow(context, window, result);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return result;
}

function prepare(panel: Panel, target: Target, options: EngineOptions): Prepared {
  const { typed } = target;
  const switches = new Float64Array(typed.length);
  for (let row = 1; row < typed.length; row++) {
    const morgans = (panel.centimorgans[typed[row]] - panel.centimorgans[typed[row - 1]]) / 100;
    switches[row] = switchProbability(morgans, options.effectiveSize, panel.haplotypes);
  }
  return {
    panel, target, options, switches,
    panelTyped: transpose(slice(panel.alleles, typed, 0, panel.haplotypes)),
    targetTyped: transpose(target.alleles),
    targetMissing: transpose(target.missing),
  };
}

function windowsOf(typed: Int32Array, sites: number, options: EngineOptions): Window[] {
  const windows: Window[] = [];
  const count = typed.length;
  for (let first = 0; first < count; ) {
    let end = Math.min(count, first + options.windowSites);
    if (count - end < options.windowSites / 2) end = count; // no tiny last window
    windows.push({
      first, end,
      from: Math.max(0, first - options.flankSites),
      to: Math.min(count, end + options.flankSites),
      siteFrom: first === 0 ? 0 : typed[first],
      siteTo: end === count ? sites : typed[end],
    });
    first = end;
  }
  return windows;
}

const rows = (count: number) => Int32Array.from({ length: count }, (_, index) => index);

function imputeWindow(context: Prepared, window: Window, result: Imputation): void {
  const { panel, options } = context;
  const span = window.to - window.from;
  const windowPanel = slice(context.panelTyped, rows(panel.haplotypes), window.from, span);
  const windowTarget = slice(context.targetTyped, rows(result.haplotypes), window.from, span);
  const windowMissing = slice(context.targetMissing, rows(result.haplotypes), window.from, span);
  const states = Math.min(options.templates, panel.haplotypes);
  const model: CopyingModel = {
    states, sites: span, mismatch: options.mismatch, switches: context.switches.subarray(window.from, window.to),
    alleles: new Uint8Array(span * states), observed: new Int8Array(span),
  };
  const untyped = untypedSites(context, window);
  const intervals = untyped.lastInterval - untyped.firstInterval + 1;
  const work: Workspace = {
    chosen: new Int32Array(states), distances: new Int32Array(panel.haplotypes),
    alpha: new Float64Array(span * states), beta: new Float64Array(span * states), untyped,
    forwardOf: new Float64Array(intervals * states), backwardOf: new Float64Array(intervals * states),
    sumB: new Float64Array(intervals), sumAB: new Float64Array(intervals),
    carriers: new Float64Array(4 * (window.siteTo - window.siteFrom)),
  };
  for (let haplotype = 0; haplotype < result.haplotypes; haplotype++) {
    const words = windowTarget.words;
    const count = chooseTemplates({
      panel: windowPanel, count: states, start: (haplotype * 7919) % panel.haplotypes,
      target: windowTarget.bits.subarray(haplotype * words, (haplotype + 1) * words),
      missing: windowMissing.bits.subarray(haplotype * words, (haplotype + 1) * words),
    }, work.distances, work.chosen);
    model.states = count;
    for (let site = 0; site < span; site++) {
      model.observed[site] = bitAt(windowMissing, haplotype, site) ? -1 : bitAt(windowTarget, haplotype, site);
    }
    for (let state = 0; state < count; state++) {
      const base = work.chosen[state] * windowPanel.words;
      for (let site = 0; site < span; site++) model.alleles[site * count + state] = (windowPanel.bits[base + (site >>> 5)] >>> (site & 31)) & 1;
    }
    forward(model, work.alpha);
    backward(model, work.beta);
    typedDosages(model, work, window, haplotype, result);
    untypedDosages(model, work, window, haplotype, result, context);
  }
}
