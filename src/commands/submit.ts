/**
 * `fedimpute submit --services 1,4 [--panels 37,39] <vcf...>`: validate every child, record the parent
 * and its children, then upload to every service at once (p-limit), streaming from disk.
 */
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { generatePassword } from '../domain/password.js';
import { hashInputs, checkServices, validateSubmission, type SubmitRequestOptions } from '../lifecycle/validate.js';
import type { ChildPlan, SubmitOptions } from '../lifecycle/plan.js';
import { uploadChildren } from '../lifecycle/upload.js';
import { childDetail } from '../output/jobs.js';
import { shortId, statusLabel } from '../output/format.js';
import { renderTable } from '../output/table.js';
import type { JobRow } from '../store/rows.js';

export interface SubmitCommandOptions extends SubmitRequestOptions {
  prepare?: boolean;
  format?: string;
  name?: string;
  description?: string;
  concurrency?: number;
  dryRun?: boolean;
}

export async function runSubmit(options: SubmitCommandOptions, context: Context, files: string[]): Promise<number> {
  const registry = await context.registry();
  const paths = options.prepare ? await prepareInputs(context, options, files) : files;
  const submission = await validateSubmission(context, registry, options, paths);
  await checkServices(context, submission.plans.map((plan) => plan.service));
  const name = options.name ?? defaultName(files[0]);
  warnMetaPhasing(context, submission.plans, submission.options);
  if (options.dryRun) return printPlan(context, name, submission.plans, submission.options, submission.inputs);

  // hashed on worker threads while the uploads run; recorded with the job as soon as known
  const hashing = hashInputs(submission.inputs);
  hashing.catch(() => undefined);
  const inputs = submission.inputs.map((input) => ({ ...input, sha256: '' }));
  const parentId = randomUUID();
  const store = await context.store();
  const children = submission.plans.map((plan) => ({
    id: randomUUID(),
    name,
    service_id: plan.service.id,
    service_slug: plan.service.slug,
    service_name: plan.service.name,
    service_type: plan.service.type,
    reference_panel_id: plan.panelId,
    panel_name: plan.panelName,
    input_files: JSON.stringify(inputs),
    options: JSON.stringify({ ...submission.options, meta: plan.meta }),
    result_password: plan.service.type === 'michigan' ? generatePassword() : null,
    submit_state: 'pending' as const,
  }));
  // recorded before any upload: a crash from here on is repaired by the next `poll`
  store.insertParent(
    {
      id: parentId,
      name,
      description: options.description ?? null,
      input_files: JSON.stringify(inputs),
      options: JSON.stringify({ ...submission.options, services: options.services, panels: options.panels ?? null }),
    },
    children,
  );
  const outcome = await uploadChildren(context, store, parentId, options.concurrency ?? 4);
  store.setInputs(parentId, JSON.stringify(await hashing));
  const parent = store.get(parentId)!;
  const rows = store.children(parentId);
  printResult(context, parent, rows, submission.plans.length);
  if (outcome.authError) throw outcome.authError;
  return rows.some((child) => child.status === 'failed') ? EXIT.jobFailed : EXIT.ok;
}

/** `submit --prepare`: split and rename first, into a folder beside the store that retry can find again */
async function prepareInputs(context: Context, options: SubmitCommandOptions, files: string[]): Promise<string[]> {
  if (options.build !== 'hg19' && options.build !== 'hg38') throw new UsageError('--prepare needs --build hg19 or hg38 (the build to name the chromosomes for)');
  const { prepareVcf } = await import('../vcf/prepare.js');
  const outDir = join(dirname(context.dbPath), 'prepared', randomUUID());
  const prepared: string[] = [];
  for (const file of files) {
    const result = await prepareVcf(resolve(context.cwd, file), { build: options.build, outDir, format: options.format as 'vcf' | 'plink' | 'bgen' | undefined });
    for (const warning of result.warnings) context.warn(warning);
    prepared.push(...result.outputs.map((output) => output.path));
  }
  context.info(`prepared ${prepared.length} file${prepared.length === 1 ? '' : 's'} for ${options.build} in ${outDir}`);
  return prepared;
}

/** meta-imputation weighs haplotypes against each other: services that phase the study themselves phase it apart */
function warnMetaPhasing(context: Context, plans: ChildPlan[], options: SubmitOptions): void {
  if (options.phasing === 'no_phasing' || plans.filter((plan) => plan.meta).length < 2) return;
  context.warn('meta-imputation needs every service to impute the same haplotypes, but each service phases the input itself: phase the study first and submit it with --no-phasing, or combine will fall back to best-r2');
}

function defaultName(file: string | undefined): string {
  return file ? basename(file).replace(/\.vcf\.gz$|\.vcf$|\.bed$/, '') : 'fedimpute';
}

function printPlan(
  context: Context,
  name: string,
  plans: ChildPlan[],
  options: SubmitOptions,
  inputs: { path: string; size: number }[],
): number {
  if (context.globals.json) {
    context.json({
      dry_run: true,
      parent_job_name: name,
      total_services: plans.length,
      options,
      inputs: inputs.map((input) => ({ path: input.path, size: input.size })),
      child_jobs: plans.map((plan) => ({ service_id: plan.service.id, service_name: plan.service.name, panel_id: plan.panelId, panel_name: plan.panelName, meta: plan.meta })),
    });
    return EXIT.ok;
  }
  const rows = plans.map((plan) => [String(plan.service.id), plan.service.slug, plan.service.type, `${plan.panelId} ${plan.panelName}`, options.build, options.population ?? '', options.phasing]);
  context.out(renderTable([{ header: 'ID' }, { header: 'SERVICE' }, { header: 'PROTOCOL' }, { header: 'PANEL' }, { header: 'BUILD' }, { header: 'POPULATION' }, { header: 'PHASING' }], rows, context.tty, context.style.enabled));
  context.info(`dry run: "${name}" would go to ${plans.length} service${plans.length === 1 ? '' : 's'}; nothing was uploaded`);
  return EXIT.ok;
}

function printResult(context: Context, parent: JobRow, children: JobRow[], total: number): void {
  const failed = children.filter((child) => child.status === 'failed').length;
  const waiting = children.filter((child) => !child.remote_job_id && child.status === 'queued').length;
  const message =
    failed > 0
      ? `${total - failed} of ${total} child jobs submitted, ${failed} refused`
      : waiting > 0
        ? `${total - waiting} of ${total} child jobs submitted, ${waiting} waiting for a free slot`
        : `all ${total} child jobs submitted`;
  if (context.globals.json) {
    context.json({
      parent_job_id: parent.id,
      parent_job_name: parent.name,
      total_services: total,
      child_jobs: children.map((child) => ({
        id: child.id,
        service_id: child.service_id,
        service_name: child.service_name,
        panel_id: child.reference_panel_id,
        status: child.status,
        remote_job_id: child.remote_job_id,
        error: child.status === 'failed' ? child.last_error : null,
      })),
      status: parent.status,
      message,
    });
    return;
  }
  if (!context.tty) {
    context.out(parent.id);
    for (const child of children) {
      context.info(`${child.service_slug}\t${child.status}\t${child.remote_job_id ?? ''}\t${childDetail(child, context.now())}`);
    }
    context.info(message);
    return;
  }
  const { style } = context;
  context.out(`${style.green('✔')} ${style.bold(shortId(parent.id))} ${parent.name ?? ''} — ${message}`);
  context.out(
    renderTable(
      [{ header: 'SERVICE' }, { header: 'PANEL' }, { header: 'REMOTE JOB' }, { header: 'STATUS' }, { header: 'NOTE' }],
      children.map((child) => [child.service_slug ?? '', `${child.reference_panel_id} ${child.panel_name ?? ''}`, child.remote_job_id ?? '', statusLabel(child.status, style), childDetail(child, context.now())]),
      true,
      style.enabled,
    ),
  );
  context.out(style.dim(`parent ${parent.id}\nfollow it with: fedimpute watch ${shortId(parent.id)}`));
}
