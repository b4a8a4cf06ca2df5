/**
 * The Michigan (Cloudgene 3 / imputationserver2) adapter. Every request goes through the shared HTTP layer;
 * this file only knows the protocol: X-Auth-Token, the multipart submit form, GET cancel, the job list as the
 * one polling request, and the download links outside /api/v2.
 */
import { AuthError, RemoteError } from '../../errors.js';
import type { MichiganService } from '../../registry/types.js';
import { redact, registerSecret } from '../../secrets.js';
import { createHttpClient, type HttpResponse } from '../http.js';
import { multipartBody, type FormPart } from '../multipart.js';
import { errorMessage, plainText, readJson, redirectedAway } from '../responses.js';
import type { AdapterOptions, CancelOutcome, ImputationAdapter, RemoteJobState, RemoteOutput, SubmitOutcome, SubmitRequest } from '../types.js';
import { checkService, listPanels } from './check.js';
import { AppFormSchema, JobListSchema, JobSchema, SubmitSchema, type Job } from './schemas.js';
import { mapJob } from './states.js';

const NO_SLOT = /Only \d+ jobs? per user can be executed simultaneously/i;
const strip = (html: string) => plainText(html, 1000);

export function createMichiganAdapter(service: MichiganService, options: AdapterOptions): ImputationAdapter {
  registerSecret(options.token);
  const http = createHttpClient(service.name, { caFile: service.ca_file, ...options.http }, options.log);
  const api = `${service.base_url}/api/v2`;
  const auth: Record<string, string> = options.token ? { 'X-Auth-Token': options.token } : {};

  function authError(status: number): AuthError {
    const where =
      service.token.kind === 'env' ? `$${service.token.variable}` : service.token.kind === 'file' ? service.token.path : 'the service token';
    return new AuthError(service.name, `${service.name} rejected the API token (HTTP ${status})`, {
      hint: `create a new API token in the ${service.name} web UI (your profile page, "API Access") and put it in ${where}`,
    });
  }

  /** Throws for auth failures and server trouble; returns the response for the statuses the caller handles. */
  async function call(method: 'GET' | 'POST', path: string, what: string, expected: number[] = [200]): Promise<HttpResponse> {
    const response = await http.request({ method, url: `${api}${path}`, credentials: auth, expectJson: method === 'GET' });
    return check(response, what, expected);
  }

  async function check(response: HttpResponse, what: string, expected: number[]): Promise<HttpResponse> {
    if (expected.includes(response.status)) return response;
    const text = await response.text().catch(() => '');
    const away = redirectedAway(response, service.name, what);
    if (away) throw away;
    if (response.status === 401 || response.status === 403) throw authError(response.status);
    const message = errorMessage(text);
    throw new RemoteError(service.name, redact(`${service.name}: ${what} failed (HTTP ${response.status}): ${message}`), {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
      hint: response.status === 503 ? 'the server may be under maintenance; try again later' : undefined,
    });
  }

  async function job(id: string, detail: boolean): Promise<Job | null> {
    const path = `/jobs/${encodeURIComponent(id)}${detail ? '' : '/status'}`;
    const response = await call('GET', path, `job ${id}`, [200, 404]);
    if (response.status === 404) {
      await response.dump();
      return null;
    }
    return readJson(service.name, `job ${id}`, response, JobSchema);
  }

  /** A job the server no longer knows (deleted, state 10) */
  const gone = (id: string) =>
    ({ ...mapJob({ id, state: 10 }, strip), rawState: '404', message: `${service.name} no longer knows job ${id}` }) as const;

  /** Every own job: the unpaged list, following `next` only when the server paginates it anyway. */
  async function allJobs(): Promise<Job[]> {
    const jobs: Job[] = [];
    let path = '/jobs';
    for (let guard = 0; guard < 1000; guard++) {
      const list = await readJson(service.name, 'the job list', await call('GET', path, 'the job list'), JobListSchema);
      jobs.push(...list.data);
      if (!list.next || list.next === list.page) break;
      path = `/jobs?page=${list.next}`;
    }
    return jobs;
  }

  async function submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const panel = service.panels.find((candidate) => candidate.id === request.panelId);
    if (!panel) return { kind: 'rejected', message: `panel ${request.panelId} is not configured for ${service.name}` };
    const population = request.population ?? (panel.populations.length === 0 || panel.populations.includes('off') ? 'off' : undefined);
    if (!population) return { kind: 'rejected', message: `panel ${panel.name} needs a population (${panel.populations.join(', ')})` };
    registerSecret(request.password);
    const parts: FormPart[] = request.files.map((file) => ({
      name: 'files',
      filename: file.name.endsWith('.vcf.gz') ? file.name : `${file.name.replace(/\.(vcf|gz|bgz)$/g, '')}.vcf.gz`,
      path: file.path,
      size: file.size,
    }));
    const field = (name: string, value: string) => parts.push({ name, value });
    field('refpanel', panel.remote_id);
    field('population', population);
    field('build', request.build);
    field('phasing', request.phasing);
    field('r2Filter', request.r2Filter ?? '0');
    field('mode', request.mode === 'qc-only' ? 'qc_only' : 'imputation');
    // checkboxes: presence means on, whatever the value
    if (request.aesEncryption) field('aesEncryption', 'yes');
    if (request.meta) field('meta', 'yes');
    if (request.password) field('password', request.password);
    field('job-name', request.jobName);
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
    const text = await response.text().catch(() => '');
    const away = redirectedAway(response, service.name, 'the submission');
    if (away) throw away;
    if (response.status === 401 || response.status === 403) throw authError(response.status);
    const message = redact(errorMessage(text));
    if (response.status === 400 && NO_SLOT.test(message)) return { kind: 'no-slot', message };
    if (response.status === 413) return { kind: 'rejected', message: `${service.name} refused the upload as too large (HTTP 413): ${message}` };
    if (response.status === 400 || response.status === 422) return { kind: 'rejected', message };
    throw new RemoteError(service.name, `${service.name}: submission failed (HTTP ${response.status}): ${message}`, {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
      hint: 'the job may have been created anyway; it is looked up by its job name before any new submission',
    });
  }

  async function status(remoteId: string): Promise<RemoteJobState> {
    const found = await job(remoteId, false);
    if (!found) return gone(remoteId);
    const { messages: _messages, ...state } = mapJob(found, strip);
    return state;
  }

  async function statusMany(remoteIds: string[]): Promise<Map<string, RemoteJobState>> {
    const result = new Map<string, RemoteJobState>();
    if (remoteIds.length === 0) return result;
    const wanted = new Set(remoteIds);
    for (const listed of await allJobs()) {
      if (!wanted.has(listed.id)) continue;
      const { messages: _messages, ...state } = mapJob(listed, strip);
      result.set(listed.id, state);
    }
    for (const id of remoteIds) if (!result.has(id)) result.set(id, await status(id));
    return result;
  }

  async function details(remoteId: string): Promise<RemoteJobState & { messages: string[] }> {
    const found = await job(remoteId, true);
    return found ? mapJob(found, strip) : { ...gone(remoteId), messages: [] };
  }

  async function findByChild(childId: string): Promise<string | null> {
    const match = (await allJobs()).find((candidate) => (candidate.name ?? '').includes(childId));
    return match?.id ?? null;
  }

  async function outputs(remoteId: string): Promise<RemoteOutput[]> {
    const found = await job(remoteId, true);
    if (!found) return [];
    return (found.outputParams ?? []).flatMap((param) =>
      param.files.map((file) => ({
        name: file.name,
        url: `${service.base_url}/share/results/${file.hash}/${file.name.split('/').map(encodeURIComponent).join('/')}`,
        scheme: 'http' as const,
        size: approximateBytes(file.size),
        downloadsLeft: file.count,
        group: param.name,
        encrypted: file.name.endsWith('.zip'),
      })),
    );
  }

  async function cancel(remoteId: string): Promise<CancelOutcome> {
    // Cloudgene cancels with a GET; on a finished job it is a no-op that returns the job unchanged
    const response = await call('GET', `/jobs/${encodeURIComponent(remoteId)}/cancel`, `cancel of ${remoteId}`);
    const after = await readJson(service.name, `cancel of ${remoteId}`, response, JobSchema);
    return after.state === 6 ? { kind: 'canceled' } : { kind: 'already-finished' };
  }

  return {
    service,
    capabilities: { listJobs: true, cancelMayBeNoop: false, findByChild: true },
    check: () => checkService(service, options.token, http),
    panels: async () => listPanels(await readJson(service.name, 'the app form', await call('GET', '/server/apps/imputationserver2', 'the app form'), AppFormSchema)),
    submit,
    status,
    statusMany,
    details,
    findByChild: (childId) => findByChild(childId),
    outputs,
    cancel,
  };
}

/** "314 MB" (rounded down by the server) → bytes, approximately */
function approximateBytes(size: string | number | undefined): number | undefined {
  if (typeof size === 'number') return size;
  const match = /^([\d.]+)\s*(bytes|B|KB|MB|GB|TB)$/i.exec(size?.trim() ?? '');
  if (!match) return undefined;
  const power = ['bytes', 'b', 'kb', 'mb', 'gb', 'tb'].indexOf(match[2].toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** Math.max(0, power - 1));
}
