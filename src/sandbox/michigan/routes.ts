/** The Cloudgene 3 API routes except submit and downloads (submit.ts, downloads.ts). */
import { appForm } from './panels.js';
import { failure, frameworkError, json, type Call, type Context, type Reply } from './context.js';
import { ACTIVE } from './jobs.js';
import { jobJson } from './view.js';

const DAY = 24 * 60 * 60 * 1000;

export type Authed = { username: string } | Reply;

/** X-Auth-Token: 401 (framework body) when missing, garbage or expired; 403 when revoked. */
export function authenticate(context: Context, call: Call): Authed {
  const header = call.request.headers['x-auth-token'];
  const check = context.auth.check(Array.isArray(header) ? header[0] : header);
  if (check.kind === 'valid') return { username: check.username };
  return frameworkError(context, call, check.kind === 'revoked' ? 403 : 401);
}

export function serverInfo(context: Context, call: Call): Reply {
  const header = call.request.headers['x-auth-token'];
  const check = context.auth.check(Array.isArray(header) ? header[0] : header);
  const user = check.kind === 'valid' ? context.settings.users.get(check.username) : undefined;
  return json(200, {
    name: 'Imputation Server (fedimpute sandbox)',
    maintenace: context.settings.maintenance, // (sic) as Cloudgene spells it
    maintenanceMessage: context.settings.maintenance ? 'The server is under maintenance.' : '',
    loggedIn: user !== undefined,
    user: user && check.kind === 'valid' ? { username: check.username, name: user.name, mail: user.mail, admin: false } : null,
    apps: [{ id: `imputationserver2@${context.settings.appVersion}`, name: 'Genotype Imputation (Minimac4)', version: context.settings.appVersion }],
    emailRequired: true,
    userEmailDescription: '',
  });
}

export function verifyToken(context: Context, call: Call): Reply {
  const check = context.auth.check(call.fields?.token);
  if (check.kind === 'valid') {
    const user = context.settings.users.get(check.username);
    return json(200, {
      valid: true, message: `API Token was created by ${check.username} and is valid.`, username: check.username,
      name: user?.name ?? check.username, mail: user?.mail ?? '', expire: new Date(check.expiresAt).toISOString(),
    });
  }
  if (check.kind === 'expired')
    return json(200, { valid: false, message: 'API Token is expired.', username: check.username, expire: new Date(check.expiresAt).toISOString() });
  return json(200, { valid: false, message: 'Invalid API Token.' });
}

export function appInfo(context: Context): Reply {
  return json(200, appForm(context.settings.panels, context.settings.appVersion));
}

export async function listJobs(context: Context, call: Call, username: string): Promise<Reply> {
  await context.store.refreshAll();
  const mine = context.store.jobs.filter((job) => job.user === username && job.state !== 10).reverse();
  const pageParam = call.query.get('page');
  if (pageParam === null && !context.settings.paginateUnpaged)
    return json(200, { count: mine.length, page: 1, pageSize: mine.length, prev: null, next: null, pages: [1], data: mine.map((job) => jobJson(context, job, false)) });
  const pageSize = 15;
  const last = Math.max(1, Math.ceil(mine.length / pageSize));
  const page = Math.min(Math.max(1, Number(pageParam ?? 1) || 1), last);
  return json(200, {
    count: mine.length, page, pageSize,
    prev: page > 1 ? page - 1 : null, next: page < last ? page + 1 : null,
    pages: Array.from({ length: last }, (_, index) => index + 1),
    data: mine.slice((page - 1) * pageSize, page * pageSize).map((job) => jobJson(context, job, false)),
  });
}

/** GET/DELETE /jobs/{id}[/status|/cancel|/restart] */
export async function jobRoute(context: Context, call: Call, username: string, id: string, action: string): Promise<Reply> {
  const job = context.store.find(id);
  if (!job || job.state === 10) return failure(context, call, 404, `Job ${id} not found.`);
  if (job.user !== username) return failure(context, call, 403, `Access denied.`);
  await context.store.refresh(job);
  const method = call.request.method;
  if (method === 'DELETE' && action === '') return failure(context, call, 403, 'Access denied. API tokens cannot delete jobs.');
  if (action === '' || action === 'status') return json(200, jobJson(context, job, action === ''));
  if (action === 'cancel') {
    if (ACTIVE.has(job.state) || job.state === -1) {
      job.pinned = job.state = 6;
      job.endTime = context.clock.now();
    }
    return json(200, jobJson(context, job, true));
  }
  if (action === 'restart') {
    if (job.state !== -1) return failure(context, call, 400, `Job ${id} is not pending.`);
    job.pinned = null;
    job.clock = context.clock.now();
    job.startTime = 0;
    job.validation = undefined;
    job.steps = [];
    job.state = 1;
    return json(200, { success: true, message: `Your job was successfully added to the job queue.`, id });
  }
  return failure(context, call, 404, `Not found.`);
}

export { DAY };
