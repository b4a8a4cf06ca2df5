/**
 * The "Phasing and Imputation" step for real: every uploaded file (one chromosome each) imputed against the
 * world's panel with Minimac4's outputs, as imputationserver2 runs `minimac4 --all-typed-sites --sites …
 * --empirical-output … [--min-r2 f]`. The meta checkbox decides whether the empirical file is kept, the
 * r2Filter field is Minimac's --min-r2, and the panel's build names the output chromosome.
 */
import { join } from 'node:path';
import { imputeMichigan } from '../imputation/run.js';
import type { PanelName } from '../world/panel.js';
import type { World } from '../world/world.js';
import { findPanel } from './panels.js';
import type { EmulatorJob, EmulatorPanel, ImputedChromosome } from './types.js';

export interface ImputationSettings {
  world: World;
  worldPanel: PanelName;
  panels: EmulatorPanel[];
  appVersion: string;
}

export async function imputeJob(job: EmulatorJob, settings: ImputationSettings): Promise<ImputedChromosome[]> {
  const panel = findPanel(settings.panels, job.params.refpanel ?? '') ?? settings.panels[0];
  const imputed: ImputedChromosome[] = [];
  for (const [index, file] of job.files.entries()) {
    const dir = join(job.dir, 'imputed', String(index));
    imputed.push(await imputeMichigan({
      world: settings.world, panel: settings.worldPanel, input: file.path, dir, build: panel.build,
      // checkboxes count by presence, whatever their value (protocols/michigan.md)
      meta: 'meta' in job.params,
      r2Filter: Number(job.params.r2Filter ?? '0') || 0,
      pipeline: { version: settings.appVersion, phasing: job.params.phasing ?? 'eagle', panel: panel.id.split('@')[1] ?? panel.id },
    }));
  }
  return imputed;
}
