/**
 * Drive the real binary (bin/fedimpute → dist/) the way a user or cron does. `npm test` builds dist/
 * first (pretest); when running one file by hand, run `npm run build` before.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'fedimpute');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** A clean environment: no inherited FEDIMPUTE_* or XDG dirs, no colour unless asked. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: cleanEnv(options.env), cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : (error as { signal?: string }).signal ? 128 : 1) : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** start the binary without waiting (for kill tests, concurrent runs, sandbox) */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function tempDir(prefix = 'fedimpute-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Run the binary under a pseudo-terminal (util-linux `script`), so stdout and stderr are TTYs: tables,
 * colour, live redraws. Both streams arrive mixed on stdout, with CRLF line ends turned into LF.
 */
export function runTty(args: string[], options: CliOptions & { columns?: number } = {}): Promise<CliResult> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const size = options.columns ? `stty cols ${options.columns} rows 40 2>/dev/null; ` : '';
  const command = `${size}${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  return new Promise((resolvePromise) => {
    execFile(
      '/usr/bin/script',
      ['-qec', command, '/dev/null'],
      { cwd: options.cwd ?? ROOT, env: cleanEnv({ TERM: 'xterm', ...options.env }), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout).replace(/\r\n/g, '\n'), stderr: String(stderr) });
      },
    );
  });
}
