/** The simulator's seeded random numbers: uniform (mulberry32), exponential, Poisson, integers. */
import { seededRandom } from '../../domain/random.js';

export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** Exp(1) */
  exponential(): number;
  /** uniform integer in [0, below) */
  below(below: number): number;
  /** Poisson(mean) by inversion; the simulator's means are small */
  poisson(mean: number): number;
}

export function createRandom(seed: number): Random {
  const uniform = seededRandom(seed);
  return {
    next: uniform,
    exponential: () => -Math.log(1 - uniform()),
    below: (below) => Math.floor(uniform() * below),
    poisson(mean) {
      // inversion needs e^-mean to stay representable: split large means (a sum of Poissons is Poisson)
      if (mean > 30) return this.poisson(mean / 2) + this.poisson(mean / 2);
      let count = 0;
      let term = Math.exp(-mean);
      let cumulative = term;
      const draw = uniform();
      while (draw > cumulative && term > 0) {
        count += 1;
        term *= mean / count;
        cumulative += term;
      }
      return count;
    },
  };
}
