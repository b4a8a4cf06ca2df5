/**
 * One input file imputed against one panel of a world, written as a server would: the entry points of the
 * emulators (Michigan: Minimac4 files; WES: Beagle files) and of benchmarks.
 *
 * The world simulates one chromosome (chr20). An input on another chromosome is imputed against no
 * sites: the Michigan files then hold the input's own sites as TYPED-only lines, the WES file no records.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { panelOf, withoutSites, type Panel, type PanelName } from '../world/panel.js';
import type { World } from '../world/world.js';
import { writeBeagle } from './beagle-output.js';
import { impute, type Imputation } from './engine.js';
import type { PipelineInfo } from './headers.js';
import { writeMinimac, type MinimacFiles } from './minimac-output.js';
import { bareChromosome } from '../../vcf/build.js';
import { readTarget } from './target.js';

export interface ImputeFileRequest {
  world: World;
  panel: PanelName;
  /** the submitted VCF (BGZF, gzip or text) */
  input: string;
  /** where the output files go */
  dir: string;
  /** 0 = off */
  r2Filter?: number;
  now?: Date;
}

/** Reads the input and imputes it against the panel (on the input's chromosome). */
export async function imputeInput(world: World, name: PanelName, input: string): Promise<Imputation> {
  const panel = panelOf(world, name);
  const target = await readTarget(input, panel);
  const used: Panel = bareChromosome(target.chromosome) === bareChromosome(panel.chromosome) ? panel : withoutSites(panel);
  return await impute(used, target);
}

export interface MichiganImputeRequest extends ImputeFileRequest {
  /** the panel's build names the output chromosome (hg38: chr20, hg19: 20) */
  build: 'hg19' | 'hg38';
  meta: boolean;
  pipeline: PipelineInfo;
}

/** chrN.dose.vcf.gz, chrN.info.gz and (meta) chrN.empiricalDose.vcf.gz in `dir` */
export async function imputeMichigan(request: MichiganImputeRequest): Promise<{ chromosome: string; files: MinimacFiles }> {
  const imputation = await imputeInput(request.world, request.panel, request.input);
  await mkdir(request.dir, { recursive: true });
  const bare = bareChromosome(imputation.target.chromosome);
  const prefix = join(request.dir, `chr${bare}`);
  const files: MinimacFiles = { dose: `${prefix}.dose.vcf.gz`, info: `${prefix}.info.gz`, ...(request.meta ? { empirical: `${prefix}.empiricalDose.vcf.gz` } : {}) };
  await writeMinimac({
    imputation, files, input: request.input, chromosome: request.build === 'hg38' ? `chr${bare}` : bare,
    r2Filter: request.r2Filter ?? 0, pipeline: request.pipeline, now: request.now ?? new Date(),
  });
  return { chromosome: bare, files };
}

export interface WesImputeRequest extends ImputeFileRequest {
  /** output files are <name>.dose.vcf.gz and <name>.info.gz */
  name: string;
  genotypeProbabilities?: boolean;
}

export async function imputeWes(request: WesImputeRequest): Promise<{ dose: string; info: string }> {
  const imputation = await imputeInput(request.world, request.panel, request.input);
  await mkdir(request.dir, { recursive: true });
  const files = { dose: join(request.dir, `${request.name}.dose.vcf.gz`), info: join(request.dir, `${request.name}.info.gz`) };
  await writeBeagle({
    imputation, files, chromosome: imputation.target.chromosome, r2Filter: request.r2Filter ?? 0,
    genotypeProbabilities: request.genotypeProbabilities ?? false, now: request.now ?? new Date(),
  });
  return files;
}
