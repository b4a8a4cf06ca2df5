/**
 * POST /api/v2/jobs/submit/imputationserver2 (multipart). Accepts with 200 whatever the files hold:
 * validation is deferred to the job's run (jobs.ts). Unknown fields 400, per-user limit 400, size 413.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { failure, json, plain, type Call, type Context, type Reply } from './context.js';
import { ACTIVE } from './jobs.js';
import { parseMultipart, UploadTooLarge } from './multipart.js';
import { FORM_FIELDS, findPanel } from './panels.js';
import { escapeHtml } from './steps.js';
import type { EmulatorJob } from './types.js';

function badRequest(context: Context, call: Call, message: string): Reply {
  return context.settings.submitErrorsAsJson ? failure(context, call, 400, message) : plain(400, message);
}

export async function submit(context: Context, call: Call, username: string): Promise<Reply> {
  const type = call.request.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!type.startsWith('multipart/form-data') || !boundary) return badRequest(context, call, 'Expected multipart/form-data.');
  const declared = Number(call.request.headers['content-length'] ?? 0);
  if (declared > context.settings.uploadLimit) {
    call.request.resume();
    return failure(context, call, 413, 'Request Entity Too Large');
  }
  const dir = await mkdtemp(join(context.tmp, 'job-'));
  await mkdir(join(dir, 'input'));
  let form;
  try {
    form = await parseMultipart(call.request, boundary[1] ?? boundary[2], join(dir, 'input'), context.settings.uploadLimit);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (error instanceof UploadTooLarge) {
      call.request.resume();
      return failure(context, call, 413, 'Request Entity Too Large');
    }
    throw error;
  }
  const fields: Record<string, string> = {};
  for (const field of form.fields) fields[field.name] = field.value;
  call.fields = fields;
  const reject = async (message: string) => {
    await rm(dir, { recursive: true, force: true });
    return badRequest(context, call, message);
  };
  const unknown = [...form.fields.map((field) => field.name), ...form.files.map((file) => file.field)].find((name) => !FORM_FIELDS.has(name));
  if (unknown !== undefined) return reject(`Parameter '${unknown}' not found.`);
  await context.store.refreshAll();
  const running = context.store.jobs.filter((job) => job.user === username && ACTIVE.has(job.state)).length;
  if (running >= context.settings.maxJobsPerUser)
    return reject(`Only ${context.settings.maxJobsPerUser} jobs per user can be executed simultaneously.`);

  const now = context.clock.now();
  const { password, ...params } = fields;
  for (const key of Object.keys(params)) params[key] = escapeHtml(params[key]);
  const job: EmulatorJob = {
    id: context.store.newId(now), name: params['job-name'] ?? '', user: username,
    files: form.files.filter((file) => file.filename.endsWith('.vcf.gz')).map((file) => ({ name: file.filename, path: file.path, bytes: file.bytes })),
    password, params, submittedOn: now, clock: now, startTime: 0, endTime: 0, deletedOn: -1, pinned: null, state: 1,
    script: context.store.scripts.shift(), resultsReady: false, steps: [], outputs: [], expected: new Map(), dir,
  };
  if (!job.name) job.name = job.id;
  // an unknown panel is accepted, and the job fails at once without steps
  if (!findPanel(context.settings.panels, params.refpanel ?? '')) {
    job.pinned = job.state = 5;
    job.endTime = now;
  }
  context.store.jobs.push(job);
  return json(200, { success: true, message: 'Your job was successfully added to the job queue.', id: job.id });
}
