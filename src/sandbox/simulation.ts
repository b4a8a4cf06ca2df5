/**
 * The simulated world for benchmarks and experiments (bench/combine): one call simulates a study with two
 * reference panels from populations that split long ago and an admixed target, imputes it against each
 * panel (and the pooled one) the way the Michigan servers do, and keeps the truth to score against.
 *
 *   const run = await simulateStudy({ dir, spec: { ...DEFAULT_WORLD, seed: 3 } });
 *   run.imputed.A.dose, run.imputed.A.empirical, run.imputed.B…, run.imputed.pooled…
 *   const truth = await loadTruth(run.truth, run.study);
 *   const bins = await score(truth, run.imputed.pooled.dose);   // mean r² by MAF bin
 *
 * Lower-level pieces are re-exported: worlds (simulateWorld/loadWorld), panels (panelOf), the study
 * files, the imputation entry points and the accuracy module.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { imputeMichigan } from './imputation/run.js';
import type { MinimacFiles } from './imputation/minimac-output.js';
import { loadWorld, worldFor } from './world/cache.js';
import { PANEL_NAMES, type PanelName } from './world/panel.js';
import { DEFAULT_WORLD, type WorldSpec } from './world/spec.js';
import { writeStudyVcf, writeTruthVcf } from './world/study-files.js';
import type { World } from './world/world.js';

export { accuracy, loadTruth, MAF_BINS, score, type BinAccuracy, type Truth } from './accuracy.js';
export { imputeInput, imputeMichigan, imputeWes } from './imputation/run.js';
export type { MinimacFiles } from './imputation/minimac-output.js';
export { loadWorld, worldFor } from './world/cache.js';
export { panelOf, PANEL_NAMES, type Panel, type PanelName } from './world/panel.js';
export { DEFAULT_WORLD, TINY_WORLD, type WorldSpec } from './world/spec.js';
export { studySampleIds, writeStudyVcf, writeTruthVcf } from './world/study-files.js';
export { simulateWorld, type World } from './world/world.js';

export interface StudyRun {
  world: World;
  /** the study at its chip's sites (what is submitted) and its true genotypes at every site */
  study: string;
  truth: string;
  /** Minimac4-style results per panel (dose, info and, with meta, empiricalDose) */
  imputed: Record<PanelName, MinimacFiles>;
}

export interface StudyOptions {
  /** where the files go (a folder per panel inside) */
  dir: string;
  /** default DEFAULT_WORLD */
  spec?: WorldSpec;
  /** cache the world here (else it is simulated, once per process) */
  cacheDir?: string;
  /** default all three */
  panels?: readonly PanelName[];
  /** write leave-one-out dosages (empiricalDose), default true */
  meta?: boolean;
}

export async function simulateStudy(options: StudyOptions): Promise<StudyRun> {
  const spec = options.spec ?? DEFAULT_WORLD;
  const world = options.cacheDir ? await loadWorld(spec, options.cacheDir) : worldFor(spec);
  const study = join(options.dir, 'study.vcf.gz');
  const truth = join(options.dir, 'truth.vcf.gz');
  await mkdir(options.dir, { recursive: true });
  await writeStudyVcf(world, study);
  await writeTruthVcf(world, truth);
  const imputed = {} as Record<PanelName, MinimacFiles>;
  for (const panel of options.panels ?? PANEL_NAMES) {
    const { files } = await imputeMichigan({
      world, panel, input: study, dir: join(options.dir, panel), build: 'hg38', meta: options.meta ?? true,
      pipeline: { version: 'sandbox', phasing: 'no_phasing', panel: `simulated-${panel}` },
    });
    imputed[panel] = files;
  }
  return { world, study, truth, imputed };
}
