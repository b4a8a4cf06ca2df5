/**
 * `fedimpute submit --services 1,4 [--panels 37,39] <vcf...>`: validate every child, record the parent
 * and its children, then upload to every service at once (p-limit), streaming from disk.
 */
import { capabilitiesOf } from '../adapters/capabilities.js';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import type { SubmitOptions } from '../domain/submission.js';
import type { ChildPlan } from '../lifecycle/plan.js';
import type { SubmitRequestOptions } from '../lifecycle/validate.js';
import { count, examples, flag, flagOrText, positiveInteger, text, type RawOptions, type Registration } from './options.js';

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
  const command = program
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
    .option('--dry-run', 'validate and print the plan; upload nothing');
  examples(command, [
    ['fedimpute submit --services 1,4 study.chr20.vcf.gz', "one parent job, one child per service, each on its default panel"],
    ['fedimpute submit --services 1:37,4:39 --population afr chr*.vcf.gz', 'chosen panels and population, every chromosome file at once'],
    ['fedimpute submit --services 1,4 --prepare --dry-run study.vcf', 'split, name and bgzip a plain VCF first; show the plan, upload nothing'],
  ]);
  command.addHelpText('after', '\nCtrl-C stops: uploads are aborted, jobs already created are canceled, the rest is marked canceled (exit 130).\n');
  command.action(register(submitOptions, async () => runSubmit));
};

export async function runSubmit(options: SubmitCommandOptions, context: Context): Promise<number> {
  const [{ randomUUID }, { basename }, { checkServices, hashInputs, validateSubmission }, { uploadChildren }, { generatePassword }, { startSpinner }, output] = await Promise.all([
    import('node:crypto'),
    import('node:path'),
    import('../lifecycle/validate.js'),
    import('../lifecycle/upload.js'),
    import('../domain/password.js'),
    import('../output/spinner.js'),
    import('./submit-output.js'),
  ]);
  const registry = await context.registry();
  const files = options.files;
  const prepared = options.prepare ? await prepareInputs(context, options, files) : undefined;
  // the pre-flight reads every input and asks every service: never a blank screen meanwhile
  const spinner = startSpinner(context, 'checking the input against the servers\' rules…');
  let submission;
  try {
    submission = await validateSubmission(context, registry, { ...options, build: prepared?.build ?? options.build }, prepared?.paths ?? files);
    spinner.update('asking each service whether it is up and takes the token…');
    await checkServices(context, submission.plans.map((plan) => plan.service));
  } finally {
    spinner.stop();
  }
  const name = options.name ?? defaultName(files[0] && basename(files[0]));
  warnMetaPhasing(context, submission.plans, submission.options);
  if (options.dryRun) return output.printPlan(context, name, submission.plans, submission.options, submission.inputs);
  if (context.signal.aborted) {
    context.info('interrupted before anything was uploaded; no job was recorded');
    return EXIT.interrupted;
  }

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
  const childIds = children.map((child) => child.id);
  const interrupt = await output.onInterrupt(context, store, childIds);
  const outcome = await uploadChildren(context, store, parentId, options.concurrency ?? 4);
  interrupt.dispose();
  // an interrupted submit does not wait for the hash of a large file (retry records it)
  if (context.signal.aborted) return output.reportInterrupted(context, store, parentId, childIds, outcome.sentWhole);
  store.jobs.setInputs(parentId, JSON.stringify(await hashing));
  const parent = store.get(parentId)!;
  const rows = store.children(parentId);
  await output.printResult(context, parent, rows, submission.plans.length);
  if (outcome.authError) throw outcome.authError;
  return rows.some((child) => child.status === 'failed') ? EXIT.jobFailed : EXIT.ok;
}

/** `submit --prepare`: split and rename first, into a folder beside the store that retry can find again */
async function prepareInputs(context: Context, options: SubmitCommandOptions, files: string[]): Promise<{ paths: string[]; build: 'hg19' | 'hg38' }> {
  const [{ prepareVcf }, { randomUUID }, { dirname, join, resolve }, { sniffBuild }] = await Promise.all([
    import('../vcf/prepare.js'),
    import('node:crypto'),
    import('node:path'),
    import('../lifecycle/inputs.js'),
  ]);
  if (options.build !== undefined && options.build !== 'hg19' && options.build !== 'hg38') throw new UsageError(`--build must be hg19 or hg38, got '${options.build}'`);
  // the chromosome names of a VCF say its build (chr20: hg38, 20: hg19); PLINK codes do not
  const detected = options.build ? undefined : files[0] && !/\.bed$/i.test(files[0]) ? await sniffBuild(resolve(context.cwd, files[0])) : undefined;
  const build = (options.build as 'hg19' | 'hg38' | undefined) ?? detected;
  if (!build) throw new UsageError('--prepare needs the build to name the chromosomes for, and the input does not say it', { hint: 'add --build hg38 (or --build hg19)' });
  if (detected) context.info(`preparing for ${detected} (the input's chromosome names say so; --build chooses another)`);
  const outDir = join(dirname(context.dbPath), 'prepared', randomUUID());
  const prepared: string[] = [];
  for (const file of files) {
    const result = await prepareVcf(resolve(context.cwd, file), { build, outDir, format: options.format as 'vcf' | 'plink' | 'bgen' | undefined });
    for (const warning of result.warnings) context.warn(warning);
    prepared.push(...result.outputs.map((output) => output.path));
  }
  context.info(`prepared ${prepared.length} file${prepared.length === 1 ? '' : 's'} for ${build} in ${outDir}`);
  return { paths: prepared, build };
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
