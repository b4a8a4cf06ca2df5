/**
 * `fedimpute demo [--keep dir] [--db file]`: the whole job on a fresh machine. Starts the sandbox in-process
 * (fast), takes its simulated study, then runs the real commands with a context pointed at the sandbox:
 * check → submit (to both services) → watch → download → what came back, and how accurate each service's
 * imputation is against the study's known truth (the services impute with panels of different populations,
 * the study is admixed: neither is good everywhere).
 *
 * Where things go: everything lives in a temporary folder removed at the end, unless --keep DIR is given:
 * then the input, its truth and the decrypted results stay in DIR. The simulated world is cached in
 * <keep>/.fedimpute-sandbox with --keep, else in $XDG_CACHE_HOME/fedimpute/sandbox (a second demo starts at
 * once); the store is temporary unless --db is given. A demo never writes into the current folder uninvited.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Context, OutputStream } from '../context.js';
import { EXIT, ExitStatus } from '../errors.js';
import type { ServiceAccuracy } from '../sandbox/report.js';
import type { Sandbox } from '../sandbox/index.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface DemoOptions {
  /** where the input, its truth and the decrypted results stay (default: a temporary folder, removed) */
  keep?: string;
}

export function demoOptions(raw: RawOptions): DemoOptions {
  return { keep: text(raw, 'keep') };
}

export const registerDemo: Registration = (program, register) => {
  const command = program
    .command('demo')
    .description('the whole job against a local sandbox: check, submit, watch, download, then accuracy against the truth (no accounts, no network)')
    .option('--keep <dir>', 'keep the input, its truth and the decrypted results in this folder (default: a temporary folder, removed at the end)')
    .addHelpText('after', '\nThe job store is temporary unless the global --db FILE is given; --json prints one summary document.');
  examples(command, [
    ['fedimpute demo', 'the whole flow in a temporary folder; nothing is left behind but the cached world'],
    ['fedimpute demo --keep fedimpute-demo', 'keep the study, its truth and the decrypted results in ./fedimpute-demo'],
    ['fedimpute demo --keep /tmp/d --db /tmp/d/jobs.db', 'keep the job store too, to look at it with status and jobs'],
  ]);
  command.action(register(demoOptions, async () => runDemo));
};

const INPUT_NAME = 'chr20.vcf.gz';
const TRUTH_NAME = 'truth.vcf.gz';
const JOB_NAME = 'fedimpute-demo';
/** the sandbox runs at fast speed: a job takes a few seconds */
const WATCH_INTERVAL = '1s';

export interface DemoFile {
  service: string;
  /** relative to the service's folder */
  name: string;
  path: string;
  bytes: number;
}

type Step = (context: Context) => Promise<number>;

export async function runDemo(options: DemoOptions, context: Context): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'fedimpute-demo-'));
  const keep = options.keep ? context.resolvePath(options.keep) : join(work, 'demo');
  let sandbox: Sandbox | undefined;
  let inner: Context | undefined;
  try {
    const { startSandbox, CACHE_FOLDER } = await import('../sandbox/index.js');
    const cache = context.env.FEDIMPUTE_SANDBOX_CACHE;
    const userCache = join(context.env.XDG_CACHE_HOME || join(context.env.HOME ?? tmpdir(), '.cache'), 'fedimpute', 'sandbox');
    sandbox = await startSandbox({ dir: work, speed: 'fast', cacheDir: cache ? context.resolvePath(cache) : options.keep ? join(keep, CACHE_FOLDER) : userCache });
    heading(context, 'sandbox', `Michigan API at ${sandbox.michiganUrl} (population A's panel), GA4GH WES at ${sandbox.wesUrl} (population B's)`);
    inner = await innerContext(context, sandbox.registry, context.globals.db ?? join(work, 'demo.db'));

    const { input, truth } = await copyStudy(sandbox, join(keep, 'input'));
    const { spec } = sandbox.world;
    heading(context, 'input', `${input} (${spec.studySamples} samples admixed from A and B, ${sandbox.world.chip.length} chip sites on ${spec.length / 1e6} Mb of chr20, hg38, phased; truth in ${TRUTH_NAME})`);

    await step(context, inner, 'check', 'local pre-flight against both services’ input rules', (ctx) =>
      runCheckStep(ctx, input),
    );
    await step(context, inner, 'submit', 'one parent job, one child per sandbox service', (ctx) => runSubmitStep(ctx, input));
    const { resolveParent } = await import('../lifecycle/resolve.js');
    const parentId = resolveParent(await inner.store(), 'last').id;
    await step(context, inner, 'watch', `until every child has finished (polling every ${WATCH_INTERVAL})`, async (ctx) => {
      const { runWatch } = await import('./watch.js');
      return runWatch({ parent: parentId, interval: WATCH_INTERVAL }, ctx);
    });
    await step(context, inner, 'download', `results into ${keep}`, (ctx) => runDownloadStep(ctx, parentId, keep));

    const { folder, files } = await resultFiles(keep, parentId);
    const { scoreServices } = await import('../sandbox/report.js');
    const scores = await scoreServices(files.filter((file) => file.name.endsWith('.dose.vcf.gz')), { truth, typed: input }, sandbox.worldPanels);
    await printSummary(context, parentId, folder, files, scores, Boolean(options.keep));
    return EXIT.ok;
  } finally {
    inner?.close();
    await sandbox?.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The real commands run with this context: same streams, signal and clock; registry and store of the demo. */
async function innerContext(context: Context, registry: string, db: string): Promise<Context> {
  // with --json the demo's one JSON document is the summary; the steps' own output becomes chatter
  const stdout: OutputStream = context.globals.json ? { write: (chunk) => context.stderr.write(chunk), isTTY: false } : context.stdout;
  const { Context } = await import('../context.js');
  return new Context({
    env: context.env,
    cwd: context.cwd,
    globals: { ...context.globals, config: registry, db: context.resolvePath(db), json: false },
    stdout,
    stderr: context.stderr,
    signal: context.signal,
    now: context.now,
    sleep: context.sleep,
  });
}

/** runs one real command; Ctrl-C or a non-zero exit ends the demo with that code */
async function step(outer: Context, inner: Context, name: string, what: string, run: Step): Promise<void> {
  heading(outer, name, what);
  const code = await run(inner);
  if (outer.signal.aborted) {
    outer.info('demo interrupted: the sandbox and its jobs are gone; nothing else was changed');
    throw new ExitStatus(EXIT.interrupted);
  }
  if (code !== EXIT.ok) throw new ExitStatus(code as ExitStatus['exitCode'], `demo: the ${name} step ended with exit code ${code}`);
}

function heading(context: Context, name: string, what: string): void {
  context.info(`${context.errorStyle.bold(`── ${name}`)} ${context.errorStyle.dim(what)}`);
}

/** the sandbox's study (what is submitted) and its truth (what results are scored against) */
async function copyStudy(sandbox: Sandbox, dir: string): Promise<{ input: string; truth: string }> {
  await mkdir(dir, { recursive: true });
  const input = join(dir, INPUT_NAME);
  const truth = join(dir, TRUTH_NAME);
  await copyFile(sandbox.study, input);
  await copyFile(sandbox.truth, truth);
  return { input, truth };
}

async function runCheckStep(context: Context, input: string): Promise<number> {
  const { runCheck } = await import('./check.js');
  return runCheck({ files: [input], build: 'hg38', services: '1,2' }, context);
}

async function runSubmitStep(context: Context, input: string): Promise<number> {
  const { runSubmit } = await import('./submit.js');
  return runSubmit(
    { files: [input], services: '1,2', build: 'hg38', name: JOB_NAME, description: 'fedimpute demo against the local sandbox', concurrency: 2 },
    context,
  );
}

async function runDownloadStep(context: Context, parentId: string, out: string): Promise<number> {
  const { runDownload } = await import('./download.js');
  return runDownload({ parent: parentId, out }, context);
}

/** the parent's folder under <keep> (`<short id>-<name>`, made by download) and every file in its service folders */
export async function resultFiles(keep: string, parentId: string): Promise<{ folder: string; files: DemoFile[] }> {
  const [entry] = (await readdir(keep, { withFileTypes: true })).filter(
    (candidate) => candidate.isDirectory() && candidate.name.startsWith(parentId.slice(0, 8)),
  );
  const folder = join(keep, entry?.name ?? parentId.slice(0, 8));
  const files: DemoFile[] = [];
  for (const service of entry ? await readdir(folder, { withFileTypes: true }) : []) {
    if (!service.isDirectory()) continue;
    const root = join(folder, service.name);
    for (const path of await walk(root)) {
      files.push({ service: service.name, name: relative(root, path), path, bytes: (await stat(path)).size });
    }
  }
  files.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  return { folder, files };
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && !entry.name.startsWith('.')) found.push(path);
  }
  return found;
}

async function printSummary(context: Context, parentId: string, folder: string, files: DemoFile[], scores: ServiceAccuracy[], kept: boolean): Promise<void> {
  const [{ formatBytes }, { renderTable }] = await Promise.all([import('../output/format.js'), import('../output/table.js')]);
  if (context.globals.json) {
    context.json({
      parent_job_id: parentId, results_dir: folder,
      files: files.map((file) => ({ service: file.service, path: file.path, bytes: file.bytes })),
      accuracy: scores.map((score) => ({
        service: score.service, panel: score.panel,
        bins: score.bins.map((bin) => ({ maf: bin.label, variants: bin.variants, imputed: bin.imputed, mean_r2: bin.meanR2 })),
      })),
    });
    return;
  }
  heading(context, 'results', `${files.length} files from ${new Set(files.map((file) => file.service)).size} services${kept ? `, in ${folder}` : ''}`);
  const rows = files.map((file) => [file.service, file.name, context.tty ? formatBytes(file.bytes) : String(file.bytes)]);
  const table = { tty: context.tty, style: context.style, width: context.width };
  context.out(renderTable([{ header: 'SERVICE', shrink: 'never' }, { header: 'FILE', shrink: 'middle' }, { header: 'SIZE', shrink: 'never', align: 'right' }], rows, table));
  heading(context, 'accuracy', 'mean r² between imputed dosage and the true genotypes, by minor allele frequency (variants not on the chip)');
  context.out(accuracyTable(context, scores, renderTable));
  const done = context.errorStyle.green(`${context.errorStyle.symbols.completed} demo complete`);
  context.info(kept ? `${done}: decrypted results in ${folder}` : `${done}; the results were in a temporary folder, now removed (fedimpute demo --keep DIR keeps them)`);
}

/** a row per service: mean r² per MAF bin, then how many of the truth's variants its results contain */
function accuracyTable(context: Context, scores: ServiceAccuracy[], renderTable: typeof import('../output/table.js').renderTable): string {
  const bins = scores[0]?.bins ?? [];
  const rows = scores.map((score) => {
    const variants = score.bins.reduce((sum, bin) => sum + bin.variants, 0);
    const imputed = score.bins.reduce((sum, bin) => sum + bin.imputed, 0);
    return [score.service, score.panel, ...score.bins.map((bin) => (bin.imputed > 0 ? bin.meanR2.toFixed(3) : '-')), `${imputed}/${variants}`];
  });
  const columns = [
    { header: 'SERVICE', shrink: 'never' as const },
    { header: 'PANEL', shrink: 'end' as const, optional: true },
    ...bins.map((bin) => ({ header: `MAF ${bin.label}`, align: 'right' as const, shrink: 'never' as const })),
    { header: 'VARIANTS', align: 'right' as const, shrink: 'never' as const },
  ];
  return renderTable(columns, rows, { tty: context.tty, style: context.style, width: context.width });
}
