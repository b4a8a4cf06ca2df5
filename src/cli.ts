/**
 * Command registration: each command is a thin registration that turns argv into an options object
 * and lazily imports the module that does the work (so `jobs` never loads undici, zod or yaml).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { globalsFrom, type Context, type Globals } from './context.js';
import { EXIT, UsageError } from './errors.js';
import { parseSize } from './domain/size.js';

const require = createRequire(import.meta.url);

type MakeContext = (globals: Globals) => Context;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (options: any, context: Context, args: string[]) => Promise<number | void>;

export async function runCli(argv: string[], makeContext: MakeContext): Promise<number> {
  const program = new Command('fedimpute');
  let exitCode: number = EXIT.ok;
  const { version } = require('../package.json') as { version: string };
  program
    .description('Federated genotype imputation: one VCF, many imputation services, one parent job.')
    .version(version, '-V, --version')
    .option('--config <file>', 'service registry (default: $FEDIMPUTE_CONFIG, ./services.yaml, $XDG_CONFIG_HOME/fedimpute/services.yaml)')
    .option('--db <file>', 'job store (default: $FEDIMPUTE_DB, $XDG_DATA_HOME/fedimpute/fedimpute.db)')
    .option('--json', 'one JSON document on stdout')
    .option('--no-color', 'no ANSI colours (also NO_COLOR)')
    .option('-q, --quiet', 'no progress or warnings on stderr')
    .option('-v, --verbose', 'request log and stack traces on stderr')
    .showHelpAfterError('(run `fedimpute --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'error: ')),
    });

  const action =
    (load: () => Promise<Action>) =>
    async (...parameters: unknown[]) => {
      const command = parameters.at(-1) as Command;
      const options = command.optsWithGlobals() as Record<string, unknown>;
      const args = command.args;
      const context = makeContext(globalsFrom(options));
      const run = await load();
      const result = await run(options, context, args);
      if (typeof result === 'number') exitCode = result;
    };

  const services = program.command('services').description('services and panels from the registry');
  services
    .command('list', { isDefault: true })
    .description('list services and their panels')
    .action(action(async () => (await import('./commands/services.js')).runServices));
  services
    .command('check')
    .description('reachability, latency, protocol version, token validity and expiry, per service')
    .argument('[ids...]', 'service ids or slugs (default: all)')
    .action(action(async () => (await import('./commands/services-check.js')).runServicesCheck));

  program
    .command('panels')
    .description('reference panels per service; --remote reads them from the server')
    .argument('[service]', 'service id or slug')
    .option('--remote', 'ask the server (Michigan app form, WES service-info)')
    .action(action(async () => (await import('./commands/panels.js')).runPanels));

  program
    .command('check')
    .description('local pre-flight of VCF files against the servers\' input rules (no network)')
    .argument('<vcf...>', 'input files')
    .option('--build <build>', 'build the data is in: hg19 or hg38')
    .option('--services <list>', 'also check build and population against these services\' panels')
    .option('--panels <list>', 'panel ids parallel to --services')
    .option('--population <id>', 'population to check against each panel')
    .action(action(async () => (await import('./commands/check.js')).runCheck));

  program
    .command('prepare')
    .description('split into one BGZF VCF per chromosome named for the build (VCF or PLINK .bed input)')
    .argument('<input>', 'a VCF (.vcf, .vcf.gz) or PLINK 1 .bed (with .bim/.fam)')
    .option('--build <build>', 'target build: hg19 (no chr prefix) or hg38 (chr prefix)')
    .option('--out <dir>', 'output folder (default: current folder)')
    .option('--format <format>', 'input format when the extension does not say: vcf, plink, bgen')
    .option('--ref-allele <allele>', 'PLINK input: which allele becomes REF, a2 (default) or a1')
    .action(action(async () => (await import('./commands/prepare.js')).runPrepare));

  program
    .command('jobs')
    .description('parents with their children as a tree')
    .option('--status <status>', 'only parents in this status (queued, running, completed, failed, canceled)')
    .addOption(new Option('--limit <n>', 'at most n parents').argParser(positiveInteger('--limit')))
    .action(action(async () => (await import('./commands/jobs.js')).runJobs));

  program
    .command('status')
    .description('the parent and its children from the store')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--refresh', 'poll the services once first')
    .option('--exit-status', 'exit 0 all completed, 3 settled with failures, 8 still pending')
    .action(action(async () => (await import('./commands/status.js')).runStatus));

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
    .addOption(new Option('--concurrency <n>', 'uploads at once').default(4).argParser(positiveInteger('--concurrency')))
    .option('--no-check', 'skip the local pre-flight check of the input')
    .option('--prepare', 'split per chromosome and rename for --build first (VCF or PLINK .bed input)')
    .option('--format <format>', 'with --prepare: input format when the extension does not say (vcf, plink)')
    .option('--dry-run', 'validate and print the plan; upload nothing')
    .action(action(async () => (await import('./commands/submit.js')).runSubmit));

  program
    .command('watch')
    .description('follow a parent until every child has finished (live table on a terminal)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--interval <duration>', 'time between polls, e.g. 30s, 2m', '30s')
    .option('--timeout <duration>', 'give up after this long (exit 8); the jobs keep running')
    .action(action(async () => (await import('./commands/watch.js')).runWatch));

  program
    .command('poll')
    .description('one refresh of every unfinished job, for cron: a line per change')
    .action(action(async () => (await import('./commands/poll.js')).runPoll));

  program
    .command('cancel')
    .description('cancel the unfinished children of a parent')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)')
    .action(action(async () => (await import('./commands/cancel.js')).runCancel));

  program
    .command('retry')
    .description('resubmit failed or canceled children with the same inputs and options')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)')
    .addOption(new Option('--concurrency <n>', 'uploads at once').default(4).argParser(positiveInteger('--concurrency')))
    .action(action(async () => (await import('./commands/retry.js')).runRetry));

  program
    .command('sandbox')
    .description('a Michigan-API and a WES server on this machine with a ready registry, until Ctrl-C (no accounts, no network)')
    .option('--port <n>', 'Michigan on n, WES on n+1 (default: free ports)')
    .option('--speed <speed>', 'fast (a job takes seconds) or realistic (minutes, with queue positions)', 'fast')
    .option('--faults <rate>', 'inject server faults (500, 429, resets, slow and malformed replies) at this rate, e.g. 0.1')
    .option('--dir <dir>', 'where to write sandbox.services.yaml and its token files (default: current folder)')
    .addHelpText('after', '\n--json prints one ready line {michigan_url, wes_url, registry, token_files}. SIGTERM exits 0, Ctrl-C 130.')
    .action(action(async () => (await import('./commands/sandbox.js')).runSandbox));

  program
    .command('demo')
    .description('the whole job against a local sandbox: check, submit, watch, download (no accounts, no network)')
    .option('--keep <dir>', 'where the input and the decrypted results stay (default: ./fedimpute-demo)')
    .addHelpText('after', '\nThe job store is temporary unless the global --db FILE is given; --json prints one summary document.')
    .action(action(async () => (await import('./commands/demo.js')).runDemo));

  program
    .command('download')
    .description('fetch the results of finished children into <out>/<parent>/<service>/, decrypting Michigan zips')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)')
    .option('--out <dir>', 'where to put the parent\'s folder (default: the current directory)')
    .option('--keep-zips', 'keep the Michigan chr_N.zip files after extracting them')
    .addOption(new Option('--concurrency <n>', 'files at once').default(4).argParser(positiveInteger('--concurrency')))
    .addOption(new Option('--max-ratio <n>', 'refuse a zip that extracts to more than n times its size (default 10)').argParser(positiveNumber('--max-ratio')))
    .addOption(new Option('--max-size <size>', 'refuse a zip that extracts to more than this, e.g. 500G (default 1T)').argParser((value) => parseSize(value, '--max-size')))
    .addOption(new Option('--max-entries <n>', 'refuse a zip with more entries than this (default 1000)').argParser(positiveInteger('--max-entries')))
    .action(action(async () => (await import('./commands/download.js')).runDownload));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
        return EXIT.ok;
      // commander already printed its message
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} must be a positive number, got '${value}'`);
    return number;
  };
}

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
    return number;
  };
}
