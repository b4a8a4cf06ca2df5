/**
 * Secrets never reach the store (DESIGN §6): a server that echoes our token or a result password in an
 * error would otherwise have it written into a message, an event or a `jobs --json` document, and printed
 * later by commands that never load tokens to redact with. Every text a store write entry point receives
 * passes through here first: redacted with every secret this process knows (the registry's tokens are
 * registered when it is loaded) and with the row's own result password. The password column itself is
 * the one place a password is meant to be.
 */
import { redact, registerSecret } from '../secrets.js';

export function scrubbed<T extends object>(row: T, password?: string | null): T {
  registerSecret(password ?? undefined);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) result[key] = typeof value === 'string' && key !== 'result_password' ? redact(value) : value;
  return result as T;
}

export function scrubbedText(text: string | null, password?: string | null): string | null {
  registerSecret(password ?? undefined);
  return text === null ? null : redact(text);
}
