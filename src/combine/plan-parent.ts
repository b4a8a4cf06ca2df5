/**
 * Planning `combine <parent>`: the completed children's downloaded results (downloaded first when missing),
 * one job per chromosome over the children that have it, outputs in `<parent folder>/combined/`.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveParent } from '../lifecycle/resolve.js';
import { shortId } from '../output/format.js';
import { childFolder, COMBINED_FOLDER } from '../results/layout.js';
import { optionsOf } from '../store/columns.js';
import type { DownloadRow, JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { InflatePool } from '../vcf/inflate-pool.js';
import { chooseAbsent, chooseMethod } from './decide.js';
import { compareChromosomes } from './header.js';
import { exists, firstChromosome, headerFiltered, type CombinePlan, type PlanOptions, type PlannedJob, type PlannedSource } from './plan.js';
import { regionTag } from './region.js';
import type { JobSource } from './types.js';

export interface ChildResults {
  child: JobRow;
  label: string;
  /** canonical chromosome → files */
  files: Map<string, JobSource>;
  folder: string;
}

const PARENT_META_HINT = 'resubmit with fedimpute submit --meta (or set meta: true for the service in the registry), then download again';

export async function planParent(context: Context, reference: string, out: string | undefined, options: PlanOptions, pool: InflatePool): Promise<CombinePlan> {
  const { parent, results } = await parentResults(context, reference, pool);
  const candidates: PlannedSource[] = await Promise.all(results.map((result) => candidate(result, pool)));
  const outDir = out ? resolve(context.cwd, out) : combinedFolder(results);
  return {
    parentId: parent.id,
    sources: candidates,
    jobs: jobsFor(results, outDir, options),
    method: chooseMethod(options.method, candidates, PARENT_META_HINT),
    absent: chooseAbsent(options.absent, candidates, options.warn),
    region: options.region,
    summaryPath: join(outDir, 'combine.json'),
  };
}

/** `combined/` in the parent's results folder: where combine writes by default and compare looks */
export function combinedFolder(results: ChildResults[]): string {
  return join(dirname(results[0].folder), COMBINED_FOLDER);
}

/** the completed children's imputed VCFs by chromosome, downloading what is missing; at least two children's */
export async function parentResults(context: Context, reference: string, pool: InflatePool, verb = 'combine'): Promise<{ parent: JobRow; results: ChildResults[] }> {
  const store = await context.store();
  const parent = resolveParent(store, reference);
  const completed = store.children(parent.id).filter((child) => child.status === 'completed');
  if (completed.length === 0) {
    throw new UsageError(`no child of ${shortId(parent.id)} has completed yet; nothing to ${verb}`, { hint: `follow it with: fedimpute watch ${shortId(parent.id)}` });
  }
  await downloadMissing(context, store, parent, completed);
  const results: ChildResults[] = [];
  for (const child of completed) {
    const found = await childResults(store, child, pool);
    if (found) results.push(found);
    else context.warn(`${child.service_slug}: no imputed VCF among its downloaded results; left out`);
  }
  if (results.length < 2) {
    const names = results.map((result) => result.label).join(', ') || 'none';
    throw new UsageError(`${verb} needs the results of at least two services; ${shortId(parent.id)} has usable results from ${names}`);
  }
  return { parent, results };
}

function jobsFor(results: ChildResults[], outDir: string, options: PlanOptions): PlannedJob[] {
  const chromosomes = [...new Set(results.flatMap((result) => [...result.files.keys()]))].sort(compareChromosomes);
  const region = options.region;
  const chosen = region ? chromosomes.filter((chromosome) => chromosome === region.chromosome) : chromosomes;
  if (region && chosen.length === 0) throw new UsageError(`--region: no result holds chromosome ${region.chromosome} (they hold ${chromosomes.join(', ')})`);
  return chosen.map((chromosome) => ({
    chromosome,
    sources: results.flatMap((result) => (result.files.has(chromosome) ? [result.files.get(chromosome)!] : [])),
    output: join(outDir, `${region ? regionTag(region, chromosome) : `chr${chromosome}`}.combined.dose.vcf.gz`),
  }));
}

async function candidate(result: ChildResults, pool: InflatePool): Promise<PlannedSource> {
  const options = optionsOf(result.child);
  const files = [...result.files.values()];
  const headerFilter = options.r2Filter === undefined && (await headerFiltered(files[0].dose, pool));
  return {
    label: result.label,
    empirical: files.every((file) => file.empirical !== undefined),
    r2Filter: headerFilter ? 'header' : options.r2Filter,
    metaRequested: options.meta === true,
    child_id: result.child.id,
    service_slug: result.child.service_slug ?? undefined,
    panel_id: result.child.reference_panel_id ?? undefined,
  };
}

/** the child's imputed VCFs as recorded by download, by chromosome; null when it has none */
async function childResults(store: Store, child: JobRow, pool: InflatePool): Promise<ChildResults | null> {
  const rows = store.downloads(child.id).filter((row) => /\.vcf\.b?gz$/.test(row.path));
  const present = (await Promise.all(rows.map(async (row) => ((await exists(row.path)) ? row : null)))).filter((row): row is DownloadRow => row !== null);
  const paths = present.map((row) => row.path);
  const empirical = new Set(paths.filter((path) => /\.empiricalDose\.vcf\.gz$/.test(path)));
  const doses = paths.filter((path) => /\.dose\.vcf\.gz$/.test(path) && !empirical.has(path));
  const candidates = doses.length > 0 ? doses : paths.filter((path) => !empirical.has(path));
  if (candidates.length === 0) return null;
  const folder = childFolder(present[0]);
  const label = basename(folder);
  const files = new Map<string, JobSource>();
  for (const dose of candidates) {
    const chromosome = await firstChromosome(dose, pool);
    if (chromosome === null || files.has(chromosome)) continue;
    const twin = dose.replace(/\.dose\.vcf\.gz$/, '.empiricalDose.vcf.gz');
    files.set(chromosome, { label, dose, ...(twin !== dose && empirical.has(twin) ? { empirical: twin } : {}) });
  }
  return files.size > 0 ? { child, label, files, folder } : null;
}

/** completed children with nothing downloaded yet are downloaded now, beside the others (or into the current folder) */
async function downloadMissing(context: Context, store: Store, parent: JobRow, completed: JobRow[]): Promise<void> {
  const missing: JobRow[] = [];
  let outDir: string | undefined;
  for (const child of completed) {
    const rows = store.downloads(child.id).filter((row) => /\.vcf\.b?gz$/.test(row.path));
    const present = (await Promise.all(rows.map((row) => exists(row.path)))).some(Boolean);
    if (!present) missing.push(child);
    else outDir ??= dirname(dirname(childFolder(rows[0])));
  }
  if (missing.length === 0) return;
  context.info(`downloading the results of ${missing.map((child) => child.service_slug).join(', ')} first`);
  const [{ downloadParent }, { DEFAULT_LIMITS }] = await Promise.all([import('../results/run.js'), import('../results/zip/limits.js')]);
  // download's defaults: a result set too odd for them is one to fetch with `download` and its --max-* options
  const report = await downloadParent(context, store, { parent, children: missing, outDir: outDir ?? '.', keepZips: false, concurrency: 4, limits: DEFAULT_LIMITS });
  for (const error of report.errors) context.warn(`${error.service_slug}: ${error.message}`);
}
