/** The HTTP(S) front: prefix, request log, faults (before/after), maintenance, routing. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { FaultInjector } from '../faults.js';
import { failure, plain, type Call, type Context, type Reply } from './context.js';
import { download } from './downloads.js';
import { appInfo, authenticate, jobRoute, listJobs, serverInfo, verifyToken } from './routes.js';
import { submit } from './submit.js';
import type { RequestRecord } from './types.js';

export interface Front {
  context: Context;
  requests: RequestRecord[];
  faults: { injector: FaultInjector };
}

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

async function route(front: Front, call: Call, response: ServerResponse): Promise<Reply | 'handled'> {
  const { context } = front;
  const method = call.request.method ?? 'GET';
  if (call.path.startsWith('/share/')) return download(context, call.path, response);
  if (!call.path.startsWith('/api/v2/')) return plain(404, 'Not Found');
  if (method === 'GET' && call.path === '/api/v2/server') return serverInfo(context, call);
  if (context.settings.maintenance) return failure(context, call, 503, 'This functionality is currently under maintenance.');
  if (method === 'POST' && call.path === '/api/v2/tokens/verify') {
    call.fields = await readForm(call.request);
    return verifyToken(context, call);
  }
  const authed = authenticate(context, call);
  if ('status' in authed) return authed;
  if (method === 'GET' && call.path === '/api/v2/server/apps/imputationserver2') return appInfo(context);
  if (method === 'POST' && call.path === '/api/v2/jobs/submit/imputationserver2') return submit(context, call, authed.username);
  if (method === 'GET' && call.path === '/api/v2/jobs') return listJobs(context, call, authed.username);
  const job = /^\/api\/v2\/jobs\/([^/]+)(?:\/(status|cancel|restart))?$/.exec(call.path);
  if (job && (method === 'GET' || (method === 'DELETE' && !job[2])))
    return jobRoute(context, call, authed.username, decodeURIComponent(job[1]), job[2] ?? '');
  return failure(context, call, 404, `Page not found.`);
}

async function handle(front: Front, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const record: RequestRecord = { method: request.method ?? 'GET', path: url.pathname, status: 0, at: front.context.clock.now() };
  front.requests.push(record);
  response.on('finish', () => (record.status = response.statusCode));
  response.on('close', () => (record.status ||= -1));
  const prefix = front.context.prefix;
  if (prefix && !url.pathname.startsWith(`${prefix}/`)) return send(response, plain(404, 'Not Found'));
  const call: Call = { request, path: url.pathname.slice(prefix.length), query: url.searchParams };
  if (front.faults.injector(request, response, 'before')) return;
  let reply: Reply | 'handled';
  try {
    reply = await route(front, call, response);
  } catch (error) {
    reply = failure(front.context, call, 500, `Internal error: ${(error as Error).message}`);
  }
  if (reply === 'handled') return;
  if (front.faults.injector(request, response, 'after')) return;
  send(response, reply);
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(reply.status, { 'Content-Type': reply.type ?? 'text/plain', ...reply.headers });
  response.end(reply.body);
}

export function createServer(front: Front, tls?: { key: string | Buffer; cert: string | Buffer }): Server {
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    void handle(front, request, response);
  };
  return tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
}
