/**
 * A combine run from plan to summary: plan, make sure meta can weigh the results (shared phase), run the jobs,
 * write combine.json. The command (commands/combine.ts) only prints what this returns.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { InputError, UsageError } from '../errors.js';
import { createInflatePool, type InflatePool } from '../vcf/inflate-pool.js';
import { PHASE_HINT, phaseProblem } from './decide.js';
import { runJobs } from './jobs.js';
import { samplePhase } from './phase-check.js';
import { planFrom, type CombinePlan, type PlanOptions } from './plan.js';
import { planParent } from './plan-parent.js';
import { parseRegion } from './region.js';
import { buildSummary, type CombineSummary } from './summary.js';
import type { JobReport } from './types.js';

const require = createRequire(import.meta.url);

export interface CombineRequest {
  parent?: string;
  from?: string[];
  out?: string;
  method?: string;
  absent?: string;
  region?: string;
  threads?: number;
}

export async function combine(context: Context, request: CombineRequest): Promise<{ summary: CombineSummary; summaryPath: string }> {
  if (request.parent && request.from?.length) throw new UsageError('give a parent job or --from prefixes, not both');
  if (!request.parent && !request.from?.length) throw new UsageError('combine needs a parent job id (or `last`), or --from PREFIX --from PREFIX --out FILE.vcf.gz');
  const started = context.now().getTime();
  const options: PlanOptions = { method: request.method, absent: request.absent, region: request.region ? parseRegion(request.region) : null, warn: (text) => context.warn(text) };
  const threads = request.threads ?? availableParallelism();
  // one pool for planning and for jobs run on this thread: worker threads are slow to start
  const pool = createInflatePool(Math.max(2, threads));
  let plan: CombinePlan;
  let reports: JobReport[];
  const generator = `fedimpute ${(require('../../package.json') as { version: string }).version} combine`;
  const now = context.now();
  try {
    plan = request.from?.length ? await planFrom(request.from, request.out, context.cwd, options, pool) : await planParent(context, request.parent!, request.out, options, pool);
    if (plan.method.value === 'meta') await checkPhase(context, plan, request.method === 'meta', pool);
    context.info(`method: ${plan.method.value} (${plan.method.reason})`);
    if (plan.method.value === 'meta') context.info(`absent variants: ${plan.absent.value} (${plan.absent.reason})`);
    for (const job of plan.jobs) await mkdir(dirname(job.output), { recursive: true, mode: 0o700 });
    const jobs = plan.jobs.map((job) => ({
      sources: job.sources,
      output: job.output,
      method: plan.method.value,
      absent: plan.absent.value,
      region: plan.region,
      fileDate: now.toISOString().slice(0, 10).replace(/-/g, ''),
      generator,
      threads,
    }));
    reports = await runJobs(jobs, threads, context.signal, pool);
  } finally {
    await pool.close();
  }
  const seconds = (context.now().getTime() - started) / 1000;
  const summary = buildSummary(plan, reports, { generator, now, seconds });
  await writeSummary(plan.summaryPath, summary);
  return { summary, summaryPath: plan.summaryPath };
}

/** meta needs every result to carry the same haplotypes; with another phase, fall back (or refuse when asked for) */
async function checkPhase(context: Context, plan: CombinePlan, explicit: boolean, pool: InflatePool): Promise<void> {
  const job = plan.jobs.find((candidate) => candidate.sources.length > 1);
  if (!job) return;
  const counts = await samplePhase(job.sources, pool);
  const problem = phaseProblem(counts.phaseChecks, counts.phaseConflicts);
  if (!problem) return;
  if (explicit) throw new InputError(`cannot meta-impute: ${problem}`, { hint: PHASE_HINT });
  context.warn(`${problem}; using best-r2 instead`);
  plan.method = { value: 'best-r2', reason: `${problem}; ${PHASE_HINT.replace(/; or use --method best-r2$/, '')} for meta-imputation` };
}

async function writeSummary(path: string, summary: CombineSummary): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.part`);
  await writeFile(temporary, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
