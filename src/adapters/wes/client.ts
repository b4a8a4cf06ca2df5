/**
 * The requests of the WES adapter: every one through the shared HTTP layer, with the service's token
 * header, and what a refused answer means (a redirect away, a rejected token, or a RemoteError naming the
 * request). The adapter (adapter.ts) decides what to ask; this knows how.
 */
import { AuthError, RemoteError } from '../../errors.js';
import type { WesService } from '../../registry/types.js';
import { redact } from '../../secrets.js';
import { createHttpClient, DEFAULT_HTTP_OPTIONS, type HttpClient, type HttpOptions, type HttpResponse } from '../http.js';
import { errorMessage, readJson, redirectedAway } from '../responses.js';
import type { AdapterOptions } from '../types.js';
import { authHeaders } from './form.js';
import { readRunPage } from './list.js';
import { advertisedBy, RunListSchema, RunLogSchema, ServiceInfoSchema, TaskListSchema, type Advertised, type RunLog, type RunStatus, type WesLog } from './schemas.js';

const DEFAULT_PREFIX = '/ga4gh/wes/v1';
const PAGE_SIZE = 100;
const MAX_PAGES = 200;

/** base_url + api_prefix, without doubling a prefix the base_url already ends with. */
export function apiRootOf(service: Pick<WesService, 'base_url' | 'api_prefix'>): string {
  const base = service.base_url.replace(/\/+$/, '');
  const raw = service.api_prefix ?? DEFAULT_PREFIX;
  const prefix = raw === '' || raw === '/' ? '' : `/${raw.replace(/^\/+|\/+$/g, '')}`;
  return prefix && !base.endsWith(prefix) ? base + prefix : base;
}

export interface RunListing {
  runs: Map<string, RunStatus>;
  /** some page showed that the server lists runs in flight */
  showsInFlight: boolean;
}

export interface WesClient {
  readonly http: HttpClient;
  readonly settings: Partial<HttpOptions>;
  readonly root: string;
  readonly auth: Record<string, string>;
  get(path: string, what: string, accepted?: number[], maxBodyBytes?: number): Promise<HttpResponse>;
  /** a refused answer as the error it means */
  failure(response: HttpResponse, what: string): Promise<never>;
  /** GET /runs/{id}; null when the server answers 404 */
  runLog(remoteId: string): Promise<RunLog | null>;
  /** GET /runs/{id}/tasks; undefined when the server has no such endpoint */
  tasks(remoteId: string): Promise<WesLog[] | undefined>;
  /** service-info, asked once (again after a failure) */
  serviceInfo(): Promise<Advertised>;
  /** pages through GET /runs, stopping once every wanted id was seen; null when the server has no list */
  listRuns(wanted?: ReadonlySet<string>): Promise<RunListing | null>;
}

export function createWesClient(service: WesService, options: AdapterOptions): WesClient {
  const name = service.name;
  const settings = { caFile: service.ca_file, ...options.http };
  const http = createHttpClient(name, settings, options.log);
  const root = apiRootOf(service);
  const auth = authHeaders(service, options.token);
  // the reference server inlines the engine's whole log in a run log: allow it more than other answers
  const runLogCap = 4 * (options.http?.maxBodyBytes ?? DEFAULT_HTTP_OPTIONS.maxBodyBytes);
  let advertised: Promise<Advertised> | undefined;

  function authError(status: number): AuthError {
    const where = service.token.kind === 'env' ? `$${service.token.variable}` : service.token.kind === 'file' ? service.token.path : 'a token';
    return new AuthError(name, `${name} rejected the request as unauthorized (HTTP ${status})`, {
      hint: service.token.kind === 'none' ? `this server wants a token: set token in services.yaml for ${service.slug}` : `check the token in ${where}`,
    });
  }

  async function failure(response: HttpResponse, what: string): Promise<never> {
    const text = await response.text().catch(() => '');
    const away = redirectedAway(response, name, what);
    if (away) throw away;
    if (response.status === 401 || response.status === 403) throw authError(response.status);
    throw new RemoteError(name, redact(`${name}: ${what} failed (HTTP ${response.status}): ${errorMessage(text)}`), {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
    });
  }

  async function get(path: string, what: string, accepted: number[] = [200], maxBodyBytes?: number): Promise<HttpResponse> {
    const response = await http.request({ method: 'GET', url: root + path, credentials: auth, expectJson: true, maxBodyBytes });
    if (accepted.includes(response.status)) return response;
    return failure(response, what);
  }

  async function runLog(remoteId: string): Promise<RunLog | null> {
    const response = await get(`/runs/${encodeURIComponent(remoteId)}`, `run ${remoteId}`, [200, 404], runLogCap);
    if (response.status === 404) {
      await response.dump();
      return null;
    }
    return readJson(name, `run ${remoteId}`, response, RunLogSchema);
  }

  async function tasks(remoteId: string): Promise<WesLog[] | undefined> {
    const response = await get(`/runs/${encodeURIComponent(remoteId)}/tasks`, `tasks of run ${remoteId}`, [200, 404, 405, 501]);
    if (response.status !== 200) {
      await response.dump();
      return undefined;
    }
    return (await readJson(name, `tasks of run ${remoteId}`, response, TaskListSchema)).task_logs ?? undefined;
  }

  function serviceInfo(): Promise<Advertised> {
    advertised ??= (async () => advertisedBy(await readJson(name, 'service-info', await get('/service-info', 'service-info'), ServiceInfoSchema)))();
    advertised.catch(() => (advertised = undefined));
    return advertised;
  }

  async function listRuns(wanted?: ReadonlySet<string>): Promise<RunListing | null> {
    const listing: RunListing = { runs: new Map(), showsInFlight: false };
    const seenTokens = new Set<string>();
    let token = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `?page_size=${PAGE_SIZE}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const response = await get(`/runs${query}`, 'the run list', [200, 404, 405, 501]);
      if (response.status !== 200) {
        await response.dump();
        return page === 0 ? null : listing;
      }
      const read = readRunPage(await readJson(name, 'the run list', response, RunListSchema));
      listing.showsInFlight ||= read.showsInFlight;
      for (const run of read.runs) listing.runs.set(run.run_id, run);
      if (wanted && [...wanted].every((id) => listing.runs.has(id))) break;
      if (!read.next || read.runs.length === 0 || seenTokens.has(read.next)) break;
      seenTokens.add(read.next);
      token = read.next;
    }
    return listing;
  }

  return { http, settings, root, auth, get, failure, runLog, tasks, serviceInfo, listRuns };
}
