/**
 * `fedimpute submit --services 1,4 [--panels 37,39] <vcf...>`: validate every child, record the parent
 * and its children, then upload to every service at once (p-limit), streaming from disk.
 */
import { capabilitiesOf } from '../adapters/capabilities.js';
import type { Context } from '../context.js';
import type { InputRecord } from '../domain/inputs.js';
import type { SubmitOptions } from '../domain/submission.js';
import { EXIT, UsageError } from '../errors.js';
import type { ChildPlan } from '../lifecycle/plan.js';
import type { SubmitRequestOptions } from '../lifecycle/validate.js';
import type { JobRow } from '../store/rows.js';
import { count, flag, flagOrText, positiveInteger, text, type RawOptions, type Registration } from './options.js';

export interface SubmitCommandOptions extends SubmitRequestOptions {
  /** the VCF files (or, with prepare, a VCF or PLINK .bed to split first) */
  files: string[];
  prepare?: boolean;
  format?: string;
  name?: string;
  description?: string;
  /** uploads at once (default 4) */
  concurrency?: number;
  dryRun?: boolean;
}

export function submitOptions(raw: RawOptions, files: string[]): SubmitCommandOptions {
  return {
    files,
    services: text(raw, 'services') ?? '',
    panels: text(raw, 'panels'),
    name: text(raw, 'name'),
    description: text(raw, 'description'),
    build: text(raw, 'build'),
    phasing: flagOrText(raw, 'phasing'),
    population: text(raw, 'population'),
    r2Filter: text(raw, 'r2Filter'),
    mode: text(raw, 'mode'),
    // --meta arrives as true, --no-meta as false, neither as undefined (each service's `meta:`)
    meta: typeof raw.meta === 'boolean' ? raw.meta : undefined,
    concurrency: count(raw, 'concurrency'),
    // --no-check arrives as check: false
    check: raw.check !== false,
    prepare: flag(raw, 'prepare'),
    format: text(raw, 'format'),
    dryRun: flag(raw, 'dryRun'),
  };
}

export const registerSubmit: Registration = (program, register) => {
  program
    .command('submit')
    .description('submit VCF files to several services at once; one parent job, one child per service')
    .argument('<vcf...>', 'bgzipped VCF files, one chromosome each')
    .requiredOption('--services <list>', 'service ids or slugs, e.g. 1,4 (or service:panel pairs, e.g. 1:37,4)')
    .option('--panels <list>', 'panel ids parallel to --services (default: each service\'s default panel)')
    .option('--name <name>', 'job name (default: the first file name)')
    .option('--description <text>', 'free text kept with the job')
    .option('--build <build>', 'build of the input: hg19 or hg38 (default: from the chromosome names)')
    .option('--phasing [engine]', 'phase unphased input: eagle (default) or beagle')
    .option('--no-phasing', 'input is already phased')
    .option('--population <id>', 'population for QC against the panel (e.g. afr, eur, mixed, off)')
    .option('--r2-filter <value>', 'drop imputed variants below this r2: 0, 0.001, 0.1, 0.2, 0.3')
    .option('--mode <mode>', 'imputation (default) or qc-only')
    .option('--meta', 'ask for leave-one-out dosages, so `combine` can meta-impute (default: each service\'s `meta:`)')
    .option('--no-meta', 'do not ask for them, whatever the registry says')
    .addOption(program.createOption('--concurrency <n>', 'uploads at once').default(4).argParser(positiveInteger('--concurrency')))
    .option('--no-check', 'skip the local pre-flight check of the input')
    .option('--prepare', 'split per chromosome and rename for --build first (VCF or PLINK .bed input)')
    .option('--format <format>', 'with --prepare: input format when the extension does not say (vcf, plink)')
    .option('--dry-run', 'validate and print the plan; upload nothing')
    .action(register(submitOptions, async () => runSubmit));
};

export async function runSubmit(options: SubmitCommandOptions, context: Context): Promise<number> {
  const [{ randomUUID }, { basename }, { checkServices, hashInputs, validateSubmission }, { uploadChildren }, { generatePassword }] = await Promise.all([
    import('node:crypto'),
    import('node:path'),
    import('../lifecycle/validate.js'),
    import('../lifecycle/upload.js'),
    import('../domain/password.js'),
  ]);
  const registry = await context.registry();
  const files = options.files;
  const paths = options.prepare ? await prepareInputs(context, options, files) : files;
  const submission = await validateSubmission(context, registry, options, paths);
  await checkServices(context, submission.plans.map((plan) => plan.service));
  const name = options.name ?? defaultName(files[0] && basename(files[0]));
  warnMetaPhasing(context, submission.plans, submission.options);
  if (options.dryRun) return printPlan(context, name, submission.plans, submission.options, submission.inputs);

  // hashed on worker threads while the uploads run; recorded with the job as soon as known
  const hashing = hashInputs(submission.inputs);
  hashing.catch(() => undefined);
  const inputs = submission.inputs;
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
    result_password: capabilitiesOf(plan.service).resultPassword ? generatePassword() : null,
    submit_state: 'pending' as const,
  }));
  // recorded before any upload: a crash from here on is repaired by the next `poll`
  store.jobs.insertParent(
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
  store.jobs.setInputs(parentId, JSON.stringify(await hashing));
  const parent = store.get(parentId)!;
  const rows = store.children(parentId);
  await printResult(context, parent, rows, submission.plans.length);
  if (outcome.authError) throw outcome.authError;
  return rows.some((child) => child.status === 'failed') ? EXIT.jobFailed : EXIT.ok;
}

/** `submit --prepare`: split and rename first, into a folder beside the store that retry can find again */
async function prepareInputs(context: Context, options: SubmitCommandOptions, files: string[]): Promise<string[]> {
  if (options.build !== 'hg19' && options.build !== 'hg38') throw new UsageError('--prepare needs --build hg19 or hg38 (the build to name the chromosomes for)');
  const [{ prepareVcf }, { randomUUID }, { dirname, join, resolve }] = await Promise.all([import('../vcf/prepare.js'), import('node:crypto'), import('node:path')]);
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

/** the job's name when --name is not given: the first file's, without its extension */
function defaultName(file: string | undefined): string {
  return file ? file.replace(/\.vcf\.gz$|\.vcf$|\.bed$/, '') : 'fedimpute';
}

async function printPlan(context: Context, name: string, plans: ChildPlan[], options: SubmitOptions, inputs: InputRecord[]): Promise<number> {
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
  const { renderTable } = await import('../output/table.js');
  const rows = plans.map((plan) => [String(plan.service.id), plan.service.slug, plan.service.type, `${plan.panelId} ${plan.panelName}`, options.build, options.population ?? '', options.phasing]);
  context.out(renderTable([{ header: 'ID' }, { header: 'SERVICE' }, { header: 'PROTOCOL' }, { header: 'PANEL' }, { header: 'BUILD' }, { header: 'POPULATION' }, { header: 'PHASING' }], rows, context.tty, context.style.enabled));
  context.info(`dry run: "${name}" would go to ${plans.length} service${plans.length === 1 ? '' : 's'}; nothing was uploaded`);
  return EXIT.ok;
}

async function printResult(context: Context, parent: JobRow, children: JobRow[], total: number): Promise<void> {
  const [{ childDetail }, { shortId, statusLabel }, { renderTable }, { errorOf }] = await Promise.all([
    import('../output/jobs.js'),
    import('../output/format.js'),
    import('../output/table.js'),
    import('../domain/display.js'),
  ]);
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
        error: errorOf(child),
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
