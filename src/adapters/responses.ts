/**
 * Reading what servers answer, leniently: real servers send HTML error pages, plain text, truncated
 * JSON and several error envelopes. Shared by every adapter. Every string of a parsed document, and every
 * error text, leaves here cleaned of control sequences (sanitize.ts): nothing a server wrote reaches the
 * store or the terminal raw.
 */
import type { ZodType } from 'zod';
import { RemoteError } from '../errors.js';
import { cleanJson, cleanLine, TooDeepError } from '../sanitize.js';
import { redact } from '../secrets.js';
import type { HttpResponse } from './http.js';

/**
 * HTML tags removed, control sequences removed, whitespace collapsed, secrets redacted, at most `limit`
 * characters. Redacted before it is cut: a cut through an echoed token would leave its prefix unredactable.
 */
export function plainText(text: string, limit = 200): string {
  const stripped = redact(cleanLine(text))
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return stripped.length > limit ? `${stripped.slice(0, limit - 1)}…` : stripped;
}

/** The error text of a body: JSON `msg` → `detail` → `message` → `error` → `title`, else the raw text. */
export function errorMessage(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of ['msg', 'detail', 'message', 'error', 'title']) {
        const field = record[key];
        if (typeof field === 'string' && field.trim()) return plainText(field);
      }
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return plainText(text) || '(empty body)';
}

/** The message of an error envelope ({success:false,message}, {msg}, {detail}, {error}); undefined otherwise. */
function errorEnvelope(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const looksLikeError = record.success === false || ['msg', 'detail', 'error'].some((key) => typeof record[key] === 'string');
  if (!looksLikeError) return undefined;
  for (const key of ['msg', 'detail', 'message', 'error', 'title']) {
    const field = record[key];
    if (typeof field === 'string' && field.trim()) return plainText(field);
  }
  return undefined;
}

/** Parse a JSON body against a schema; garbage becomes one clear RemoteError. */
export async function readJson<T>(
  service: string,
  what: string,
  response: HttpResponse,
  schema: ZodType<T>,
): Promise<T> {
  const text = await response.text();
  return parseJson(service, what, text, schema, response.status);
}

export function parseJson<T>(service: string, what: string, text: string, schema: ZodType<T>, status = 200): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return badJson(service, what, text, status);
  }
  try {
    value = cleanJson(value);
  } catch (error) {
    if (!(error instanceof TooDeepError)) throw error;
    throw new RemoteError(service, `${service} answered ${what} with a JSON document ${error.message} (HTTP ${status})`, { retryable: true, status });
  }
  return validate(service, what, value, schema, status);
}

function badJson(service: string, what: string, text: string, status: number): never {
  const looksHtml = /^\s*</.test(text);
  throw new RemoteError(
    service,
    redact(
      `${service} answered ${what} with ${looksHtml ? 'an HTML page' : text.trim() ? 'malformed JSON' : 'an empty body'} (HTTP ${status})${text.trim() ? `: ${plainText(text, 80)}` : ''}`,
    ),
    { retryable: true, status, hint: 'the server may be under maintenance or behind a proxy; try again later' },
  );
}

function validate<T>(service: string, what: string, value: unknown, schema: ZodType<T>, status: number): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // an error envelope where data was expected (Cloudgene 503 maintenance, `200 {"success":false,...}`):
    // the server's own words help more than the schema mismatch
    const envelope = errorEnvelope(value);
    if (envelope !== undefined) {
      throw new RemoteError(service, redact(`${service} answered ${what} with an error (HTTP ${status}): ${envelope}`), {
        retryable: true,
        status,
        hint: status === 503 ? 'the server may be under maintenance; try again later' : undefined,
      });
    }
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? cleanLine(issue.path.join('.')) : 'the body';
    throw new RemoteError(
      service,
      redact(`${service} answered ${what} with an unexpected shape (HTTP ${status}): ${where}: ${issue?.message ?? 'invalid'}`),
      { retryable: true, status },
    );
  }
  return parsed.data;
}

/** a 401/403 that came from another origin after a redirect: the service sent us away, the token was not rejected */
export function redirectedAway(response: HttpResponse, service: string, what: string): RemoteError | undefined {
  if (!response.crossOrigin || (response.status !== 401 && response.status !== 403)) return undefined;
  const origin = new URL(response.url).origin;
  return new RemoteError(service, `${service} redirected ${what} to another origin (${origin}), which refused it without the token (HTTP ${response.status})`, {
    status: response.status,
    hint: 'fedimpute sends a token only to the origin of base_url; if the service has moved, set base_url to its new address',
  });
}
