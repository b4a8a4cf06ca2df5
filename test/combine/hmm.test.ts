import { describe, expect, it } from 'vitest';
import { backwardStep, emissions, forwardStep, posterior, startProbabilities, switchProbability, type MetaParameters, type TypedSite } from '../../src/combine/hmm.js';
import { projectToSimplex, simplexLeastSquares } from '../../src/combine/simplex.js';
import { ForwardBackwardWindow } from '../../src/combine/window.js';
import { seededRandom } from '../../src/domain/random.js';

const site = (pos: number, alleles: number[], loo: number[]): TypedSite => ({ pos, alleles: Uint8Array.from(alleles), loo: Float32Array.from(loo) });

describe('emissions', () => {
  it('is the leave-one-out dosage of the observed allele plus ε, and 1 for a missing allele', () => {
    // one panel, three haplotypes observed 1, 0, missing; d = 0.8, 0.25, 0.5
    const out = new Float64Array(3);
    emissions(site(1, [1, 0, 255], [0.8, 0.25, 0.5]), 1, 1e-5, out);
    expect(out[0]).toBeCloseTo(0.80001, 6);
    expect(out[1]).toBeCloseTo(0.75001, 6);
    expect(out[2]).toBe(1);
  });
});

describe('one step of each recursion, by hand', () => {
  it('forward: α ← normalise([(1 − ρ)α + ρ/K] ⊙ e)', () => {
    // α = (0.5, 0.5), ρ = 0.1, e = (0.9, 0.1): ((0.45 + 0.05)·0.9, (0.45 + 0.05)·0.1) = (0.45, 0.05) → (0.9, 0.1)
    const alpha = Float64Array.of(0.5, 0.5);
    forwardStep(alpha, Float64Array.of(0.9, 0.1), 0.1, 2);
    expect(alpha[0]).toBeCloseTo(0.9, 12);
    expect(alpha[1]).toBeCloseTo(0.1, 12);
  });

  it('backward: β_j = (1 − ρ) e_j β_j + (ρ/K) Σ e_k β_k, normalised', () => {
    // β = (1, 1), e = (0.9, 0.1), ρ = 0.1: Σ e β = 1; (0.81 + 0.05, 0.09 + 0.05) = (0.86, 0.14)
    const beta = Float64Array.of(1, 1);
    backwardStep(beta, Float64Array.of(0.9, 0.1), 0.1, 2);
    expect(beta[0]).toBeCloseTo(0.86, 12);
    expect(beta[1]).toBeCloseTo(0.14, 12);
  });

  it('switch probability grows with distance: 1 − exp(−r·Δ)', () => {
    expect(switchProbability(0, 1_000_000, 2e-6)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(switchProbability(500, 500, 2e-6)).toBe(0);
  });
});

describe('least squares on the simplex', () => {
  it('projects onto the simplex', () => {
    const check = (input: number[], expected: number[]) => {
      const vector = Float64Array.from(input);
      projectToSimplex(vector);
      expected.forEach((value, index) => expect(vector[index]).toBeCloseTo(value, 12));
    };
    check([0.5, 0.5], [0.5, 0.5]);
    check([2, 0], [1, 0]);
    check([0.7, 0.7], [0.5, 0.5]);
    check([0.2, -1, 0.2], [0.5, 0, 0.5]);
  });

  it('finds the weights that reproduce the observations', () => {
    // G = I, b = (0.8, 0.2): minimum of |w|² − 2 b·w on the simplex is w = b
    const weights = simplexLeastSquares(Float64Array.of(1, 0, 0, 1), Float64Array.of(0.8, 0.2));
    expect(weights[0]).toBeCloseTo(0.8, 6);
    expect(weights[1]).toBeCloseTo(0.2, 6);
  });

  it('starts a haplotype on the panel that predicted its first typed sites', () => {
    // panel 0 predicts the observed allele, panel 1 the other one, on every site
    const sites = Array.from({ length: 20 }, (_, index) => site(index, [index % 2], [index % 2 ? 0.9 : 0.1, index % 2 ? 0.1 : 0.9]));
    const start = startProbabilities(sites, 2, 1e-5);
    expect(start[0]).toBeGreaterThan(0.9999);
    expect(start[1]).toBeLessThan(1e-4);
  });
});

const parameters: MetaParameters = { backgroundError: 1e-5, switchRate: 1e-5, startSites: 8 };

/** P(S_m = j | g) by summing over all K^M paths: the definition the recursions must reproduce */
function bruteForce(sites: TypedSite[], panels: number, start: Float64Array, rate: number): number[][] {
  const count = sites.length;
  const marginal = Array.from({ length: count }, () => new Array(panels).fill(0));
  const emission = sites.map((typed) => {
    const out = new Float64Array(panels);
    emissions(typed, panels, parameters.backgroundError, out);
    return out;
  });
  let total = 0;
  for (let code = 0; code < panels ** count; code++) {
    const path = Array.from({ length: count }, (_, m) => Math.floor(code / panels ** m) % panels);
    let probability = start[path[0]] * emission[0][path[0]];
    for (let m = 1; m < count; m++) {
      const rho = switchProbability(sites[m - 1].pos, sites[m].pos, rate);
      probability *= ((path[m] === path[m - 1] ? 1 - rho : 0) + rho / panels) * emission[m][path[m]];
    }
    total += probability;
    path.forEach((state, m) => (marginal[m][state] += probability));
  }
  return marginal.map((row) => row.map((value) => value / total));
}

describe('forward–backward', () => {
  it('gives the posterior that enumerating every path gives', () => {
    // one haplotype, three panels, five typed sites far enough apart to switch
    const sites = [
      site(1000, [1], [0.9, 0.2, 0.5]),
      site(200_000, [0], [0.1, 0.7, 0.4]),
      site(400_000, [1], [0.3, 0.95, 0.6]),
      site(600_000, [1], [0.2, 0.9, 0.7]),
      site(900_000, [0], [0.6, 0.05, 0.5]),
    ];
    const window = new ForwardBackwardWindow(3, 1, parameters, { window: 2, lookahead: 100 });
    sites.forEach((typed) => window.push(typed));
    const weights = window.flush(true);
    const expected = bruteForce(sites, 3, startProbabilities(sites, 3, parameters.backgroundError), parameters.switchRate);
    weights.forEach((entry, m) => expected[m].forEach((value, j) => expect(entry.weights[j]).toBeCloseTo(value, 6)));
  });

  it('in windows with a lookahead, matches one pass over the whole chromosome', () => {
    const random = seededRandom(11);
    const haplotypes = 6;
    const sites = Array.from({ length: 1200 }, (_, m) => {
      const alleles = Array.from({ length: haplotypes }, () => (random() < 0.4 ? 1 : 0));
      // panel 0 is right in the first half, panel 1 in the second: the posterior must move across
      const good = (h: number) => (m < 600 ? 0 : 1) === h % 2;
      const loo = [0, 1].flatMap((panel) => alleles.map((allele, h) => (good(h + panel) ? Math.abs(allele - 0.1) : 0.5 + 0.3 * (random() - 0.5))));
      return site(10_000 * (m + 1), alleles, loo);
    });
    const run = (window: number, lookahead: number) => {
      const fb = new ForwardBackwardWindow(2, haplotypes, { ...parameters, switchRate: 2e-6, startSites: 100 }, { window, lookahead });
      const out: Float32Array[] = [];
      for (const typed of sites) {
        fb.push(typed);
        if (fb.full) out.push(...fb.flush(false).map((entry) => entry.weights));
      }
      out.push(...fb.flush(true).map((entry) => entry.weights));
      return out;
    };
    const whole = run(100_000, 0);
    const windowed = run(64, 128);
    expect(windowed).toHaveLength(whole.length);
    let worst = 0;
    whole.forEach((weights, m) => weights.forEach((value, index) => (worst = Math.max(worst, Math.abs(value - windowed[m][index])))));
    expect(worst).toBeLessThan(1e-3);
    // and the weights did follow the better panel
    expect(whole[300][0]).toBeGreaterThan(0.9);
    expect(whole[900][1]).toBeGreaterThan(0.9);
  });

  it('stays finite over many sites (rescaled every step)', () => {
    const sites = Array.from({ length: 5000 }, (_, m) => site(m * 100, [m % 2], [0.001, 0.999]));
    const window = new ForwardBackwardWindow(2, 1, parameters, { window: 5000, lookahead: 0 });
    sites.forEach((typed) => window.push(typed));
    const weights = window.flush(true);
    expect(weights.every((entry) => Number.isFinite(entry.weights[0]) && Math.abs(entry.weights[0] + entry.weights[1] - 1) < 1e-6)).toBe(true);
  });
});

it('posterior normalises α ⊙ β', () => {
  const out = new Float32Array(2);
  posterior(Float64Array.of(0.9, 0.1), Float64Array.of(0.5, 0.5), 2, out);
  expect(out[0]).toBeCloseTo(0.9, 6);
});
