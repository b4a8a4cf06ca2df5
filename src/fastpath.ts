/**
 * A commander-free road for the two commands scripts and prompts run most, `jobs` and `status`:
 * DESIGN §7 gives them 1.5× the start-up time of `node -e ''`, and importing commander alone costs
 * ~10 ms of that. node:util's parseArgs (strict, already in memory) reads argv; whenever it is not sure
 * — help, version, unknown or misplaced options, a missing or ambiguous value, `--`, a wrong number of
 * operands — fastPath returns undefined and main.ts hands argv to commander (cli.ts), which prints its
 * usual messages. So the fast path only ever runs command lines that commander would accept.
 * FAST_COMMANDS mirrors the registrations in cli.ts; test/foundation/fastpath.test.ts compares both with
 * each command's --help and runs the same command lines through both roads.
 */
import { parseArgs } from 'node:util';
import { positiveInteger, type RawOptions } from './commands/options.js';
import { globalsFrom, type Context, type Globals } from './context.js';

/** the command's own parse (the one its commander registration uses) and run */
type FastRun = (raw: RawOptions, operands: string[], context: Context) => Promise<number>;

interface FastCommand {
  /** the command's own options, long names as typed */
  options: Record<string, 'string' | 'boolean'>;
  /** exact number of operands */
  operands: number;
  /** value parsers, as the argParser of the commander option */
  parse?: Record<string, (value: string) => unknown>;
  load: () => Promise<FastRun>;
}

export const GLOBAL_OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

export const FAST_COMMANDS: Record<string, FastCommand> = {
  jobs: {
    options: { status: 'string', limit: 'string' },
    operands: 0,
    parse: { limit: positiveInteger('--limit') },
    load: async () => {
      const { jobsOptions, runJobs } = await import('./commands/jobs.js');
      return (raw, _operands, context) => runJobs(jobsOptions(raw), context);
    },
  },
  status: {
    options: { refresh: 'boolean', 'no-refresh': 'boolean', 'exit-status': 'boolean' },
    operands: 1,
    load: async () => {
      const { statusOptions, runStatus } = await import('./commands/status.js');
      return (raw, operands, context) => runStatus(statusOptions(raw, operands), context);
    },
  },
};

/** the run of a command line the fast path is sure about, or undefined to use commander */
export function fastPath(argv: readonly string[]): ((makeContext: (globals: Globals) => Context) => Promise<number>) | undefined {
  if (argv.includes('--')) return undefined;
  const complete = completeRun(argv);
  if (complete) return complete;
  for (const [name, command] of Object.entries(FAST_COMMANDS)) {
    const own = Object.fromEntries(Object.entries(command.options).map(([flag, type]) => [flag, { type }]));
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...own }, strict: true, allowPositionals: true, tokens: true });
    } catch {
      continue;
    }
    const { values, positionals, tokens } = parsed;
    if (positionals[0] !== name || positionals.length !== command.operands + 1) continue;
    // commander reads a command's own options only after the command's name
    const at = tokens.find((token) => token.kind === 'positional')!.index;
    if (tokens.some((token) => token.kind === 'option' && token.name in own && token.index < at)) return undefined;
    const options: Record<string, unknown> = { color: !values['no-color'] };
    for (const [flag, value] of Object.entries(values)) {
      if (flag === 'no-color') continue;
      options[camelCase(flag)] = typeof value === 'string' && command.parse?.[flag] ? command.parse[flag](value) : value;
    }
    return async (makeContext) => {
      const context = makeContext(globalsFrom(options));
      const run = await command.load();
      return run(options, positionals.slice(1), context);
    };
  }
  return undefined;
}

/**
 * `fedimpute [--config f] [--db f] __complete services|parents`: what a completion script asks at TAB
 * time (completion/values.ts). Hidden, never in --help; only ever run by the scripts.
 */
function completeRun(argv: readonly string[]): ((makeContext: (globals: Globals) => Context) => Promise<number>) | undefined {
  const at = argv.indexOf('__complete');
  if (at < 0 || at !== argv.length - 2) return undefined;
  const globals: Record<string, unknown> = {};
  for (let index = 0; index < at; index++) {
    if (argv[index] === '--config' || argv[index] === '--db') globals[argv[index].slice(2)] = argv[++index];
    else return undefined;
  }
  return async (makeContext) => (await import('./completion/values.js')).completeValues(argv[at + 1], makeContext(globalsFrom(globals)));
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

