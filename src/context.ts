/**
 * One context carries everything impure: streams, environment, clock, store, registry, adapters.
 * The real one is built by main.ts; tests build their own. Nothing else reads process.env or writes
 * to process.stdout.
 */
import { isAbsolute, join } from 'node:path';
import type { ImputationAdapter } from './adapters/types.js';
import { noSecrets, redact } from './secrets.js';
import { createStyle, unicodeTerminal, type OutputStream, type Style } from './output/style.js';
import { streamWidth, wrapProse } from './output/width.js';
import type { Registry, Service } from './registry/types.js';
import type { EmulatorClock } from './sandbox/clock.js';
import type { Database } from './store/db.js';
import type { JobReader } from './store/reader.js';
import type { Store } from './store/store.js';

export type { OutputStream };

export interface Globals {
  config?: string;
  db?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/** the global options as commander or the fast path parsed them (`--no-color` arrives as color: false) */
export function globalsFrom(options: Readonly<Record<string, unknown>>): Globals {
  return {
    config: typeof options.config === 'string' ? options.config : undefined,
    db: typeof options.db === 'string' ? options.db : undefined,
    json: Boolean(options.json),
    quiet: Boolean(options.quiet),
    verbose: Boolean(options.verbose),
    color: options.color !== false,
  };
}

export interface ContextOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  globals: Globals;
  stdout: OutputStream;
  stderr: OutputStream;
  stdinIsTTY?: boolean;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** the time a sandbox started in this process (the demo's) runs on: the wall clock unless a test gives its own */
  sandboxClock?: EmulatorClock;
  signal?: AbortSignal;
}

export class Context {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly globals: Globals;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** stdout is a terminal: tables, colour, live redraws */
  readonly tty: boolean;
  readonly stderrTty: boolean;
  readonly style: Style;
  readonly errorStyle: Style;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** the time a sandbox started in this process runs on (undefined: the wall clock) */
  readonly sandboxClock?: EmulatorClock;
  /** a live area drawing on stderr (bars, spinner): chatter is printed above it, not into it */
  stderrLive?: { above(text: string): void };
  private openedStore?: Store;
  private openedDatabase?: Database;
  private loadedRegistry?: Promise<Registry>;
  /** the registry's tokens, once it is loaded; swept from the store once both are there */
  private registryTokens?: string[];
  private sweep?: Promise<void>;
  private readonly adapters = new Map<number, Promise<ImputationAdapter>>();

  constructor(options: ContextOptions) {
    this.env = options.env;
    this.cwd = options.cwd;
    this.globals = options.globals;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.tty = Boolean(options.stdout.isTTY);
    this.stderrTty = Boolean(options.stderr.isTTY);
    // TERM=dumb: no colour and no symbols outside ASCII; a locale that is not UTF-8: ASCII symbols
    const colorAllowed = options.globals.color && !('NO_COLOR' in options.env && options.env.NO_COLOR !== '') && options.env.TERM !== 'dumb';
    const unicode = unicodeTerminal(options.env);
    this.style = createStyle(colorAllowed && this.tty, unicode);
    this.errorStyle = createStyle(colorAllowed && this.stderrTty, unicode);
    this.signal = options.signal ?? new AbortController().signal;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? defaultSleep;
    this.sandboxClock = options.sandboxClock;
  }

  /** a line of data on stdout */
  out(text: string): void {
    this.stdout.write(`${redact(text)}\n`);
  }

  /** a JSON document already serialised (UTF-8, between prefix and suffix), written as is when no secret can be in it */
  jsonBytes(bytes: Uint8Array, prefix = '', suffix = ''): void {
    if (noSecrets()) {
      this.stdout.write(prefix);
      this.stdout.write(bytes);
      this.stdout.write(`${suffix}\n`);
    } else this.out(`${prefix}${Buffer.from(bytes).toString('utf8')}${suffix}`);
  }

  json(value: unknown): void {
    this.stdout.write(`${redact(JSON.stringify(value, null, this.tty ? 2 : undefined))}\n`);
  }

  /** the terminal's width for stdout's tables (80 when it does not say) */
  get width(): number {
    return streamWidth(this.stdout);
  }

  /** the same for stderr's live areas and notes */
  get errorWidth(): number {
    return streamWidth(this.stderr);
  }

  /** informational chatter on stderr, silenced by --quiet */
  info(text: string): void {
    if (!this.globals.quiet) this.chatter(redact(text));
  }

  /** something the user should know even from cron: --quiet never hides a warning (README "cron") */
  warn(text: string): void {
    this.chatter(`${this.errorStyle.yellow('warning:')} ${redact(text)}`);
  }

  /** an error that does not end the command (a service that refused the token during a poll) */
  error(text: string): void {
    this.chatter(`${this.errorStyle.red('error:')} ${redact(text)}`);
  }

  /**
   * Chatter is prose: wrapped to the width of a terminal. In a pipe or a log the width is unknown and a
   * line is one event that grep and cron mail must find whole, so it is never wrapped there.
   */
  private chatter(text: string): void {
    const line = `${this.stderrTty ? wrapProse(text, this.errorWidth) : text}\n`;
    if (this.stderrLive) this.stderrLive.above(line);
    else this.stderr.write(line);
  }

  debug(text: string): void {
    if (this.globals.verbose) this.stderr.write(`${this.errorStyle.gray(redact(text))}\n`);
  }

  /** --db, else $FEDIMPUTE_DB, else $XDG_DATA_HOME/fedimpute/fedimpute.db */
  get dbPath(): string {
    const chosen = this.globals.db ?? this.env.FEDIMPUTE_DB;
    if (chosen) return this.resolvePath(chosen);
    const dataHome = this.env.XDG_DATA_HOME || join(this.env.HOME ?? '.', '.local', 'share');
    return join(dataHome, 'fedimpute', 'fedimpute.db');
  }

  /** opened on first use; better-sqlite3 is loaded only then */
  async store(): Promise<Store> {
    if (!this.openedStore) {
      const [database, { Store }] = await Promise.all([this.database(), import('./store/store.js')]);
      this.openedStore = new Store(database, this.now);
    }
    await this.sweepTokens();
    return this.openedStore;
  }

  /** the jobs and their history, read only: what `status` and `jobs` need, without the Store's writes */
  async reader(): Promise<JobReader> {
    if (this.openedStore) return this.openedStore.jobs;
    const [database, { JobReader }, { Statements }] = await Promise.all([this.database(), import('./store/reader.js'), import('./store/statements.js')]);
    return new JobReader(new Statements(database));
  }

  /** the SQLite handle alone, for read paths that need no Store (jobs --json) */
  async database(): Promise<Database> {
    if (!this.openedDatabase) {
      const { openDatabase } = await import('./store/db.js');
      const busyMs = Number(this.env.FEDIMPUTE_STORE_BUSY_MS);
      this.openedDatabase = openDatabase(this.dbPath, undefined, (text) => this.warn(text), busyMs > 0 ? busyMs : undefined);
    }
    return this.openedDatabase;
  }

  registry(): Promise<Registry> {
    this.loadedRegistry ??= Promise.all([import('./registry/load.js'), import('./registry/tokens.js')]).then(async ([{ loadRegistry }, { registerRegistryTokens }]) => {
      const registry = await loadRegistry({ flag: this.globals.config, env: this.env, cwd: this.cwd });
      this.registryTokens = registerRegistryTokens(registry, this.env);
      await this.sweepTokens();
      return registry;
    });
    return this.loadedRegistry;
  }

  /** an older fedimpute's store may hold echoed tokens that `jobs` would print: swept once tokens and store are both open */
  private sweepTokens(): Promise<void> {
    const store = this.openedStore;
    const tokens = this.registryTokens;
    if (!store || !tokens) return Promise.resolve();
    this.sweep ??= import('./store/sweep.js').then(({ sweepTokens }) => {
      const rows = sweepTokens(store.db, tokens);
      if (rows > 0) this.info(`removed an API token a server had echoed from ${rows} stored ${rows === 1 ? 'text' : 'texts'} (written by an older fedimpute)`);
    });
    return this.sweep;
  }

  adapter(service: Service): Promise<ImputationAdapter> {
    let adapter = this.adapters.get(service.id);
    if (!adapter) {
      adapter = import('./adapters/index.js').then(({ createAdapter }) =>
        createAdapter(service, this.env, (line) => this.debug(line), { now: this.now }),
      );
      this.adapters.set(service.id, adapter);
    }
    return adapter;
  }

  resolvePath(path: string): string {
    return path === ':memory:' || isAbsolute(path) ? path : join(this.cwd, path);
  }

  close(): void {
    this.openedDatabase?.close();
    this.openedDatabase = undefined;
    this.openedStore = undefined;
    this.sweep = undefined;
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
