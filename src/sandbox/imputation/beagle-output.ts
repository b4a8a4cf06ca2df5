/**
 * WES results in Beagle 5.4's style: one VCF of the panel's sites only (input sites the panel lacks are
 * dropped, as Beagle drops them), GT:DS (and GP with gp=true). Typed sites keep the input's genotypes with
 * DR2=1.00 and their observed AF; imputed sites carry IMP, DR2 (2 decimals) and the estimated AF (4). An R²
 * filter, when the workflow is given one, drops imputed sites below it. The info file is the same sites
 * without genotypes (what `bcftools view -G` would give), for workflows that publish one.
 */
import { bitAt } from '../world/bits.js';
import type { Imputation } from './engine.js';
import { BgzfText, dose2 } from './format.js';
import { beagleHeader, sitesOnly } from './headers.js';
import { siteQuality } from './quality.js';

export interface BeagleRequest {
  imputation: Imputation;
  chromosome: string;
  /** 0 = off */
  r2Filter: number;
  genotypeProbabilities: boolean;
  now: Date;
  files: { dose: string; info: string };
}

export async function writeBeagle(request: BeagleRequest): Promise<void> {
  const { imputation, chromosome } = request;
  const { panel, haplotypes, dosages, target } = imputation;
  const header = beagleHeader(target.samples, request.genotypeProbabilities, request.now);
  const dose = await BgzfText.create(request.files.dose);
  const info = await BgzfText.create(request.files.info);
  dose.text(header);
  info.text(sitesOnly(header));
  const values = new Float32Array(haplotypes);
  for (let site = 0; site < panel.positions.length; site++) {
    const row = imputation.typedRow[site];
    let called = 0;
    for (let h = 0; h < haplotypes; h++) {
      const observed = row >= 0 && !bitAt(target.missing, row, h);
      values[h] = observed ? bitAt(target.alleles, row, h) : dosages[site * haplotypes + h];
      called += observed ? 1 : 0;
    }
    const quality = siteQuality(values, 0, haplotypes);
    const typed = row >= 0 && called > 0;
    if (!typed && request.r2Filter > 0 && quality.r2 < request.r2Filter) continue;
    const position = panel.positions[site];
    const ref = String.fromCharCode(panel.ref[site]);
    const alt = String.fromCharCode(panel.alt[site]);
    const infoText = `DR2=${(typed ? 1 : quality.r2).toFixed(2)};AF=${quality.alleleFrequency.toFixed(4)}${typed ? '' : ';IMP'}`;
    const fixed = `${chromosome}\t${position}\t${chromosome}:${position}:${ref}:${alt}\t${ref}\t${alt}\t.\tPASS\t${infoText}`;
    info.text(`${fixed}\n`);
    dose.text(`${fixed}\t${request.genotypeProbabilities ? 'GT:DS:GP' : 'GT:DS'}`);
    for (let h = 0; h < haplotypes; h += 2) writeSample(dose, values[h], values[h + 1], request.genotypeProbabilities);
    dose.byte(10);
    await Promise.all([dose.drain(), info.drain()]);
  }
  await Promise.all([dose.close(), info.close()]);
}

/** GT from each haplotype's dosage rounded, DS = h1 + h2, GP from the two haplotypes taken as independent */
function writeSample(out: BgzfText, one: number, two: number, probabilities: boolean): void {
  out.byte(9);
  out.byte(one > 0.5 ? 49 : 48);
  out.byte(124);
  out.byte(two > 0.5 ? 49 : 48);
  out.byte(58);
  out.bytes(dose2(one + two));
  if (!probabilities) return;
  out.byte(58);
  out.bytes(dose2((1 - one) * (1 - two)));
  out.byte(44);
  out.bytes(dose2(one * (1 - two) + two * (1 - one)));
  out.byte(44);
  out.bytes(dose2(one * two));
}
