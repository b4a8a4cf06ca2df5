/**
 * The one HTTP layer every adapter uses (undici), and the trust boundary of the network (DESIGN §6). It owns
 * timeouts, retries, redirects and the bounds on what a server may send, so that protocol code only says
 * what it wants:
 * - idempotent requests (GET, or a caller that says so) are retried on network errors, 5xx and 429 with
 *   exponential backoff and full jitter, honouring Retry-After; a POST that got any response is never retried;
 * - redirects are followed here, not by undici: credentials never leave their origin (http-hops.ts);
 * - a text answer is read under a size cap and an overall deadline; a streamed body under a minimum pace
 *   (http-body.ts); either failing is a transport error naming the service, never a job failure;
 * - every error and log line passes through redact().
 * Responses of any status are returned; only transport failures throw.
 */
import { rootCertificates } from 'node:tls';
import { Agent, request as undiciRequest, type Dispatcher } from './undici.js';
import { RemoteError } from '../errors.js';
import { redact } from '../secrets.js';
import { Deadline, PacedBody, readCapped, type Pace, type StreamedBody } from './http-body.js';
import { describeTransportError, readCa, tooManyRedirects } from './http-errors.js';
import { backoff, retryAfterMs } from './http-retry.js';
import { CREDENTIAL_HEADERS, nextHop, REDIRECT_STATUSES, type Body, type Hop, type Method } from './http-hops.js';

export interface HttpOptions {
  connectTimeoutMs: number;
  /** time to wait for response headers */
  responseTimeoutMs: number;
  /** maximum silence while reading a body */
  bodyTimeoutMs: number;
  /** the whole answer of a request read as text (connect, redirects, headers and body) */
  deadlineMs: number;
  /** largest text/JSON answer read */
  maxBodyBytes: number;
  /** a streamed body (a download) must bring this much per window */
  pace: Pace;
  /** attempts after the first, for idempotent requests */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRedirects: number;
  /** PEM bundle trusted in addition to the system CAs, for this service only */
  caFile?: string;
  /** header names that carry this service's credential besides the usual ones (the registry's auth_header) */
  credentialHeaders?: string[];
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
  bodyTimeoutMs: 120_000,
  deadlineMs: 180_000,
  // a 300-job Michigan list is under 1 MiB; a WES run log inlining a long engine log asks for more (maxBodyBytes)
  maxBodyBytes: 8 << 20,
  pace: { windowMs: 60_000, minBytes: 64 << 10 },
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRedirects: 5,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface HttpRequest {
  method: Method;
  /** absolute URL */
  url: string;
  headers?: Record<string, string>;
  /** credential headers: sent to the URL's origin only, dropped on a redirect elsewhere */
  credentials?: Record<string, string>;
  body?: Body;
  /** the body holds a credential: never re-sent to another origin */
  credentialBody?: boolean;
  /** retry safe? defaults to true for GET/HEAD/PUT/DELETE, false for POST */
  idempotent?: boolean;
  /** the caller parses JSON: a 2xx that is not (a proxy's HTML page, a reply cut short) is retried like a 5xx */
  expectJson?: boolean;
  /** override the response timeout (uploads wait for the server to store the file) */
  responseTimeoutMs?: number;
  /** override the size cap of a text answer */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the address that answered (after redirects) */
  url: string;
  /** a redirect led to another origin: the answer came without our credentials */
  crossOrigin: boolean;
  /** the body as it arrives, under the minimum-pace rule (downloads); or call text()/dump() */
  readonly body: StreamedBody;
  /** the body as text, under the size cap and the deadline; a failure is a RemoteError naming the service */
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface HttpClient {
  readonly service: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const DUMP_LIMIT = 64 << 10;

export function createHttpClient(service: string, options: Partial<HttpOptions> = {}, log?: (line: string) => void): HttpClient {
  const settings = { ...DEFAULT_HTTP_OPTIONS, ...options };
  const ca = settings.caFile ? readCa(service, settings.caFile) : undefined;
  const credentialNames = new Set<string>([...CREDENTIAL_HEADERS, ...(settings.credentialHeaders ?? []).map((name) => name.toLowerCase())]);
  const agent = new Agent({
    // node's `ca` REPLACES the trust store; ca_file is meant "in addition to the system CAs" (a Michigan
    // download redirected to S3 must still verify against the public roots)
    // rejectUnauthorized stated explicitly: NODE_TLS_REJECT_UNAUTHORIZED=0 in a user's shell must not turn
    // verification off for every service; a private CA goes in that service's ca_file instead
    connect: { timeout: settings.connectTimeoutMs, rejectUnauthorized: true, ...(ca ? { ca: [...rootCertificates, ca] } : {}) },
    headersTimeout: settings.responseTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
  });

  const failed = (error: unknown): RemoteError => {
    const failure = describeTransportError(error);
    return new RemoteError(service, redact(`${service}: ${failure.text}`), { retryable: failure.retryable, hint: failure.hint, cause: error });
  };

  /** One attempt: the redirect chain to a final answer. Throws transport errors as they come. */
  async function once(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const deadline = new Deadline(settings.deadlineMs, `${request.method} ${pathOf(request.url)}`);
    // an upload's time is the file's, not the server's: its deadline starts when the answer does
    const streamedBody = request.body !== undefined && typeof request.body !== 'string' && !Buffer.isBuffer(request.body);
    if (!streamedBody) deadline.start();
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    let hop: Hop = {
      url: request.url,
      method: request.method,
      headers: { ...request.headers, ...request.credentials },
      body: request.body,
      credentialBody: Boolean(request.credentialBody),
      crossOrigin: false,
    };
    const names = new Set([...credentialNames, ...Object.keys(request.credentials ?? {}).map((name) => name.toLowerCase())]);
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await undiciRequest(hop.url, {
          method: hop.method,
          headers: hop.headers,
          body: hop.body as Dispatcher.DispatchOptions['body'],
          dispatcher: agent,
          signal,
          headersTimeout: request.responseTimeoutMs ?? settings.responseTimeoutMs,
        });
        log?.(redact(`${hop.method} ${hop.url} → ${response.statusCode} (${Date.now() - started} ms)`));
        const location = REDIRECT_STATUSES.has(response.statusCode) ? header(response.headers.location) : undefined;
        if (location === undefined) return answer(response, hop, deadline, request);
        await response.body.dump({ limit: DUMP_LIMIT }).catch(() => undefined);
        if (redirects >= settings.maxRedirects) throw tooManyRedirects();
        hop = nextHop(hop, response.statusCode, location, request.url, names);
      }
    } catch (error) {
      deadline.stop();
      if (deadline.expired && !request.signal?.aborted) throw deadline.error();
      throw error;
    }
  }

  function answer(response: Dispatcher.ResponseData, hop: Hop, deadline: Deadline, request: HttpRequest): HttpResponse {
    deadline.start();
    const source = response.body;
    // a deadline that fires on a body nobody reads must not become an uncaught 'error' event
    source.on('error', () => undefined);
    const length = Number(header(response.headers['content-length']));
    let streamed: StreamedBody | undefined;
    let read: Promise<string> | undefined;
    const readText = () => (read ??= readCapped(source, request.maxBodyBytes ?? settings.maxBodyBytes, Number.isFinite(length) ? length : undefined, deadline));
    return {
      status: response.statusCode,
      headers: response.headers,
      url: hop.url,
      crossOrigin: hop.crossOrigin,
      get body() {
        if (!streamed) {
          deadline.stop();
          streamed = new PacedBody(source, settings.pace, service);
        }
        return streamed;
      },
      text: () => readText().catch((error: unknown) => Promise.reject(failed(error))),
      dump: async () => {
        await source.dump({ limit: DUMP_LIMIT }).catch(() => undefined);
        deadline.stop();
      },
    };
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method !== 'POST';
    const attempts = idempotent ? settings.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await once(request);
        if (idempotent && RETRY_STATUSES.has(response.status) && attempt < attempts) {
          const wait = backoff(attempt, retryAfterMs(response.headers['retry-after']), settings);
          await response.dump();
          await settings.sleep(wait);
          continue;
        }
        if (!request.expectJson || response.status < 200 || response.status >= 300) return response;
        // read here, inside the retry loop: a stalled or cut-short answer is retried like a network error
        const text = await response.text().catch((error: RemoteError) => Promise.reject(error.details.cause ?? error));
        if (!isJson(text) && idempotent && attempt < attempts) {
          log?.(redact(`${request.method} ${request.url}: the body is not JSON; retrying`));
          await settings.sleep(backoff(attempt, undefined, settings));
          continue;
        }
        return Object.assign(response, { text: async () => text, dump: async () => undefined });
      } catch (error) {
        const failure = describeTransportError(error);
        log?.(redact(`${request.method} ${request.url} failed: ${failure.text}`));
        if (request.signal?.aborted) throw error;
        if (!failure.again || !idempotent || attempt >= attempts) throw failed(error);
        await settings.sleep(backoff(attempt, undefined, settings));
      }
    }
  }

  return { service, request, close: () => agent.close() };
}

function pathOf(url: string): string {
  return URL.canParse(url) ? new URL(url).pathname : url;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
