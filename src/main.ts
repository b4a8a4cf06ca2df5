/**
 * The entry point: builds the real context, runs the command line, and is the one place that maps
 * errors to messages and exit codes (DESIGN §4). Commands never call process.exit.
 */
import { Context, type Globals } from './context.js';
import { EXIT, isFedimputeError, type ExitCode } from './errors.js';
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

  let context: Context | undefined;
  const makeContext = (globals: Globals): Context => {
    context = new Context({
      env: process.env,
      cwd: process.cwd(),
      globals,
      stdout: process.stdout,
      stderr: process.stderr,
      stdinIsTTY: Boolean(process.stdin.isTTY),
      signal: controller.signal,
    });
    return context;
  };
  const verbose = argv.includes('--verbose');
  try {
    // `jobs` and `status` skip commander when their argv is plain (see fastpath.ts); the rest goes to cli.ts
    const fast = (await import('./fastpath.js')).fastPath(argv);
    const code = fast ? await fast(makeContext) : await (await import('./cli.js')).runCli(argv, makeContext);
    if (interrupted) return EXIT.interrupted;
    return code;
  } catch (error) {
    if (interrupted && !isFedimputeError(error)) return EXIT.interrupted;
    return report(await named(error, context), verbose, context);
  } finally {
    context?.close();
  }
}

/** the machine's refusals (a full disk, a locked store) under their real names, not as internal errors */
async function named(error: unknown, context: Context | undefined): Promise<unknown> {
  if (isFedimputeError(error)) return error;
  const { fileFault, storeFault } = await import('./faults.js');
  return (context && storeFault(error, context.dbPath)) ?? fileFault(error) ?? error;
}

function report(error: unknown, verbose: boolean, context: Context | undefined): ExitCode {
  const color = context?.errorStyle ?? { red: (text: string) => text, dim: (text: string) => text };
  if (isFedimputeError(error)) {
    if (error.message) process.stderr.write(`${color.red('error:')} ${redact(error.message)}\n`);
    if (error.hint && error.message) process.stderr.write(`${color.dim(`  → ${redact(error.hint)}`)}\n`);
    if (verbose && error.stack && error.exitCode !== EXIT.jobFailed && error.exitCode !== EXIT.pending) {
      process.stderr.write(`${redact(error.stack)}\n`);
    }
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${color.red('error:')} internal error: ${redact(message)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
  else process.stderr.write(`${color.dim('  → run again with --verbose for details, and report it if it persists')}\n`);
  return EXIT.runtime;
}
