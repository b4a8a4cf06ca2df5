/**
 * What a combine run will do, decided before any dosage is read: its jobs (one output file each), the method
 * and absent-variant rule with their reasons, and where the summary goes. Two ways in: `--from PREFIX …`
 * (plan-from below) and a parent job's downloaded results (plan-parent.ts).
 */
import { access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError, InputError } from '../errors.js';
import type { InflatePool } from '../vcf/inflate-pool.js';
import { chooseAbsent, chooseMethod, type Candidate, type Decision } from './decide.js';
import { SourceCursor, type Region } from './source.js';
import type { AbsentRule } from './mix.js';
import type { JobSource, Method } from './types.js';

export interface PlannedSource extends Candidate {
  child_id?: string;
  service_slug?: string;
  panel_id?: number;
}

export interface PlannedJob {
  /** canonical chromosome when the job holds one (parent mode) */
  chromosome: string | null;
  sources: JobSource[];
  output: string;
}

export interface CombinePlan {
  parentId: string | null;
  sources: PlannedSource[];
  jobs: PlannedJob[];
  method: Decision<Method>;
  absent: Decision<AbsentRule>;
  region: Region | null;
  /** where combine.json goes */
  summaryPath: string;
}

export interface PlanOptions {
  method?: string;
  absent?: string;
  region: Region | null;
  warn: (text: string) => void;
}

const FROM_META_HINT = 'run minimac4 with -e PREFIX.empiricalDose.vcf.gz (or submit with fedimpute submit --meta)';

export async function planFrom(given: string[], out: string | undefined, cwd: string, options: PlanOptions, pool: InflatePool): Promise<CombinePlan> {
  if (given.length < 2) throw new UsageError('combine needs at least two results: --from PREFIX --from PREFIX', { hint: 'PREFIX.dose.vcf.gz (and PREFIX.empiricalDose.vcf.gz) are read for each' });
  if (!out || !/\.vcf\.b?gz$/.test(out)) throw new UsageError('combine --from needs --out FILE.vcf.gz (the combined file)');
  const prefixes = given.map((prefix) => resolve(cwd, prefix.replace(/\.dose\.vcf\.gz$/, '')));
  const labels = labelsFor(prefixes);
  const sources: JobSource[] = [];
  const candidates: PlannedSource[] = [];
  for (const [index, prefix] of prefixes.entries()) {
    const dose = `${prefix}.dose.vcf.gz`;
    if (!(await exists(dose))) throw new InputError(`${dose} not found`, { hint: '--from takes the prefix of PREFIX.dose.vcf.gz (Minimac4 naming)' });
    const empirical = `${prefix}.empiricalDose.vcf.gz`;
    const hasEmpirical = await exists(empirical);
    sources.push({ label: labels[index], dose, ...(hasEmpirical ? { empirical } : {}) });
    candidates.push({ label: labels[index], empirical: hasEmpirical, r2Filter: (await headerFiltered(dose, pool)) ? 'header' : undefined });
  }
  const output = resolve(cwd, out);
  return {
    parentId: null,
    sources: candidates,
    jobs: [{ chromosome: null, sources, output }],
    method: chooseMethod(options.method, candidates, FROM_META_HINT),
    absent: chooseAbsent(options.absent, candidates, options.warn),
    region: options.region,
    summaryPath: join(dirname(output), `${basename(output).replace(/\.vcf\.b?gz$/, '')}.combine.json`),
  };
}

/** names for SOURCES and the summary: the prefixes' file names, or their folders' when the names repeat (A/chr20, B/chr20) */
function labelsFor(prefixes: string[]): string[] {
  const unique = (names: string[]) => new Set(names).size === names.length;
  const names = prefixes.map((prefix) => basename(prefix));
  if (unique(names)) return names;
  const folders = prefixes.map((prefix) => basename(dirname(prefix)));
  if (unique(folders)) return folders;
  return names.map((name, index) => `${name}-${index + 1}`);
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** the file's header says an R² filter was applied (minimac4 --min-r2, a bcftools filter on R2) */
export async function headerFiltered(path: string, pool: InflatePool): Promise<boolean> {
  const cursor = await SourceCursor.open(path, pool, null, undefined, true);
  await cursor.close();
  return cursor.header.r2Filtered;
}

/** the canonical chromosome of a file's first record, or null for a file with none */
export async function firstChromosome(path: string, pool: InflatePool): Promise<string | null> {
  const cursor = await SourceCursor.open(path, pool, null, undefined, true);
  try {
    cursor.configure(new Int32Array(cursor.header.samples.length).map((_, index) => index), 'HDS');
    await cursor.advance();
    return cursor.head ? cursor.chromosome : null;
  } finally {
    await cursor.close();
  }
}
