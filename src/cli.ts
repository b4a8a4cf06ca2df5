/**
 * The command line: each command registers itself (src/commands/<verb>.ts: options, operands, help, and a
 * parse from commander's values to its typed options) and its work is imported only when it runs (so
 * `jobs` never loads undici, zod or yaml).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import type { Register, Registration } from './commands/options.js';
import { globalsFrom, type Context, type Globals, type OutputStream } from './context.js';
import { EXIT } from './errors.js';
import { streamWidth, wrapProse } from './output/width.js';

const require = createRequire(import.meta.url);

type MakeContext = (globals: Globals) => Context;

/**
 * Each command's registration, in the order `fedimpute --help` lists them. Only the command that argv
 * names is imported (15 command modules cost ~10 ms of start-up); help and mistakes get all of them.
 */
const COMMANDS: Record<string, () => Promise<Registration>> = {
  services: async () => (await import('./commands/services.js')).registerServices,
  panels: async () => (await import('./commands/panels.js')).registerPanels,
  check: async () => (await import('./commands/check.js')).registerCheck,
  prepare: async () => (await import('./commands/prepare.js')).registerPrepare,
  jobs: async () => (await import('./commands/jobs.js')).registerJobs,
  status: async () => (await import('./commands/status.js')).registerStatus,
  submit: async () => (await import('./commands/submit.js')).registerSubmit,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
  poll: async () => (await import('./commands/poll.js')).registerPoll,
  cancel: async () => (await import('./commands/cancel.js')).registerCancel,
  retry: async () => (await import('./commands/retry.js')).registerRetry,
  sandbox: async () => (await import('./commands/sandbox.js')).registerSandbox,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  download: async () => (await import('./commands/download.js')).registerDownload,
  combine: async () => (await import('./commands/combine.js')).registerCombine,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  completion: async () => (await import('./commands/completion.js')).registerCompletion,
};

/** global options that take a value: their value is never the command */
const VALUED_GLOBALS = new Set(['--config', '--db']);

/** the command argv names, as commander will read it: the first word that is not a global option or its value */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index];
    if (word === '--') return undefined;
    if (VALUED_GLOBALS.has(word)) index++;
    else if (!word.startsWith('-')) return Object.hasOwn(COMMANDS, word) ? word : undefined;
  }
  return undefined;
}

/** the program with its global options and help settings, no command yet */
function baseProgram(io: { stdout: OutputStream; stderr: OutputStream }): Command {
  const program = new Command('fedimpute');
  const { version } = require('../package.json') as { version: string };
  return program
    // gh-style: each command's --help lists the global options too, after its own
    .configureHelp({ showGlobalOptions: true })
    .description('Federated genotype imputation: one VCF, many imputation services, one parent job.')
    .version(version, '-V, --version')
    .option('--config <file>', 'service registry (default: $FEDIMPUTE_CONFIG, ./services.yaml, $XDG_CONFIG_HOME/fedimpute/services.yaml)')
    .option('--db <file>', 'job store (default: $FEDIMPUTE_DB, $XDG_DATA_HOME/fedimpute/fedimpute.db)')
    .option('--json', 'one JSON document on stdout')
    .option('--no-color', 'no ANSI colours (also NO_COLOR, TERM=dumb)')
    .option('-q, --quiet', 'no progress or informational lines on stderr (warnings and errors still print)')
    .option('-v, --verbose', 'request log and stack traces on stderr')
    .showHelpAfterError('(run `fedimpute --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(fitHelp(text, helpWidth(io.stdout))),
      writeErr: (text) => io.stderr.write(fitHelp(text, helpWidth(io.stderr))),
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
    })
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  # try it without an account: a local sandbox that really imputes',
        '  $ fedimpute demo',
        '',
        '  # one VCF to two services, then follow it and bring the results home',
        '  $ fedimpute submit --services 1,4 study.chr20.vcf.gz',
        '  $ fedimpute watch last',
        '  $ fedimpute download last --out results/',
        '',
        'Exit codes: 0 ok, 1 runtime error, 2 usage or input error, 3 a child failed or was canceled, 4 token rejected or missing, 8 still pending, 130 interrupted.',
        'Shell completion: fedimpute completion --help',
        '',
      ].join('\n'),
    );
}

/** the terminal's width, else 80 (commander's own default, and what a pipe or a man-like reader expects) */
function helpWidth(stream: OutputStream): number {
  return stream.isTTY ? streamWidth(stream) : 80;
}

/**
 * commander wraps its option and command lists; the prose we add after them (notes, example comments) is wrapped
 * here. A command line (`$ fedimpute …`) is never broken: it is meant to be pasted.
 */
function fitHelp(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => (/^\s*\$ /.test(line) ? line : wrapProse(line, width, /^\s*# /.test(line) ? '# ' : '')))
    .join('\n');
}

export async function runCli(argv: string[], makeContext: MakeContext, io: { stdout: OutputStream; stderr: OutputStream }): Promise<number> {
  const program = baseProgram(io);
  let exitCode: number = EXIT.ok;

  const register: Register = (parse, load) => async (...parameters) => {
    const command = parameters.at(-1);
    if (!(command instanceof Command)) throw new Error('commander called an action without its command');
    const raw = command.optsWithGlobals();
    const options = parse(raw, command.args);
    const context = makeContext(globalsFrom(raw));
    exitCode = await (await load())(options, context);
  };
  const named = commandOf(argv);
  // `completion` writes its script from every registration, so it gets them all
  const registrations = await Promise.all((named && named !== 'completion' ? [COMMANDS[named]] : Object.values(COMMANDS)).map((load) => load()));
  for (const registration of registrations) registration(program, register);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      // commander already printed its message
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
