/**
 * The entry point: wires the process (signals, EPIPE, real streams) to `execute`, which runs one command
 * line and is the one place that maps errors to messages and exit codes (DESIGN §4). Commands never call
 * process.exit. Tests call `execute` with in-memory streams, the binary calls `main`.
 */
import { isatty } from 'node:tty';
import { Context, type ContextOptions, type Globals } from './context.js';
import { EXIT, isFedimputeError, type ExitCode } from './errors.js';
import { fileFault, storeFault } from './faults.js';
import type { OutputStream } from './output/style.js';
import { streamWidth, wrapProse } from './output/width.js';
import { redact } from './secrets.js';

export async function main(argv: string[]): Promise<number> {
  // `fedimpute jobs | head`: a closed pipe is a normal end, not a crash
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  return execute(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    // not process.stdin.isTTY: making the stream costs a `jobs` or `status` more than the answer (~1.5 ms)
    stdinIsTTY: isatty(0),
    signal: controller.signal,
    interrupted: () => interrupted,
  });
}

export interface ExecuteOptions extends Omit<ContextOptions, 'globals'> {
  /** Ctrl-C was pressed: the exit code is 130 whatever the command returned */
  interrupted?: () => boolean;
}

/** run one command line with these streams and this environment; the exit code */
export async function execute(argv: string[], options: ExecuteOptions): Promise<number> {
  let context: Context | undefined;
  const interrupted = options.interrupted ?? (() => false);
  const makeContext = (globals: Globals): Context => {
    context = new Context({ ...options, globals });
    return context;
  };
  const verbose = argv.includes('--verbose');
  try {
    // `jobs` and `status` skip commander when their argv is plain (see fastpath.ts); the rest goes to cli.ts
    const fast = (await import('./fastpath.js')).fastPath(argv);
    const code = fast
      ? await fast(makeContext)
      : await (await import('./cli.js')).runCli(argv, makeContext, { stdout: options.stdout, stderr: options.stderr });
    if (interrupted()) return EXIT.interrupted;
    return code;
  } catch (error) {
    if (interrupted() && !isFedimputeError(error)) return EXIT.interrupted;
    return report(error, verbose, options.stderr, context);
  } finally {
    context?.close();
  }
}

/** an error as the user sees it: one line, a hint, a stack only with --verbose; its exit code */
export function report(error: unknown, verbose: boolean, stderr: OutputStream, context?: Context): ExitCode {
  const color = context?.errorStyle ?? { red: (text: string) => text, dim: (text: string) => text };
  // prose, wrapped on a terminal like every other line of chatter (Context.chatter); whole in a log
  const line = (text: string) => `${stderr.isTTY ? wrapProse(text, streamWidth(stderr)) : text}\n`;
  // the machine's refusals (a full disk, a locked store) under their real names, not as internal errors
  if (!isFedimputeError(error)) error = (context && storeFault(error, context.dbPath)) ?? fileFault(error) ?? error;
  if (isFedimputeError(error)) {
    if (error.message) stderr.write(line(`${color.red('error:')} ${redact(error.message)}`));
    if (error.hint && error.message) stderr.write(line(`  ${color.dim(`→ ${redact(error.hint)}`)}`));
    if (verbose && error.stack && error.exitCode !== EXIT.jobFailed && error.exitCode !== EXIT.pending) {
      stderr.write(`${redact(error.stack)}\n`);
    }
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(line(`${color.red('error:')} internal error: ${redact(message)}`));
  if (verbose && error instanceof Error && error.stack) stderr.write(`${redact(error.stack)}\n`);
  else stderr.write(`${color.dim('  → run again with --verbose for details, and report it if it persists')}\n`);
  return EXIT.runtime;
}
