/**
 * Command registration: each command is a thin registration that turns argv into an options object
 * and lazily imports the module that does the work (so `jobs` never loads undici, zod or yaml).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import type { Context, Globals } from './context.js';
import { EXIT, UsageError } from './errors.js';

const require = createRequire(import.meta.url);

type MakeContext = (globals: Globals) => Context;
type Action = (options: Record<string, unknown>, context: Context, args: string[]) => Promise<number | void>;

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
      const context = makeContext({
        config: options.config as string | undefined,
        db: options.db as string | undefined,
        json: Boolean(options.json),
        quiet: Boolean(options.quiet),
        verbose: Boolean(options.verbose),
        color: options.color !== false,
      });
      const run = await load();
      const result = await run(options, context, args);
      if (typeof result === 'number') exitCode = result;
    };

  const services = program.command('services').description('services and panels from the registry');
  services
    .command('list', { isDefault: true })
    .description('list services and their panels')
    .action(action(async () => (await import('./commands/services.js')).runServices));

  program
    .command('jobs')
    .description('parents with their children as a tree')
    .option('--status <status>', 'only parents in this status (queued, running, completed, failed, canceled)')
    .addOption(new Option('--limit <n>', 'at most n parents').argParser(positiveInteger('--limit')))
    .action(action(async () => (await import('./commands/jobs.js')).runJobs));

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

export function positiveInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
    return number;
  };
}
