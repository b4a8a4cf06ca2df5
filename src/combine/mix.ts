/**
 * Turning one aligned variant into combined haplotype dosages, by either method.
 *
 * meta:    HDS(h) = Σ_j w_j(h) · HDS_j(h) over the panels j that imputed this chromosome. A panel without the
 *          variant (with no R² filter: the variant is not polymorphic among its haplotypes) stands for one
 *          allele carried by all its haplotypes:
 *            'fixed'       the allele most haplotypes carry among those the other panels describe: with
 *                          p̂ = Σ_h Σ_present w·HDS / Σ_h Σ_present w, HDS_j = 1 when p̂ ≥ ½, else 0. A panel's
 *                          site list drops sites fixed for ALT as well as for REF (a population that drifted
 *                          to the derived allele, a reference genome carrying a rare one), and a fixed allele
 *                          is mostly the allele that is common elsewhere.
 *            'zero'        always the reference allele: HDS_j = 0.
 *            'renormalize' nothing is known (an R² filter may have dropped it): the weights of the panels
 *                          that carry the variant are rescaled to sum 1.
 * best-r2: the dosages of the panel with the highest estimated R² (R2, DR2 or INFO) among those carrying it.
 */
import type { SourceRecord } from './align.js';

export type AbsentRule = 'fixed' | 'zero' | 'renormalize';

/**
 * @param records     by source index (undefined: the source lacks the variant)
 * @param weights     haplotype-major w[h·P + p] over the `panels` list (P = panels.length)
 * @param panels      source indexes taking part on this chromosome
 */
export function metaDosages(
  records: (SourceRecord | undefined)[],
  weights: Float32Array,
  panels: readonly number[],
  absent: AbsentRule,
  out: Float32Array,
): void {
  const count = panels.length;
  const present: Float32Array[] = [];
  const slots: number[] = [];
  for (let p = 0; p < count; p++) {
    const record = records[panels[p]];
    if (record) {
      present.push(record.hds);
      slots.push(p);
    }
  }
  const complete = present.length === count;
  // first Σ w·HDS and Σ w per haplotype (out holds the sums, masses kept for the second pass)
  let total = 0;
  let totalMass = 0;
  const mass = complete ? null : new Float32Array(out.length);
  for (let h = 0; h < out.length; h++) {
    const base = h * count;
    let sum = 0;
    let weightHere = 0;
    for (let index = 0; index < present.length; index++) {
      const weight = weights[base + slots[index]];
      sum += weight * present[index][h];
      weightHere += weight;
    }
    out[h] = sum;
    if (mass) mass[h] = weightHere;
    total += sum;
    totalMass += weightHere;
  }
  if (!mass || absent === 'zero') return;
  const fixedAllele = totalMass > 0 && total / totalMass >= 0.5 ? 1 : 0;
  for (let h = 0; h < out.length; h++) {
    if (absent === 'fixed') out[h] += (1 - mass[h]) * fixedAllele;
    else out[h] = mass[h] > 0 ? out[h] / mass[h] : averageAt(present, h);
  }
}

function averageAt(present: Float32Array[], h: number): number {
  let sum = 0;
  for (const hds of present) sum += hds[h];
  return sum / present.length;
}

/** index of the record with the highest estimated R² (a missing R² counts as lowest; ties go to the first) */
export function bestR2(records: (SourceRecord | undefined)[]): number {
  let best = -1;
  let bestR2 = -Infinity;
  for (let source = 0; source < records.length; source++) {
    const record = records[source];
    if (!record) continue;
    const r2 = Number.isNaN(record.site.r2) ? -1 : record.site.r2;
    if (r2 > bestR2) {
      best = source;
      bestR2 = r2;
    }
  }
  return best;
}

/**
 * Weights at `pos` between two typed sites, linear in base pairs (the paper interpolates the typed sites'
 * weights to the variants between them); before the first or after the last typed site, the nearest one's.
 */
export function interpolate(
  left: { pos: number; weights: Float32Array } | null,
  right: { pos: number; weights: Float32Array } | null,
  pos: number,
  out: Float32Array,
): void {
  if (!left || !right || right.pos <= left.pos) {
    const only = (left ?? right)!;
    out.set(only.weights);
    return;
  }
  const t = Math.min(1, Math.max(0, (pos - left.pos) / (right.pos - left.pos)));
  const a = left.weights;
  const b = right.weights;
  for (let index = 0; index < out.length; index++) out[index] = a[index] + t * (b[index] - a[index]);
}
