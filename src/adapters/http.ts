/**
 * The one HTTP layer every adapter uses (undici). It owns timeouts, retries and redirects so that the
 * protocol code only says what it wants:
 * - idempotent requests (GET, or a caller that says so) are retried on network errors, 5xx and 429 with
 *   exponential backoff and full jitter, honouring Retry-After;
 * - a POST that got any response is never retried (a duplicate remote job would result);
 * - redirects are followed (S3 result links), a loop ends in a clear RemoteError;
 * - every error and log line passes through redact().
 * Responses of any status are returned; only transport failures throw.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { Agent, interceptors, request as undiciRequest, type Dispatcher } from 'undici';
import { RemoteError } from '../errors.js';
import { redact } from '../secrets.js';

export interface HttpOptions {
  connectTimeoutMs: number;
  /** time to wait for response headers */
  responseTimeoutMs: number;
  /** maximum silence while reading a body */
  bodyTimeoutMs: number;
  /** attempts after the first, for idempotent requests */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRedirects: number;
  /** PEM bundle trusted in addition to the system CAs, for this service only */
  caFile?: string;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
  bodyTimeoutMs: 120_000,
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRedirects: 5,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  /** absolute URL */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer | AsyncIterable<Uint8Array> | Readable;
  /** retry safe? defaults to true for GET/HEAD/PUT/DELETE, false for POST */
  idempotent?: boolean;
  /**
   * the caller parses a JSON body: a 2xx whose body is not JSON (a proxy's HTML page, a reply cut
   * short) is retried like a 5xx when the request is idempotent
   */
  expectJson?: boolean;
  /** override the response timeout (uploads wait for the server to store the file) */
  responseTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the body stream; read it, or call text()/dump() */
  body: Dispatcher.ResponseData['body'];
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface HttpClient {
  readonly service: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

export function createHttpClient(
  service: string,
  options: Partial<HttpOptions> = {},
  log?: (line: string) => void,
): HttpClient {
  const settings = { ...DEFAULT_HTTP_OPTIONS, ...options };
  const ca = settings.caFile ? readCa(service, settings.caFile) : undefined;
  const agent = new Agent({
    // node's `ca` REPLACES the trust store; ca_file is meant "in addition to the system CAs" (a Michigan
    // download redirected to S3 must still verify against the public roots)
    // rejectUnauthorized stated explicitly: NODE_TLS_REJECT_UNAUTHORIZED=0 in a user's shell must not turn
    // verification off for every service; a private CA goes in that service's ca_file instead
    connect: { timeout: settings.connectTimeoutMs, rejectUnauthorized: true, ...(ca ? { ca: [...rootCertificates, ca] } : {}) },
    headersTimeout: settings.responseTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
  });
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: settings.maxRedirects }));

  async function once(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const response = await undiciRequest(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body as Dispatcher.DispatchOptions['body'],
      dispatcher,
      signal: request.signal,
      headersTimeout: request.responseTimeoutMs ?? settings.responseTimeoutMs,
    });
    log?.(redact(`${request.method} ${request.url} → ${response.statusCode} (${Date.now() - started} ms)`));
    const body = response.body;
    return {
      status: response.statusCode,
      headers: response.headers,
      body,
      text: () => body.text(),
      dump: () => body.dump().then(() => undefined),
    };
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method !== 'POST';
    const attempts = idempotent ? settings.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await once(request);
      } catch (error) {
        const failure = describeTransportError(error);
        log?.(redact(`${request.method} ${request.url} failed: ${failure.text}`));
        if (request.signal?.aborted) throw error;
        if (!failure.retryable || attempt >= attempts) {
          throw new RemoteError(service, redact(`${service}: ${failure.text}`), {
            retryable: failure.retryable,
            hint: failure.hint,
            cause: error,
          });
        }
        await settings.sleep(backoff(attempt, undefined, settings));
        continue;
      }
      if (idempotent && RETRY_STATUSES.has(response.status) && attempt < attempts) {
        const wait = backoff(attempt, retryAfterMs(response.headers['retry-after']), settings);
        await response.dump().catch(() => undefined);
        await settings.sleep(wait);
        continue;
      }
      if (request.expectJson && idempotent && response.status >= 200 && response.status < 300) {
        const text = await response.text().catch(() => undefined);
        if ((text === undefined || !isJson(text)) && attempt < attempts) {
          log?.(redact(`${request.method} ${request.url}: the body is not JSON; retrying`));
          await settings.sleep(backoff(attempt, undefined, settings));
          continue;
        }
        return { ...response, text: async () => text ?? '', dump: async () => undefined };
      }
      return response;
    }
  }

  return { service, request, close: () => agent.close() };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function readCa(service: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RemoteError(service, `${service}: cannot read ca_file ${file}: ${(error as Error).message}`, {
      hint: 'point ca_file at a readable PEM file',
    });
  }
}

/** Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer. */
export function backoff(attempt: number, retryAfter: number | undefined, settings: HttpOptions): number {
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

interface TransportFailure {
  text: string;
  retryable: boolean;
  hint?: string;
}

function describeTransportError(error: unknown): TransportFailure {
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  const message = err.message ?? String(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { text: 'connection timed out', retryable: true };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { text: 'no response in time', retryable: true };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { text: 'response stalled', retryable: true };
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE')
    return { text: 'connection reset by the server', retryable: true };
  if (code === 'ECONNREFUSED') return { text: 'connection refused', retryable: true, hint: 'is the service up? check base_url' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { text: 'host not found', retryable: code === 'EAI_AGAIN', hint: 'check base_url in services.yaml' };
  // undici's own text ("Redirect loop detected ... Use an Agent for cross-origin redirects") advises about
  // its API, not about the service: say what happened in the user's terms
  if (code === 'UND_ERR_REQ_RETRY' || /redirect/i.test(message))
    return { text: 'too many redirects (the server redirects in a loop)', retryable: false, hint: 'check base_url in services.yaml' };
  if (/certificate|self.signed|CERT_|UNABLE_TO_VERIFY/i.test(code + message))
    return {
      text: `TLS certificate not trusted (${code || message})`,
      retryable: false,
      hint: 'if this server uses a private CA, set ca_file for this service in services.yaml',
    };
  if (err.name === 'AbortError') return { text: 'aborted', retryable: false };
  return { text: message || code || 'network error', retryable: true };
}
