/**
 * The in-process test seam (STYLE "Test through the seam"): a test Context with in-memory stdout and
 * stderr, a fake clock whose sleep lets fake time pass at once, and a store and registry of the test's
 * choosing. `call` runs a command's `runX(options, context)`; `cli` runs an argv through the binary's own
 * parsing and error mapping (src/main.ts `execute`) without a process. Errors become exit codes and stderr
 * lines exactly as the binary prints them. The emulators (src/sandbox) run in this process on port 0.
 */
import { Context, type Globals } from '../../src/context.js';
import { execute, report } from '../../src/main.js';
import type { OutputStream } from '../../src/output/style.js';
import type { EmulatorClock } from '../../src/sandbox/clock.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * fake time: frozen until a sleep or a test lets it pass (at once); starts at the real now. `emulators` is
 * the same time for the emulators (src/sandbox/clock.ts): a test that gives it to them moves their jobs on
 * with `advance`, and their timers fire in order as it passes.
 */
export class FakeClock {
  private time: number;
  private readonly timers: { at: number; order: number; callback: () => void }[] = [];
  private scheduled = 0;
  /** every sleep asked for, in ms */
  readonly sleeps: number[] = [];

  constructor(start = Date.now()) {
    this.time = start;
  }

  readonly now = (): Date => new Date(this.time);

  readonly emulators: EmulatorClock = {
    now: () => this.time,
    schedule: (ms, callback) => {
      const timer = { at: this.time + Math.max(0, ms), order: this.scheduled++, callback };
      this.timers.push(timer);
      return () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
      };
    },
  };

  advance(ms: number): void {
    const target = this.time + Math.max(0, ms);
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = target;
  }

  /**
   * The time passes at once; the event loop then turns for at most 10 ms of wall time (never the interval
   * asked for): emulators on the wall clock move on meanwhile, and a `watch` polling in a tight loop would
   * burn the CPU that the emulators' imputation needs.
   */
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    if (signal?.aborted) return;
    this.advance(ms);
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));
  };
}

export function memoryStream(options: { tty?: boolean; columns?: number } = {}): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return {
    write: (chunk) => chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) > 0,
    isTTY: options.tty ?? false,
    columns: options.columns,
    text: () => chunks.join(''),
  };
}

export interface RunOptions {
  /** added to (undefined: removed from) the session's environment */
  env?: Record<string, string | undefined>;
  cwd?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  config?: string;
  db?: string;
  /** stdout (and stderr) are terminals */
  tty?: boolean;
  columns?: number;
  signal?: AbortSignal;
}

export interface Session {
  env: Record<string, string>;
  cwd: string;
  clock: FakeClock;
  /** run one command's runX(options, context) with a fresh test Context */
  call<Options>(run: (options: Options, context: Context) => Promise<number>, options: Options, io?: RunOptions): Promise<Captured>;
  /** run an argv as the binary does (fast path, commander, error mapping), in this process */
  cli(argv: string[], io?: RunOptions): Promise<Captured>;
  /** a test Context and its streams, for tests that drive more than one call */
  context(io?: RunOptions): { context: Context; stdout(): string; stderr(): string };
}

/** env: the variables a command may read (the rest of process.env stays out, as for the spawned binary) */
export function session(base: { env?: Record<string, string>; cwd: string; clock?: FakeClock }): Session {
  const clock = base.clock ?? new FakeClock();
  // a UTF-8 locale, as a terminal has (without one the symbols are ASCII, see output/style.ts)
  const env: Record<string, string> = { FEDIMPUTE_RETRY_BASE_MS: '1', LANG: 'C.UTF-8', ...base.env };
  const environment = (extra: RunOptions['env'] = {}): NodeJS.ProcessEnv => {
    const merged: NodeJS.ProcessEnv = { HOME: process.env.HOME, ...env };
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
    return merged;
  };
  const streams = (io: RunOptions) => ({ stdout: memoryStream({ tty: io.tty, columns: io.columns ?? 160 }), stderr: memoryStream({ tty: io.tty, columns: io.columns ?? 160 }) });
  const make = (io: RunOptions = {}) => {
    const { stdout, stderr } = streams(io);
    const globals: Globals = { json: io.json ?? false, quiet: io.quiet ?? false, verbose: io.verbose ?? false, color: io.color ?? true, config: io.config, db: io.db };
    const context = new Context({ env: environment(io.env), cwd: io.cwd ?? base.cwd, globals, stdout, stderr, now: clock.now, sleep: clock.sleep, sandboxClock: clock.emulators, signal: io.signal });
    return { context, stdout: stdout.text, stderr: stderr.text };
  };
  return {
    env,
    cwd: base.cwd,
    clock,
    context: make,
    async call(run, options, io = {}) {
      const made = make(io);
      let code: number;
      try {
        code = await run(options, made.context);
      } catch (error) {
        code = report(error, io.verbose ?? false, made.context.stderr, made.context);
      } finally {
        made.context.close();
      }
      return { code, stdout: made.stdout(), stderr: made.stderr() };
    },
    async cli(argv, io = {}) {
      const { stdout, stderr } = streams(io);
      const code = await execute(argv, { env: environment(io.env), cwd: io.cwd ?? base.cwd, stdout, stderr, now: clock.now, sleep: clock.sleep, sandboxClock: clock.emulators, signal: io.signal });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
  };
}
