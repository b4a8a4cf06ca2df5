/**
 * The Michigan (Cloudgene 3 / imputationserver2) adapter: a small factory that sends the requests and hands
 * what comes back to pure modules — the state table (states.ts), a job's details and progress (details.ts),
 * the list's quirks (jobs.ts), the submit form and what its answer means (submission.ts), the published
 * files (outputs.ts) and the capabilities (capabilities.ts). Every request goes through the shared HTTP
 * layer: X-Auth-Token, GET cancel, the job list as the one polling request, downloads outside /api/v2.
 */
import { AuthError, RemoteError } from '../../errors.js';
import type { MichiganService } from '../../registry/types.js';
import { redact, registerSecret } from '../../secrets.js';
import { createDownload } from '../download.js';
import { createHttpClient, type HttpResponse } from '../http.js';
import { multipartBody } from '../multipart.js';
import { errorMessage, plainText, readJson, redirectedAway } from '../responses.js';
import type { AdapterOptions, CancelOutcome, ImputationAdapter, RemoteJobState, SubmitOutcome, SubmitRequest } from '../types.js';
import { michiganCapabilities } from './capabilities.js';
import { checkService, listPanels } from './check.js';
import { goneJob, mapJob } from './details.js';
import { jobOfChild, nextPage } from './jobs.js';
import { outputsOf } from './outputs.js';
import { AppFormSchema, JobListSchema, JobSchema, SubmitSchema, type Job } from './schemas.js';
import { submitForm, submitRefusal } from './submission.js';

const strip = (html: string) => plainText(html, 1000);

export function createMichiganAdapter(service: MichiganService, options: AdapterOptions): ImputationAdapter {
  registerSecret(options.token);
  const settings = { caFile: service.ca_file, ...options.http };
  const http = createHttpClient(service.name, settings, options.log);
  const api = `${service.base_url}/api/v2`;
  const auth: Record<string, string> = options.token ? { 'X-Auth-Token': options.token } : {};
  const capabilities = michiganCapabilities(service);

  function authError(status: number): AuthError {
    const where =
      service.token.kind === 'env' ? `$${service.token.variable}` : service.token.kind === 'file' ? service.token.path : 'the service token';
    return new AuthError(service.name, `${service.name} rejected the API token (HTTP ${status})`, {
      hint: `create a new API token in the ${service.name} web UI (your profile page, "API Access") and put it in ${where}`,
    });
  }

  /** the error a refused answer means when it is not the server's word on the request: a redirect away, the token */
  async function refused(response: HttpResponse, what: string): Promise<{ text: string }> {
    const text = await response.text().catch(() => '');
    const away = redirectedAway(response, service.name, what);
    if (away) throw away;
    if (response.status === 401 || response.status === 403) throw authError(response.status);
    return { text };
  }

  /** Throws for auth failures and server trouble; returns the response for the statuses the caller handles. */
  async function call(method: 'GET' | 'POST', path: string, what: string, expected: number[] = [200]): Promise<HttpResponse> {
    const response = await http.request({ method, url: `${api}${path}`, credentials: auth, expectJson: method === 'GET' });
    if (expected.includes(response.status)) return response;
    const { text } = await refused(response, what);
    throw new RemoteError(service.name, redact(`${service.name}: ${what} failed (HTTP ${response.status}): ${errorMessage(text)}`), {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
      hint: response.status === 503 ? 'the server may be under maintenance; try again later' : undefined,
    });
  }

  async function job(id: string, detail: boolean): Promise<Job | null> {
    const response = await call('GET', `/jobs/${encodeURIComponent(id)}${detail ? '' : '/status'}`, `job ${id}`, [200, 404]);
    if (response.status === 404) {
      await response.dump();
      return null;
    }
    return readJson(service.name, `job ${id}`, response, JobSchema);
  }

  /** Every own job: the unpaged list, following `next` only when the server paginates it anyway. */
  async function allJobs(): Promise<Job[]> {
    const jobs: Job[] = [];
    let path: string | undefined = '/jobs';
    for (let guard = 0; path && guard < 1000; guard++) {
      const list = await readJson(service.name, 'the job list', await call('GET', path, 'the job list'), JobListSchema);
      jobs.push(...list.data);
      path = nextPage(list);
    }
    return jobs;
  }

  async function submit(request: SubmitRequest): Promise<SubmitOutcome> {
    registerSecret(request.password);
    const parts = submitForm(service, request);
    if ('rejected' in parts) return { kind: 'rejected', message: parts.rejected };
    const form = multipartBody(parts, request.onProgress);
    const response = await http.request({
      method: 'POST',
      url: `${api}/jobs/submit/imputationserver2`,
      headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.contentLength) },
      credentials: auth,
      body: form.body,
      idempotent: false,
      responseTimeoutMs: 30 * 60_000,
      signal: request.signal,
    });
    if (response.status === 200) return { kind: 'submitted', remoteId: (await readJson(service.name, 'the submission', response, SubmitSchema)).id };
    const { text } = await refused(response, 'the submission');
    const outcome = submitRefusal(service.name, response.status, redact(errorMessage(text)));
    if (outcome instanceof RemoteError) throw outcome;
    return outcome;
  }

  const withoutMessages = ({ messages: _messages, ...state }: RemoteJobState & { messages: string[] }): RemoteJobState => state;

  async function status(remoteId: string): Promise<RemoteJobState> {
    const found = await job(remoteId, false);
    return withoutMessages(found ? mapJob(found, strip) : goneJob(service.name, remoteId, strip));
  }

  async function statusMany(remoteIds: string[]): Promise<Map<string, RemoteJobState>> {
    const result = new Map<string, RemoteJobState>();
    if (remoteIds.length === 0) return result;
    const wanted = new Set(remoteIds);
    for (const listed of await allJobs()) if (wanted.has(listed.id)) result.set(listed.id, withoutMessages(mapJob(listed, strip)));
    for (const id of remoteIds) if (!result.has(id)) result.set(id, await status(id));
    return result;
  }

  async function cancel(remoteId: string): Promise<CancelOutcome> {
    // Cloudgene cancels with a GET; on a finished job it is a no-op that returns the job unchanged
    const response = await call('GET', `/jobs/${encodeURIComponent(remoteId)}/cancel`, `cancel of ${remoteId}`);
    const after = await readJson(service.name, `cancel of ${remoteId}`, response, JobSchema);
    return after.state === 6 ? { kind: 'canceled' } : { kind: 'already-finished' };
  }

  return {
    service,
    capabilities,
    check: () => checkService(service, options.token, http, options.now),
    panels: async () => listPanels(await readJson(service.name, 'the app form', await call('GET', '/server/apps/imputationserver2', 'the app form'), AppFormSchema)),
    submit,
    status,
    statusMany,
    details: async (remoteId) => {
      const found = await job(remoteId, true);
      return found ? mapJob(found, strip) : goneJob(service.name, remoteId, strip);
    },
    findByChild: async (childId) => jobOfChild(await allJobs(), childId),
    outputs: async (remoteId) => {
      const found = await job(remoteId, true);
      return found ? outputsOf(found, service.base_url) : [];
    },
    download: createDownload({ name: service.name, base_url: service.base_url, capabilities, credentials: auth, settings, log: options.log }),
    cancel,
  };
}
