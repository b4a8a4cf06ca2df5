/**
 * A hostile imputation server on loopback, for the trust-boundary suite (hostile.test.ts). It speaks just
 * enough Michigan (Cloudgene 3) and WES to drive fedimpute's commands, and lets each case turn any route
 * hostile: redirects to another origin, endless, oversized or dripping bodies, control bytes in every text
 * field, echoed credentials. Cases live under their own path prefix (`/c/<case>/…`, the service's base_url),
 * so one command run exercises many cases at once.
 *
 * Two listening sockets make three origins: `home` (127.0.0.1:A, the services' base_url), `other-host`
 * (localhost:A: the same socket under another host name) and `other-port` (127.0.0.1:B). Every request is
 * recorded with the origin it reached, so a test can tell whether a credential ever left home.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Origin = 'home' | 'other-host' | 'other-port';

export interface Recorded {
  origin: Origin;
  caseId: string;
  route: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** the first 64 KiB of the request body, latin1 */
  body: string;
}

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  route: string;
  /** the path after the case prefix (without `moved/`), with the query */
  rest: string;
  /** a job/run id or a file name from the path */
  item?: string;
  body: string;
  origin: Origin;
  hostile: HostileServer;
  hostileCase: HostileCase;
}

export interface HostileCase {
  id: string;
  protocol: 'michigan' | 'wes';
  token: string;
  /** WES: the header the token travels in (default Authorization: Bearer) */
  authHeader?: string;
  /** the Michigan Job / WES run log, as the server reports it (its `id`/`run_id` is the remote id) */
  job: Record<string, unknown>;
  /** the job appears in the list answer (else fedimpute asks for it by id) */
  listed?: boolean;
  /** files served under /share/results/<hash>/<name> (Michigan) or /files/<name> (WES) */
  files?: Record<string, string | Buffer>;
  /** Michigan: the answer to POST /tokens/verify */
  verify?: Record<string, unknown>;
  /** WES: the service-info document */
  serviceInfo?: Record<string, unknown>;
  /** Michigan: the app form (panels --remote) */
  appForm?: Record<string, unknown>;
  /** runs first on requests reaching home that were not redirected yet; true = answered */
  hook?: (exchange: Exchange) => boolean | void | Promise<boolean | void>;
}

export interface HostileServer {
  home: string;
  otherHost: string;
  otherPort: string;
  cases: Map<string, HostileCase>;
  recorded: Recorded[];
  add(hostileCase: HostileCase): HostileCase;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const homeServer = createServer((request, response) => void handle(request, response, 'home'));
  const otherServer = createServer((request, response) => void handle(request, response, 'other-port'));
  await Promise.all([homeServer, otherServer].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const homePort = (homeServer.address() as AddressInfo).port;
  const otherPort = (otherServer.address() as AddressInfo).port;
  const hostile: HostileServer = {
    home: `http://127.0.0.1:${homePort}`,
    otherHost: `http://localhost:${homePort}`,
    otherPort: `http://127.0.0.1:${otherPort}`,
    cases: new Map(),
    recorded: [],
    add: (hostileCase) => (hostile.cases.set(hostileCase.id, hostileCase), hostileCase),
    close: async () => {
      for (const server of [homeServer, otherServer]) server.closeAllConnections();
      await Promise.all([homeServer, otherServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse, socket: 'home' | 'other-port'): Promise<void> {
    response.on('error', () => undefined);
    const origin: Origin = socket === 'home' && /^localhost:/i.test(request.headers.host ?? '') ? 'other-host' : socket;
    const body = await readBody(request);
    const match = /^\/c\/([^/]+)\/(moved\/)?(.*)$/.exec(request.url ?? '');
    const hostileCase = match ? hostile.cases.get(match[1]) : undefined;
    if (!match || !hostileCase) return json(response, 404, { message: 'no such case' });
    const rest = match[3];
    const { route, item } = routeOf(hostileCase.protocol, request.method ?? 'GET', rest);
    hostile.recorded.push({ origin, caseId: hostileCase.id, route, method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: body.slice(0, 65536) });
    const exchange: Exchange = { request, response, route, rest, item, body, origin, hostile, hostileCase };
    if (origin === 'home' && !match[2] && hostileCase.hook && (await hostileCase.hook(exchange))) return;
    answer(exchange);
  }
  return hostile;
}

function routeOf(protocol: HostileCase['protocol'], method: string, rest: string): { route: string; item?: string } {
  const path = rest.replace(/\?.*$/, '');
  const rules: [string, RegExp, string][] =
    protocol === 'michigan'
      ? [
          ['GET', /^api\/v2\/server$/, 'server'],
          ['POST', /^api\/v2\/tokens\/verify$/, 'verify'],
          ['GET', /^api\/v2\/server\/apps\/imputationserver2$/, 'app'],
          ['GET', /^api\/v2\/jobs$/, 'jobs'],
          ['POST', /^api\/v2\/jobs\/submit\/imputationserver2$/, 'submit'],
          ['GET', /^api\/v2\/jobs\/([^/]+)\/status$/, 'status'],
          ['GET', /^api\/v2\/jobs\/([^/]+)\/cancel$/, 'cancel'],
          ['GET', /^api\/v2\/jobs\/([^/]+)$/, 'job'],
          ['GET', /^share\/results\/[^/]+\/(.+)$/, 'share'],
        ]
      : [
          ['GET', /^service-info$/, 'service-info'],
          ['GET', /^runs$/, 'runs'],
          ['POST', /^runs$/, 'submit'],
          ['GET', /^runs\/([^/]+)\/status$/, 'status'],
          ['POST', /^runs\/([^/]+)\/cancel$/, 'cancel'],
          ['GET', /^runs\/([^/]+)$/, 'run'],
          ['GET', /^files\/(.+)$/, 'file'],
        ];
  for (const [wanted, pattern, route] of rules) {
    const found = pattern.exec(path);
    if (found && wanted === method) return { route, item: found[1] === undefined ? undefined : safeDecode(found[1]) };
  }
  return { route: `unknown ${method} ${path}` };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** the benign server: what a well-behaved service answers */
function answer(exchange: Exchange): void {
  const { response, route, item, hostileCase: hostileCase, origin } = exchange;
  const michigan = hostileCase.protocol === 'michigan';
  const remoteId = String(hostileCase.job.id ?? hostileCase.job.run_id);
  if (route === 'share' || route === 'file') {
    // S3-style: another origin serves files without credentials; home wants the token for WES files
    if (route === 'file' && origin === 'home' && !authorized(exchange)) return json(response, 401, { msg: 'unauthorized' });
    const content = hostileCase.files?.[item ?? ''];
    if (content === undefined) return json(response, 404, { message: `no file ${item}` });
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(Buffer.byteLength(content)) });
    return void response.end(content);
  }
  if (route === 'server') return json(response, 200, { name: 'Hostile', apps: [{ id: 'imputationserver2@2.0.12', version: '2.0.12' }], maintenace: false });
  if (route === 'verify') {
    const token = new URLSearchParams(exchange.body).get('token');
    const valid = token === hostileCase.token && origin === 'home';
    return json(response, 200, hostileCase.verify ?? { valid, message: valid ? 'API Token is valid.' : 'Invalid API Token.', username: 'alice', expire: new Date(Date.now() + 86_400_000).toISOString() });
  }
  if (route === 'service-info') return json(response, 200, hostileCase.serviceInfo ?? { workflow_type_versions: { CWL: { workflow_type_version: ['v1.2'] } }, supported_wes_versions: ['1.0.0'] });
  if (!authorized(exchange)) return json(response, 401, michigan ? { message: 'Unauthorized' } : { msg: 'unauthorized', status_code: 401 });
  const listed = hostileCase.listed ?? true;
  switch (route) {
    case 'app':
      return json(response, 200, hostileCase.appForm ?? { params: [{ id: 'refpanel', type: 'app_list', values: [{ key: 'apps@hostile@1.0.0', value: 'Hostile panel' }] }] });
    case 'jobs':
      return json(response, 200, { count: 1, page: 1, next: null, data: listed ? [hostileCase.job] : [] });
    case 'runs':
      return json(response, 200, { runs: listed ? [{ run_id: remoteId, state: hostileCase.job.state }] : [], next_page_token: '' });
    case 'status':
    case 'job':
    case 'run':
      if (item !== remoteId) return json(response, 404, michigan ? { message: `Job ${item} not found.`, success: false } : { msg: 'not found', status_code: 404 });
      return json(response, 200, route === 'status' && !michigan ? { run_id: remoteId, state: hostileCase.job.state } : hostileCase.job);
    case 'cancel':
      return json(response, 200, michigan ? { ...hostileCase.job, state: 6 } : { run_id: remoteId });
    case 'submit':
      return json(response, 200, michigan ? { success: true, message: 'Your job was successfully added to the job queue.', id: remoteId } : { run_id: remoteId });
    default:
      return json(response, 404, { message: `no route ${route}` });
  }
}

export function authorized(exchange: Exchange): boolean {
  const { hostileCase, request } = exchange;
  if (hostileCase.protocol === 'michigan') return request.headers['x-auth-token'] === hostileCase.token;
  const header = (hostileCase.authHeader ?? 'authorization').toLowerCase();
  const expected = header === 'authorization' ? `Bearer ${hostileCase.token}` : hostileCase.token;
  return request.headers[header] === expected;
}

export function json(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (size < 1 << 20) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('latin1');
}
