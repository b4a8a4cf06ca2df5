/**
 * Every failure fedimpute reports is one of these. main.ts maps them to the exit codes of DESIGN §4 and
 * prints `message` (plus `hint`) on one line; stacks only with --verbose.
 */
export const EXIT = {
  ok: 0,
  runtime: 1,
  usage: 2,
  jobFailed: 3,
  auth: 4,
  pending: 8,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class FedimputeError extends Error {
  readonly exitCode: ExitCode = EXIT.runtime;
  /** how to fix it, printed after the message */
  readonly hint?: string;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Bad command line: unknown service, bad duration, unknown parent id. */
export class UsageError extends FedimputeError {
  override readonly exitCode = EXIT.usage;
}

/** Bad registry (services.yaml), bad store, missing token variable. */
export class ConfigError extends FedimputeError {
  override readonly exitCode = EXIT.usage;
}

/** Input files that the servers would reject. */
export class InputError extends FedimputeError {
  override readonly exitCode = EXIT.usage;
}

/** A service rejected our credentials (401/403, expired or revoked token). */
export class AuthError extends FedimputeError {
  override readonly exitCode = EXIT.auth;
  constructor(
    readonly service: string,
    message: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * No token to send: its environment variable is unset or empty, its token_file is missing or empty. Exit 4
 * like a rejected token: the fix is the same (give fedimpute a valid token), and it is what a cron job
 * whose environment lacks the variable meets.
 */
export class MissingTokenError extends AuthError {}

/** A service answered something we could not use, or could not be reached. */
export class RemoteError extends FedimputeError {
  constructor(
    readonly service: string,
    message: string,
    readonly details: { retryable?: boolean; status?: number; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { hint: details.hint, cause: details.cause });
  }
  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

/**
 * The machine refused: a full disk, a read-only file system, a store locked by another process. Named with the
 * path and what to do; not a bug to report (exit 1, or `exitCode` when the user's own choice is at fault).
 */
export class EnvironmentError extends FedimputeError {
  constructor(
    message: string,
    options?: { hint?: string; cause?: unknown },
    override readonly exitCode: ExitCode = EXIT.runtime,
  ) {
    super(message, options);
  }
}

/** A command finished its work but wants a non-zero exit (watch: failures settled, timeout). */
export class ExitStatus extends FedimputeError {
  constructor(
    override readonly exitCode: ExitCode,
    message = '',
  ) {
    super(message);
  }
}

export function isFedimputeError(error: unknown): error is FedimputeError {
  return error instanceof FedimputeError;
}
