/** Request routing of the WES emulator: API routes under the prefix, output files and logs outside it. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context.js';
import { errorBody, serviceInfo } from './flavor.js';
import { logText, runLog } from './runlog.js';
import { outcomeOf, outputPaths, stateOf, tasksOf, TERMINAL_STATES, type Run } from './runs.js';
import { receiveSubmission } from './submit.js';
import type { EmulatorState, RecordedRequest } from './types.js';
import { runWorkflow } from './workflow.js';

export type { EmulatorContext };

type Reply = (status: number, body: unknown, type?: string) => void;

export function createHandler(context: EmulatorContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const route = routeOf(context.apiPrefix, url.pathname);
    // recorded on arrival (status 0 while in flight), so that a test can wait for the requests it caused to end
    const record: RecordedRequest = { method: request.method ?? '', path: url.pathname, route, query: url.search, status: 0, at: context.clock.now() };
    context.requests.push(record);
    response.on('close', () => (record.status = response.headersSent ? response.statusCode : -1));
    if (context.faults(request, response, 'before')) return;
    const reply: Reply = (status, body, type = 'application/json') => {
      if (context.faults(request, response, 'after')) return;
      const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': payload.length });
      response.end(payload);
    };
    const fail = (status: number, message: string) => {
      const { type, body } = errorBody(context.settings, status, message, request);
      reply(status, body, type);
    };
    if (context.token && request.headers.authorization !== `Bearer ${context.token}`) {
      request.resume();
      return fail(request.headers.authorization ? 403 : 401, request.headers.authorization ? 'invalid token' : 'authentication required');
    }
    dispatch(context, request, url, route, reply, fail).catch((error: unknown) => {
      if (!response.headersSent) fail(500, (error as Error).message);
      else response.destroy();
    });
  };
}

function routeOf(prefix: string, pathname: string): string {
  if (prefix === '') return pathname;
  if (pathname === prefix) return '/';
  return pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : '';
}

async function dispatch(
  context: EmulatorContext,
  request: IncomingMessage,
  url: URL,
  route: string,
  reply: Reply,
  fail: (status: number, message: string) => void,
): Promise<void> {
  const method = request.method ?? 'GET';
  const { flavor, version } = context.settings;
  const now = context.clock.now();
  const files = /^\/(outputs|logs)\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (files && method === 'GET') return serveFile(context, files[1], files[2], decodeURIComponent(files[3]), reply, fail);
  if (route === '/service-info' && method === 'GET') return reply(200, serviceInfo(context.settings, counts(context, now)));
  if (route === '/runs' && method === 'GET') return reply(200, listRuns(context, url, now));
  if (route === '/runs' && method === 'POST') {
    const submission = await receiveSubmission(request, context.settings, context.runsDir);
    // the reference server answers bad submissions with 500 application/problem+json
    if (!submission.ok) return fail(flavor === 'reference' ? 500 : 400, submission.message);
    const script = context.scripts.shift();
    const run: Run = {
      id: submission.id,
      createdAt: context.clock.now(),
      request: submission.request,
      attachments: submission.attachments,
      outcome: submission.inputProblem ? { kind: 'end', state: 'EXECUTOR_ERROR', message: submission.inputProblem } : outcomeOf(script),
      statusCalls: 0,
      dir: submission.dir,
      deleted: new Set(),
    };
    context.runs.set(run.id, run);
    if (run.outcome.kind === 'complete') startWorkflow(context, run);
    return reply(200, { run_id: run.id });
  }
  const match = /^\/runs\/([^/]+)(\/status|\/cancel|\/tasks)?$/.exec(route);
  if (!match) return fail(404, `no route for ${method} ${url.pathname}`);
  const id = decodeURIComponent(match[1]);
  const action = match[2] ?? '';
  const run = context.runs.get(id);
  if (action === '/status' && method === 'GET') {
    // reference server quirk: an unknown run id is RUNNING forever on /status
    if (!run) return flavor === 'reference' ? reply(200, { run_id: id, state: 'RUNNING' }) : fail(404, `run ${id} not found`);
    run.statusCalls += 1;
    // starter kit quirk: status is a transient 400 right after submit
    if (flavor === 'starter-kit' && (run.statusCalls === 1 || now - run.createdAt < context.statusWarmupMs)) {
      return fail(400, `run ${id} is not initialized yet`);
    }
    return reply(200, { run_id: id, state: stateOf(run, context.timing, now) });
  }
  if (!run) return fail(404, `run ${id} not found`);
  const state = stateOf(run, context.timing, now);
  if (action === '' && method === 'GET') return reply(200, runLog(context, run, state, now));
  if (action === '/tasks' && method === 'GET' && version === '1.1.0') {
    return reply(200, { task_logs: tasksOf(run, context.timing, state, now), next_page_token: '' });
  }
  if (action === '/cancel' && method === 'POST') return cancel(context, run, state, reply);
  return fail(404, `no route for ${method} ${url.pathname}`);
}

/**
 * The workflow starts when the run leaves INITIALIZING (a timer, so that it runs whether or not anybody
 * polls) and fails the run when it fails. `run.stopWorkflow` lets close() skip workflows not started yet.
 */
function startWorkflow(context: EmulatorContext, run: Run): void {
  let stopped = false;
  let begin: () => void = () => undefined;
  const due = new Promise<void>((resolve) => (begin = resolve));
  const cancelTimer = context.clock.schedule(context.timing.queuedMs + context.timing.initializingMs, begin);
  run.stopWorkflow = () => {
    stopped = true;
    cancelTimer();
    begin();
  };
  run.workflow = due
    .then(() => (stopped ? undefined : runWorkflow(run, context.workflow)))
    .then(
      (outputs) => {
        if (outputs) run.outputs = outputs;
        run.finishedAt = context.clock.now();
      },
      (error: unknown) => {
        run.outcome = { kind: 'end', state: 'EXECUTOR_ERROR', message: (error as Error).message };
        run.finishedAt = context.clock.now();
      },
    );
  context.started.add(run);
}

function cancel(context: EmulatorContext, run: Run, state: EmulatorState, reply: Reply): void {
  const { flavor } = context.settings;
  // reference server: cancel answers 200 and does nothing
  if (flavor !== 'reference' && !TERMINAL_STATES.has(state) && state !== 'CANCELING') {
    run.forced = { state: 'CANCELING', at: context.clock.now() };
  }
  // starter kit: an empty 200 body
  if (flavor === 'starter-kit') return reply(200, '', 'text/plain');
  reply(200, { run_id: run.id });
}

function listRuns(context: EmulatorContext, url: URL, now: number): Record<string, unknown> {
  const { flavor, version } = context.settings;
  let runs = [...context.runs.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  const entry = (run: Run) => {
    const state = stateOf(run, context.timing, now);
    return version === '1.1.0' ? { run_id: run.id, state, tags: run.request.tags } : { run_id: run.id, state };
  };
  // reference server: key `workflows`, page_size ignored, everything at once
  if (flavor === 'reference') return { workflows: runs.map(entry), next_page_token: '' };
  // starter kit: lists only finished runs
  if (flavor === 'starter-kit') runs = runs.filter((run) => TERMINAL_STATES.has(stateOf(run, context.timing, now)));
  const size = Math.min(context.maxPageSize, Math.max(1, Number(url.searchParams.get('page_size')) || context.pageSize));
  const offset = decodeToken(url.searchParams.get('page_token'));
  const page = runs.slice(offset, offset + size);
  const next = offset + size < runs.length ? Buffer.from(`offset:${offset + size}`).toString('base64url') : '';
  return { runs: page.map(entry), next_page_token: next };
}

function decodeToken(token: string | null): number {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
}

function counts(context: EmulatorContext, now: number): Partial<Record<EmulatorState, number>> {
  const result: Partial<Record<EmulatorState, number>> = {};
  for (const run of context.runs.values()) {
    const state = stateOf(run, context.timing, now);
    result[state] = (result[state] ?? 0) + 1;
  }
  return result;
}

function serveFile(
  context: EmulatorContext,
  kind: string,
  id: string,
  name: string,
  reply: Reply,
  fail: (status: number, message: string) => void,
): void {
  const run = context.runs.get(id);
  if (!run) return fail(404, `run ${id} not found`);
  if (kind === 'logs') {
    return reply(200, logText(run, context.timing, stateOf(run, context.timing, context.clock.now())), 'text/plain');
  }
  if (stateOf(run, context.timing, context.clock.now()) !== 'COMPLETE') return fail(404, `run ${id} has no outputs`);
  const path = outputPaths(run).get(name);
  if (!path || run.deleted.has(name)) return fail(404, `output ${name} not found`);
  reply(200, readFileSync(path), 'application/octet-stream');
}
