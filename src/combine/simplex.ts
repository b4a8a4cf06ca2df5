/**
 * Least squares on the probability simplex, for the meta-imputation model's starting weights
 * (Yu et al. 2022: "starting weights are fitted per haplotype by least squares on the first typed sites"):
 *
 *     minimise  Σ_m ( Σ_j w_j d_jm − g_m )²   subject to  w_j ≥ 0,  Σ_j w_j = 1
 *
 * With the Gram matrix G = Σ_m d_m d_mᵀ and b = Σ_m g_m d_m this is  wᵀ G w − 2 bᵀ w  over the simplex,
 * a small convex problem (K = number of panels) solved by projected gradient descent.
 */

/** Euclidean projection of v onto the simplex {w ≥ 0, Σ w = 1} (Duchi et al. 2008), in place */
export function projectToSimplex(vector: Float64Array): void {
  const sorted = Array.from(vector).sort((left, right) => right - left);
  let cumulative = 0;
  let theta = 0;
  for (let index = 0; index < sorted.length; index++) {
    cumulative += sorted[index];
    const candidate = (cumulative - 1) / (index + 1);
    if (sorted[index] - candidate > 0) theta = candidate;
  }
  for (let index = 0; index < vector.length; index++) vector[index] = Math.max(0, vector[index] - theta);
}

/**
 * argmin over the simplex of wᵀGw − 2bᵀw. `gram` is K×K row-major, `linear` is b. Starts from equal weights;
 * the step 1/(2·trace G) is below 1/Lipschitz, so every step decreases the objective.
 */
export function simplexLeastSquares(gram: Float64Array, linear: Float64Array, iterations = 200): Float64Array {
  const panels = linear.length;
  const weights = new Float64Array(panels).fill(1 / panels);
  let trace = 0;
  for (let j = 0; j < panels; j++) trace += gram[j * panels + j];
  if (!(trace > 0)) return weights;
  const step = 1 / (2 * trace);
  const gradient = new Float64Array(panels);
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (let j = 0; j < panels; j++) {
      let sum = 0;
      for (let k = 0; k < panels; k++) sum += gram[j * panels + k] * weights[k];
      gradient[j] = 2 * (sum - linear[j]);
    }
    for (let j = 0; j < panels; j++) weights[j] -= step * gradient[j];
    projectToSimplex(weights);
  }
  return weights;
}
