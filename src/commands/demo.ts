/**
 * `fedimpute demo [--keep dir] [--db file]`: the whole job on a fresh machine. Starts the sandbox in-process
 * (fast), takes its simulated study, then runs the real commands with a context pointed at the sandbox:
 * check → submit --meta (to both services) → watch → download → combine → what came back, and how accurate
 * each service's imputation is against the study's known truth, and their combination (the services impute
 * with panels of different populations, the study is admixed: neither is good everywhere, meta-imputing
 * their results is good nearly everywhere).
 *
 * Where things go: everything lives in a temporary folder removed at the end, unless --keep DIR is given:
 * then the input, its truth and the decrypted and combined results stay in DIR. The simulated world is
 * cached in <keep>/.fedimpute-sandbox with --keep, else in $XDG_CACHE_HOME/fedimpute/sandbox (a second demo
 * starts at once); the store is temporary unless --db is given. A demo never writes into the current folder
 * uninvited.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, OutputStream } from '../context.js';
import { EXIT, ExitStatus } from '../errors.js';
import type { Sandbox } from '../sandbox/index.js';
import type { DemoSummary } from './demo-summary.js';
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
    .description('the whole job against a local sandbox: check, submit --meta, watch, download, combine, then accuracy against the truth (no accounts, no network)')
    .option('--keep <dir>', 'keep the input, its truth and the decrypted results in this folder (default: a temporary folder, removed at the end)')
    .addHelpText('after', '\nThe job store is temporary unless the global --db FILE is given; --json prints one summary document.');
  examples(command, [
    ['fedimpute demo', 'the whole flow in a temporary folder; nothing is left behind but the cached world'],
    ['fedimpute demo --keep fedimpute-demo', 'keep the study, its truth and the decrypted and combined results in ./fedimpute-demo'],
    ['fedimpute demo --keep /tmp/d --db /tmp/d/jobs.db', 'keep the job store too, to look at it with status and jobs'],
  ]);
  command.action(register(demoOptions, async () => runDemo));
};

const INPUT_NAME = 'chr20.vcf.gz';
const TRUTH_NAME = 'truth.vcf.gz';
const JOB_NAME = 'fedimpute-demo';
/** the sandbox runs at fast speed: a job takes a few seconds */
const WATCH_INTERVAL = '1s';

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
    const cacheDir = cache ? context.resolvePath(cache) : options.keep ? join(keep, CACHE_FOLDER) : userCache;
    // the sandbox's jobs move on the context's time: the wall clock, or a test's that the watch's sleeps advance
    sandbox = await startSandbox({ dir: work, speed: 'fast', cacheDir, clock: context.sandboxClock });
    heading(context, 'sandbox', `Michigan API at ${sandbox.michiganUrl} (population A's panel), GA4GH WES at ${sandbox.wesUrl} (population B's)`);
    inner = await innerContext(context, sandbox.registry, context.globals.db ?? join(work, 'demo.db'));

    const { input, truth } = await copyStudy(sandbox, join(keep, 'input'));
    const { spec } = sandbox.world;
    heading(context, 'input', `${input} (${spec.studySamples} samples admixed from A and B, ${sandbox.world.chip.length} chip sites on ${spec.length / 1e6} Mb of chr20, hg38, phased; truth in ${TRUTH_NAME})`);

    await step(context, inner, 'check', 'local pre-flight against both services’ input rules', (ctx) =>
      runCheckStep(ctx, input),
    );
    await step(context, inner, 'submit', 'one parent job, one child per sandbox service, with leave-one-out dosages for meta-imputation', (ctx) => runSubmitStep(ctx, input));
    const { resolveParent } = await import('../lifecycle/resolve.js');
    const parentId = resolveParent(await inner.store(), 'last').id;
    await step(context, inner, 'watch', `until every child has finished (polling every ${WATCH_INTERVAL})`, async (ctx) => {
      const { runWatch } = await import('./watch.js');
      return runWatch({ parent: parentId, interval: WATCH_INTERVAL }, ctx);
    });
    await step(context, inner, 'download', `results into ${keep}`, (ctx) => runDownloadStep(ctx, parentId, keep));
    await step(context, inner, 'combine', 'both services\' results into one meta-imputed VCF', async (ctx) => {
      const { runCombine } = await import('./combine.js');
      return runCombine({ parent: parentId }, ctx);
    });

    const summary = await summarize(keep, parentId, { truth, typed: input }, sandbox);
    const { printSummary } = await import('./demo-summary.js');
    await printSummary(context, summary, (name, what) => heading(context, name, what), Boolean(options.keep));
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
    sandboxClock: context.sandboxClock,
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

/** --meta: leave-one-out dosages from both; --no-phasing: the study is phased, and both must impute its haplotypes */
async function runSubmitStep(context: Context, input: string): Promise<number> {
  const { runSubmit } = await import('./submit.js');
  return runSubmit(
    { files: [input], services: '1,2', build: 'hg38', meta: true, phasing: false, name: JOB_NAME, description: 'fedimpute demo against the local sandbox', concurrency: 2 },
    context,
  );
}

async function runDownloadStep(context: Context, parentId: string, out: string): Promise<number> {
  const { runDownload } = await import('./download.js');
  return runDownload({ parent: parentId, out }, context);
}

/** what came back, and every service's dose file and the combined one scored against the truth (combined last) */
async function summarize(keep: string, parentId: string, study: { truth: string; typed: string }, sandbox: Sandbox): Promise<DemoSummary> {
  const [{ resultFiles, COMBINED_FOLDER }, { scoreServices }] = await Promise.all([import('./demo-summary.js'), import('../sandbox/report.js')]);
  const { folder, files } = await resultFiles(keep, parentId);
  const { method, outputs } = JSON.parse(await readFile(join(folder, COMBINED_FOLDER, 'combine.json'), 'utf8')) as { method: string; outputs: { path: string }[] };
  const panels = Object.values(sandbox.worldPanels).join(' + ');
  const doses = [
    ...files.filter((file) => file.service !== COMBINED_FOLDER && file.name.endsWith('.dose.vcf.gz')),
    { service: 'combined', path: outputs[0].path, panel: `${method} of ${panels}` },
  ];
  const scores = await scoreServices(doses, study, sandbox.worldPanels);
  return { parentId, folder, files, combined: { method, path: outputs[0].path }, scores };
}
