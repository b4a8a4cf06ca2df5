/**
 * One input file imputed against one panel of a world, written as a server would: the entry points of the
 * emulators (Michigan: Minimac4 files; WES: Beagle files, or Minimac4's when the workflow runs it) and of
 * benchmarks.
 *
 * The world simulates one chromosome (chr20). An input on another chromosome is imputed against no
 * sites: the Michigan files then hold the input's own sites as TYPED-only lines, the WES file no records.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { panelOf, withoutSites, type Panel, type PanelName } from '../world/panel.js';
import { worldKey } from '../world/spec.js';
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

/**
 * Identical imputations share their work: the engine is deterministic, so the same input against the same
 * panel of the same world gives the same dosages (the writers only read them). The last few are kept — the
 * demo and the tests submit one study again and again — so a sandbox's memory stays bounded; only inputs
 * small enough to hash at no cost are shared.
 */
const SHARED_IMPUTATIONS = 4;
const SHAREABLE_BYTES = 16 << 20;
const shared = new Map<string, Promise<Imputation>>();

/** Reads the input and imputes it against the panel (on the input's chromosome). */
export async function imputeInput(world: World, name: PanelName, input: string): Promise<Imputation> {
  if ((await stat(input)).size > SHAREABLE_BYTES) return await computeImputation(world, name, input);
  const key = `${worldKey(world.spec)} ${name} ${createHash('sha256').update(await readFile(input)).digest('hex')}`;
  let imputation = shared.get(key);
  if (imputation) shared.delete(key);
  else {
    imputation = computeImputation(world, name, input);
    imputation.catch(() => shared.delete(key));
  }
  shared.set(key, imputation);
  while (shared.size > SHARED_IMPUTATIONS) shared.delete(shared.keys().next().value!);
  return await imputation;
}

async function computeImputation(world: World, name: PanelName, input: string): Promise<Imputation> {
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

/** the imputation engine a WES workflow runs: Beagle 5.4, or Minimac4 as eLwazi's chipimputation workflow does */
export type WesEngine = 'beagle' | 'minimac4';
export const WES_ENGINES: readonly WesEngine[] = ['beagle', 'minimac4'];

export interface WesImputeRequest extends ImputeFileRequest {
  /** output files are <name>.dose.vcf.gz, <name>.info.gz (and <name>.empiricalDose.vcf.gz) */
  name: string;
  /** default beagle */
  engine?: WesEngine;
  /** Beagle: also GP */
  genotypeProbabilities?: boolean;
  /** Minimac4: also the leave-one-out dosages (`-e`); Beagle has no such output */
  meta?: boolean;
}

export async function imputeWes(request: WesImputeRequest): Promise<MinimacFiles> {
  const imputation = await imputeInput(request.world, request.panel, request.input);
  await mkdir(request.dir, { recursive: true });
  const prefix = join(request.dir, request.name);
  const files = { dose: `${prefix}.dose.vcf.gz`, info: `${prefix}.info.gz` };
  const common = { imputation, chromosome: imputation.target.chromosome, r2Filter: request.r2Filter ?? 0, now: request.now ?? new Date() };
  if (request.engine === 'minimac4') {
    const minimac: MinimacFiles = { ...files, ...(request.meta ? { empirical: `${prefix}.empiricalDose.vcf.gz` } : {}) };
    await writeMinimac({ ...common, files: minimac, input: request.input });
    return minimac;
  }
  await writeBeagle({ ...common, files, genotypeProbabilities: request.genotypeProbabilities ?? false });
  return files;
}
