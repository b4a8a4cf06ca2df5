/**
 * When to try an idempotent request again: exponential backoff with full jitter, and a server's
 * Retry-After honoured up to a bound (a hostile "retry after a day" must not stall a poll for a day).
 */
export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/** Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer. */
export function backoff(attempt: number, retryAfter: number | undefined, settings: BackoffSettings): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(settings.random() * ceiling);
  return retryAfter === undefined ? jittered : Math.min(Math.max(retryAfter, jittered), settings.maxDelayMs * 4);
}

export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
