/**
 * Forward–backward over a stream of typed sites in bounded memory. Forward messages are exact (α is carried
 * from window to window); backward messages for a window start from β = 1 at `lookahead` typed sites past its
 * end. β forgets its start geometrically (every step mixes in the switch probability and fresh evidence), so a
 * few hundred sites of lookahead give the full-chromosome posterior to within float precision on real data
 * (tested against the unwindowed recursion). Memory: (window + lookahead) × panels × haplotypes.
 */
import { backwardStep, emissions, forwardStep, posterior, startProbabilities, switchProbability, type MetaParameters, type TypedSite } from './hmm.js';

export interface WeightSite {
  pos: number;
  /** posterior panel weights, haplotype-major: w[h·K + j] */
  weights: Float32Array;
}

export interface WindowSizes {
  window: number;
  lookahead: number;
}

export const DEFAULT_WINDOW: WindowSizes = { window: 256, lookahead: 256 };

export class ForwardBackwardWindow {
  private readonly sites: TypedSite[] = [];
  /** α at the last site handed out (normalised), null before the first window */
  private alpha: Float64Array | null = null;
  private lastPos = 0;

  constructor(
    private readonly panels: number,
    private readonly haplotypes: number,
    private readonly parameters: MetaParameters,
    private readonly sizes: WindowSizes = DEFAULT_WINDOW,
  ) {}

  push(site: TypedSite): void {
    this.sites.push(site);
  }

  /** enough sites buffered to hand out a window */
  get full(): boolean {
    const enough = this.sites.length >= this.sizes.window + this.sizes.lookahead;
    return enough && (this.alpha !== null || this.sites.length >= this.parameters.startSites);
  }

  get buffered(): number {
    return this.sites.length;
  }

  /** posterior weights of the oldest `window` sites (all of them when `final`), which leave the buffer */
  flush(final: boolean): WeightSite[] {
    const count = final ? this.sites.length : Math.min(this.sizes.window, this.sites.length);
    if (count === 0) return [];
    const { panels, haplotypes, parameters } = this;
    const stride = panels * haplotypes;
    const emission = new Float64Array(stride);
    const forward = new Float32Array(count * stride);
    let alpha = this.alpha;
    let previous = this.lastPos;
    for (let m = 0; m < count; m++) {
      const site = this.sites[m];
      emissions(site, panels, parameters.backgroundError, emission);
      if (alpha === null) {
        alpha = startProbabilities(this.sites.slice(0, parameters.startSites), panels, parameters.backgroundError);
        forwardStep(alpha, emission, 0, panels);
      } else forwardStep(alpha, emission, switchProbability(previous, site.pos, parameters.switchRate), panels);
      forward.set(alpha, m * stride);
      previous = site.pos;
    }
    const beta = new Float64Array(stride).fill(1);
    const out: WeightSite[] = new Array(count);
    for (let m = this.sites.length - 1; m >= 0; m--) {
      if (m < count) {
        const weights = new Float32Array(stride);
        posterior(forward.subarray(m * stride, (m + 1) * stride), beta, panels, weights);
        out[m] = { pos: this.sites[m].pos, weights };
      }
      if (m === 0) break;
      const next = this.sites[m];
      emissions(next, panels, parameters.backgroundError, emission);
      backwardStep(beta, emission, switchProbability(this.sites[m - 1].pos, next.pos, parameters.switchRate), panels);
    }
    this.alpha = alpha;
    this.lastPos = previous;
    this.sites.splice(0, count);
    return out;
  }
}
