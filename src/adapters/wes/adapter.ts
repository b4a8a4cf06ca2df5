/**
 * The GA4GH WES adapter: a small factory that decides what to ask (client.ts sends it) and hands what comes
 * back to pure modules — the state table (states.ts), run details and progress (details.ts), the list's
 * quirks and the lost-run rule (list.ts), the submit form (form.ts) and what its answer means
 * (submission.ts), the outputs the registry selects (outputs.ts) and the capabilities (capabilities.ts).
 * Server quirks (protocols/wes.md):
 * - reference server: /status says RUNNING for ids it does not know; on a server that lists runs in flight,
 *   an unfinished /status is confirmed with GET /runs/{id}, and a 404 there means the run is lost.
 * - starter kit: /status is a transient 400 right after submit → status null (keep the previous one); its
 *   list shows finished runs only, so its runs in flight cost one /status each and nothing more.
 * - POST /runs is never retried once a response was received (the HTTP layer never retries POST).
 */
import { RemoteError } from '../../errors.js';
import type { WesService } from '../../registry/types.js';
import { redact, registerSecret } from '../../secrets.js';
import { createDownload } from '../download.js';
import { multipartBody } from '../multipart.js';
import { errorMessage, readJson, redirectedAway } from '../responses.js';
import type { AdapterOptions, CancelOutcome, ImputationAdapter, RemoteJobState, RemoteOutput, SubmitOutcome, SubmitRequest } from '../types.js';
import { wesCapabilities } from './capabilities.js';
import { checkService, listWorkflows } from './check.js';
import { createWesClient } from './client.js';
import { runDetails, runState, taskPercent, tasksElsewhere, tasksOf } from './details.js';
import { runForm } from './form.js';
import { lostRun, needsCrossCheck, tagsNameChild } from './list.js';
import { selectOutputs } from './outputs.js';
import { RunIdSchema, StatusSchema } from './schemas.js';
import { runRefusal } from './submission.js';

export { apiRootOf } from './client.js';

/** findByChild reads at most this many run logs */
const FIND_LIMIT = 100;

export function createWesAdapter(service: WesService, options: AdapterOptions): ImputationAdapter {
  registerSecret(options.token);
  const name = service.name;
  const client = createWesClient(service, options);
  const capabilities = wesCapabilities(service);
  const warn = (text: string) => options.log?.(`${name}: ${text}`);
  /** learned from a list: the server lists runs in flight, so a run missing from it is unknown to it */
  let listsInFlight = false;

  async function listRuns(wanted?: ReadonlySet<string>) {
    const listing = await client.listRuns(wanted);
    listsInFlight ||= Boolean(listing?.showsInFlight);
    return listing?.runs ?? new Map();
  }

  async function status(remoteId: string): Promise<RemoteJobState> {
    const response = await client.get(`/runs/${encodeURIComponent(remoteId)}/status`, `status of run ${remoteId}`, [200, 400, 404]);
    if (response.status === 400) {
      // starter kit: a transient 400 right after submit; not a failure, keep the previous status
      const text = await response.text().catch(() => '');
      return { remoteId, status: null, rawState: 'UNKNOWN', message: `status not available yet: ${redact(errorMessage(text))}` };
    }
    if (response.status === 404) {
      await response.dump();
      return lostRun(name, remoteId, '/status answered 404');
    }
    const state = runState(remoteId, (await readJson(name, `status of run ${remoteId}`, response, StatusSchema)).state, warn);
    if (!needsCrossCheck(listsInFlight, state.rawState)) return state;
    const log = await client.runLog(remoteId);
    if (!log) return lostRun(name, remoteId, `/status says ${state.rawState} but GET /runs/${remoteId} answered 404`);
    return log.state ? runState(remoteId, log.state, warn) : state;
  }

  async function statusMany(remoteIds: string[]): Promise<Map<string, RemoteJobState>> {
    const result = new Map<string, RemoteJobState>();
    if (remoteIds.length === 0) return result;
    const listed = await listRuns(new Set(remoteIds));
    const missing: string[] = [];
    for (const id of remoteIds) {
      const entry = listed.get(id);
      if (entry?.state) result.set(id, runState(id, entry.state, warn));
      else missing.push(id);
    }
    // not listed (starter kit lists only finished runs, or a newer page): ask one by one
    for (const id of missing) result.set(id, await status(id));
    return result;
  }

  async function submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const parts = runForm(service, request, (await client.serviceInfo()).v11);
    if ('rejected' in parts) return { kind: 'rejected', message: parts.rejected };
    const form = multipartBody(parts, request.onProgress);
    const response = await client.http.request({
      method: 'POST',
      url: `${client.root}/runs`,
      headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
      credentials: client.auth,
      body: form.body,
      idempotent: false,
      responseTimeoutMs: 15 * 60_000,
      signal: request.signal,
    });
    if (response.status === 200 || response.status === 201) return { kind: 'submitted', remoteId: (await readJson(name, 'the submission', response, RunIdSchema)).run_id };
    if (redirectedAway(response, name, 'the submission') || response.status === 401 || response.status === 403) return client.failure(response, 'the submission');
    const outcome = runRefusal(name, response.status, String(response.headers['content-type'] ?? ''), await response.text().catch(() => ''));
    if (outcome instanceof RemoteError) throw outcome;
    return outcome;
  }

  /**
   * One GET /runs/{id}. Progress is the run log's own tasks (free); only when asked, and only on a 1.1.0
   * run log that keeps them elsewhere (task_logs_url), one more request to /runs/{id}/tasks.
   */
  async function details(remoteId: string, asked: { progress?: boolean } = {}): Promise<RemoteJobState & { messages: string[] }> {
    const log = await client.runLog(remoteId);
    if (!log) return { ...lostRun(name, remoteId, `GET /runs/${remoteId} answered 404`), messages: [] };
    let tasks = tasksOf(log);
    if (asked.progress && tasksElsewhere(log) && runState(remoteId, log.state).status === 'running') tasks = (await client.tasks(remoteId)) ?? tasks;
    return runDetails(remoteId, log, taskPercent(tasks), warn);
  }

  async function findByChild(childId: string, parentId: string): Promise<string | null> {
    const runs = [...(await listRuns()).values()];
    for (const run of runs) if (run.tags !== undefined && tagsNameChild(run.tags, childId, parentId)) return run.run_id;
    // lists without tags (the reference server): the run logs carry the request's tags
    for (const run of runs.filter((item) => item.tags === undefined).slice(0, FIND_LIMIT)) {
      const log = await client.runLog(run.run_id);
      if (log && tagsNameChild(log.request?.tags, childId, parentId)) return run.run_id;
    }
    return null;
  }

  async function outputs(remoteId: string): Promise<RemoteOutput[]> {
    const log = await client.runLog(remoteId);
    if (!log) throw new RemoteError(name, `${name} no longer knows run ${remoteId}`, { status: 404 });
    return selectOutputs(log.outputs ?? {}, service.outputs?.include ?? []);
  }

  async function cancel(remoteId: string): Promise<CancelOutcome> {
    const response = await client.http.request({ method: 'POST', url: `${client.root}/runs/${encodeURIComponent(remoteId)}/cancel`, credentials: client.auth, idempotent: true });
    // the starter kit answers an empty 200, the reference server 200 and does nothing: "requested" either way
    if (response.status === 200) {
      await response.dump();
      return { kind: 'requested' };
    }
    if (response.status === 401 || response.status === 403) return client.failure(response, `cancel of run ${remoteId}`);
    await response.dump();
    const current = await status(remoteId);
    if (current.status && current.status !== 'queued' && current.status !== 'running') return { kind: 'already-finished' };
    throw new RemoteError(name, `${name}: cancel of run ${remoteId} failed (HTTP ${response.status})`, { status: response.status });
  }

  return {
    service,
    capabilities,
    check: () => checkService({ service, token: options.token, http: client.http, root: client.root, auth: client.auth, serviceInfo: client.serviceInfo }),
    panels: async () => listWorkflows(await client.serviceInfo()),
    submit,
    status,
    statusMany,
    details,
    findByChild,
    outputs,
    download: createDownload({ name, base_url: service.base_url, capabilities, credentials: client.auth, settings: client.settings, log: options.log }),
    cancel,
  };
}
