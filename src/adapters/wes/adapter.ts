/**
 * The GA4GH WES adapter. Every request goes through the shared HTTP layer; this file only knows the
 * protocol and the quirks of real servers (protocols/wes.md):
 * - reference server (workflow-service): the list key is `workflows`; an unknown run id is RUNNING forever
 *   on /status. A run missing from a list that does show runs in flight, that /status calls non-terminal
 *   and that GET /runs/{id} 404s, is reported lost: the server has forgotten it (restart with a fresh
 *   work dir), and the user retries or cancels it rather than wait forever. Starter-kit lists (finished runs
 *   only) are not trusted for absence, so its in-flight runs cost one /status each and nothing more.
 * - starter kit: /status is a transient 400 right after submit → status null (keep the previous one).
 * - POST /runs is never retried once a response was received (the HTTP layer never retries POST).
 */
import { AuthError, RemoteError } from '../../errors.js';
import type { WesService } from '../../registry/types.js';
import { cleanLine } from '../../sanitize.js';
import { redact, registerSecret } from '../../secrets.js';
import { createHttpClient, DEFAULT_HTTP_OPTIONS, type HttpResponse } from '../http.js';
import { multipartBody } from '../multipart.js';
import { errorMessage, readJson, redirectedAway } from '../responses.js';
import { authHeaders, runForm } from './form.js';
import type { AdapterOptions, CancelOutcome, ImputationAdapter, RemoteJobState, RemoteOutput, SubmitOutcome, SubmitRequest } from '../types.js';
import { checkService, listWorkflows } from './check.js';
import { parseTags, summarizeLog } from './messages.js';
import { selectOutputs } from './outputs.js';
import { capabilitiesOf, RunIdSchema, RunListSchema, RunLogSchema, ServiceInfoSchema, StatusSchema, TaskListSchema, type Capabilities, type RunLog, type RunStatus } from './schemas.js';
import { mapWesState, WES_TERMINAL } from './states.js';

const DEFAULT_PREFIX = '/ga4gh/wes/v1';
const PAGE_SIZE = 100;
const MAX_PAGES = 200;
/** findByChild reads at most this many run logs */
const FIND_LIMIT = 100;

/** base_url + api_prefix, without doubling a prefix the base_url already ends with. */
export function apiRootOf(service: Pick<WesService, 'base_url' | 'api_prefix'>): string {
  const base = service.base_url.replace(/\/+$/, '');
  const raw = service.api_prefix ?? DEFAULT_PREFIX;
  const prefix = raw === '' || raw === '/' ? '' : `/${raw.replace(/^\/+|\/+$/g, '')}`;
  return prefix && !base.endsWith(prefix) ? base + prefix : base;
}

export function createWesAdapter(service: WesService, options: AdapterOptions): ImputationAdapter {
  registerSecret(options.token);
  const name = service.name;
  const http = createHttpClient(name, { caFile: service.ca_file, ...options.http }, options.log);
  const root = apiRootOf(service);
  const auth = authHeaders(service, options.token);
  // the reference server inlines the engine's whole log in a run log: allow it more than other answers
  const runLogCap = 4 * (options.http?.maxBodyBytes ?? DEFAULT_HTTP_OPTIONS.maxBodyBytes);
  let capabilities: Promise<Capabilities> | undefined;
  /** learned from a list: the server lists runs in flight, so a run missing from it is unknown to it */
  let listsInFlight = false;

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

  function serviceInfo(): Promise<Capabilities> {
    capabilities ??= (async () => {
      const response = await get('/service-info', 'service-info');
      return capabilitiesOf(await readJson(name, 'service-info', response, ServiceInfoSchema));
    })();
    capabilities.catch(() => (capabilities = undefined));
    return capabilities;
  }

  const stateOf = (remoteId: string, raw: string | null | undefined): RemoteJobState => {
    const mapped = mapWesState(raw ?? undefined);
    if (mapped.warning) options.log?.(`${name}: run ${remoteId}: ${mapped.warning}`);
    return { remoteId, status: mapped.status, rawState: raw ? cleanLine(raw) : 'UNKNOWN' };
  };

  // not a failure the service reported: the run is gone, and the user decides (retry or cancel)
  const lost = (remoteId: string, why: string): RemoteJobState => ({
    remoteId,
    status: null,
    lost: true,
    rawState: 'NOT_FOUND',
    message: `${name} no longer knows run ${remoteId} (${why})`,
  });

  async function runLog(remoteId: string): Promise<RunLog | null> {
    const response = await get(`/runs/${encodeURIComponent(remoteId)}`, `run ${remoteId}`, [200, 404], runLogCap);
    if (response.status === 404) {
      await response.dump();
      return null;
    }
    return readJson(name, `run ${remoteId}`, response, RunLogSchema);
  }

  async function status(remoteId: string): Promise<RemoteJobState> {
    const response = await get(`/runs/${encodeURIComponent(remoteId)}/status`, `status of run ${remoteId}`, [200, 400, 404]);
    if (response.status === 400) {
      // starter kit: a transient 400 right after submit; not a failure, keep the previous status
      const text = await response.text().catch(() => '');
      return { remoteId, status: null, rawState: 'UNKNOWN', message: `status not available yet: ${redact(errorMessage(text))}` };
    }
    if (response.status === 404) {
      await response.dump();
      return lost(remoteId, '/status answered 404');
    }
    const body = await readJson(name, `status of run ${remoteId}`, response, StatusSchema);
    const state = stateOf(remoteId, body.state);
    if (listsInFlight && !WES_TERMINAL.has(state.rawState)) return crossCheck(remoteId, state);
    return state;
  }

  /** reference server: /status says RUNNING for ids it does not know; GET /runs/{id} tells the truth */
  async function crossCheck(remoteId: string, state: RemoteJobState): Promise<RemoteJobState> {
    const log = await runLog(remoteId);
    if (!log) return lost(remoteId, `/status says ${state.rawState} but GET /runs/${remoteId} answered 404`);
    return log.state ? stateOf(remoteId, log.state) : state;
  }

  /** Pages through GET /runs; stops early once every wanted id was seen. */
  async function listRuns(wanted?: Set<string>): Promise<Map<string, RunStatus> | null> {
    const found = new Map<string, RunStatus>();
    const seenTokens = new Set<string>();
    let token = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `?page_size=${PAGE_SIZE}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const response = await get(`/runs${query}`, 'the run list', [200, 404, 405, 501]);
      if (response.status !== 200) {
        await response.dump();
        return page === 0 ? null : found;
      }
      const list = await readJson(name, 'the run list', response, RunListSchema);
      const runs = list.runs ?? list.workflows ?? [];
      if (list.workflows && !list.runs) listsInFlight = true;
      for (const run of runs) {
        found.set(run.run_id, run);
        if (run.state && !WES_TERMINAL.has(run.state.toUpperCase())) listsInFlight = true;
      }
      if (wanted && [...wanted].every((id) => found.has(id))) break;
      const next = list.next_page_token ?? '';
      if (!next || runs.length === 0 || seenTokens.has(next)) break;
      seenTokens.add(next);
      token = next;
    }
    return found;
  }

  async function statusMany(remoteIds: string[]): Promise<Map<string, RemoteJobState>> {
    const result = new Map<string, RemoteJobState>();
    if (remoteIds.length === 0) return result;
    const listed = (await listRuns(new Set(remoteIds))) ?? new Map<string, RunStatus>();
    const missing: string[] = [];
    for (const id of remoteIds) {
      const entry = listed.get(id);
      if (entry?.state) result.set(id, stateOf(id, entry.state));
      else missing.push(id);
    }
    // not listed (starter kit lists only finished runs, or a newer page): ask one by one
    for (const id of missing) result.set(id, await status(id));
    return result;
  }

  async function submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const info = await serviceInfo();
    const parts = runForm(service, request, info.v11);
    if ('rejected' in parts) return { kind: 'rejected', message: parts.rejected };
    const form = multipartBody(parts, request.onProgress);
    const response = await http.request({
      method: 'POST',
      url: `${root}/runs`,
      headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
      credentials: auth,
      body: form.body,
      idempotent: false,
      responseTimeoutMs: 15 * 60_000,
      signal: request.signal,
    });
    if (response.status === 200 || response.status === 201) {
      const body = await readJson(name, 'the submission', response, RunIdSchema);
      return { kind: 'submitted', remoteId: body.run_id };
    }
    const text = await response.text().catch(() => '');
    const away = redirectedAway(response, name, 'the submission');
    if (away) throw away;
    if (response.status === 401 || response.status === 403) throw authError(response.status);
    // a gateway or overload answer: the run may or may not exist; the caller finds it again by its tags
    // A 500 is the reference server's way to refuse a bad submission, but then it sends an RFC 7807 problem
    // ({title, detail}); a bare 500 is the server failing, and 5xx never fails a child (DESIGN §6).
    const contentType = String(response.headers['content-type'] ?? '');
    const explained = /problem\+json/i.test(contentType) || /"detail"\s*:/.test(text);
    if ([429, 502, 503, 504].includes(response.status) || (response.status >= 500 && !explained) || /^\s*</.test(text)) {
      throw new RemoteError(name, redact(`${name}: submission answered HTTP ${response.status}: ${errorMessage(text)}`), {
        status: response.status,
        retryable: true,
      });
    }
    return { kind: 'rejected', message: redact(`${name} refused the run (HTTP ${response.status}): ${errorMessage(text)}`) };
  }

  async function details(remoteId: string, options: { progress?: boolean } = {}): Promise<RemoteJobState & { messages: string[] }> {
    const log = await runLog(remoteId);
    if (!log) return { ...lost(remoteId, `GET /runs/${remoteId} answered 404`), messages: [] };
    const state = stateOf(remoteId, log.state);
    const summary = summarizeLog(log.run_log?.stderr, log.run_log?.system_logs ?? [], state.rawState);
    const result: RemoteJobState & { messages: string[] } = { ...state, messages: summary.messages.map(redact) };
    if (log.run_log?.start_time) result.startedAt = log.run_log.start_time;
    if (log.run_log?.end_time) result.endedAt = log.run_log.end_time;
    if (state.status === 'failed') result.message = redact(summary.failure ?? `run ended ${state.rawState}`);
    else if (result.messages.length > 0) result.message = result.messages.at(-1);
    const progress =
      state.status === 'completed' ? 100 : state.status === 'running' ? await taskProgress(remoteId, log, options.progress === true) : undefined;
    if (progress !== undefined) result.progress = progress;
    return result;
  }

  /**
   * Finished tasks / tasks known so far, from the run log's own task_logs (free). Only when asked, and only
   * on a 1.1.0 run log that points elsewhere (task_logs_url), one more request to /runs/{id}/tasks.
   */
  async function taskProgress(remoteId: string, log: RunLog, fetchTasks: boolean): Promise<number | undefined> {
    let tasks = (log.task_logs ?? []).filter((task) => task !== null);
    if (tasks.length === 0 && fetchTasks && (log as { task_logs_url?: unknown }).task_logs_url) {
      const response = await get(`/runs/${encodeURIComponent(remoteId)}/tasks`, `tasks of run ${remoteId}`, [200, 404, 405, 501]);
      if (response.status === 200) tasks = (await readJson(name, `tasks of run ${remoteId}`, response, TaskListSchema)).task_logs ?? tasks;
      else await response.dump();
    }
    if (tasks.length === 0) return undefined;
    const done = tasks.filter((task) => task?.end_time && task.exit_code === 0).length;
    return Math.round((done / tasks.length) * 100);
  }

  async function findByChild(childId: string, parentId: string): Promise<string | null> {
    const runs = (await listRuns()) ?? new Map<string, RunStatus>();
    const matches = (tags: unknown) => {
      const record = parseTags(tags);
      return record?.fedimpute_child === childId && (record.fedimpute_parent === undefined || record.fedimpute_parent === parentId);
    };
    for (const run of runs.values()) if (run.tags !== undefined && matches(run.tags)) return run.run_id;
    for (const run of [...runs.values()].filter((item) => item.tags === undefined).slice(0, FIND_LIMIT)) {
      const log = await runLog(run.run_id);
      if (log && matches(log.request?.tags)) return run.run_id;
    }
    return null;
  }

  async function outputs(remoteId: string): Promise<RemoteOutput[]> {
    const log = await runLog(remoteId);
    if (!log) throw new RemoteError(name, `${name} no longer knows run ${remoteId}`, { status: 404 });
    return selectOutputs(log.outputs ?? {}, service.outputs?.include ?? []);
  }

  async function cancel(remoteId: string): Promise<CancelOutcome> {
    const response = await http.request({
      method: 'POST',
      url: `${root}/runs/${encodeURIComponent(remoteId)}/cancel`,
      credentials: auth,
      idempotent: true,
    });
    // the starter kit answers an empty 200, the reference server 200 and does nothing: "requested" either way
    if (response.status === 200) {
      await response.dump();
      return { kind: 'requested' };
    }
    if (response.status === 401 || response.status === 403) return failure(response, `cancel of run ${remoteId}`);
    await response.dump();
    const current = await status(remoteId);
    if (current.status && current.status !== 'queued' && current.status !== 'running') return { kind: 'already-finished' };
    throw new RemoteError(name, `${name}: cancel of run ${remoteId} failed (HTTP ${response.status})`, { status: response.status });
  }

  return {
    service,
    capabilities: { listJobs: true, cancelMayBeNoop: true, findByChild: true },
    check: () => checkService({ service, token: options.token, http, root, auth, serviceInfo }),
    panels: async () => listWorkflows(await serviceInfo()),
    submit,
    status,
    statusMany,
    details,
    findByChild,
    outputs,
    cancel,
  };
}
