/**
 * The HTTP layer's bounds and redirect rule in-process, on a loopback server, with test-sized limits: the
 * edges the binary-level suite (test/hardening/hostile.test.ts) does not pin down exactly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpOptions } from '../../src/adapters/http.js';
import { RemoteError } from '../../src/errors.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const seen: { path: string; host: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let base = '';
let otherHost = '';

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ path: request.url ?? '', host: request.headers.host ?? '', headers: request.headers, body });
    (routes.get(request.url ?? '') ?? ((_, reply) => reply.writeHead(404).end()))(request, response, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  otherHost = `http://localhost:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (options: Partial<HttpOptions> = {}) =>
  createHttpClient('Test service', { baseDelayMs: 1, maxDelayMs: 2, sleep: async () => undefined, deadlineMs: 600, maxBodyBytes: 1000, pace: { windowMs: 150, minBytes: 1000 }, ...options });
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as RemoteError);

describe('bounded answers', () => {
  it('a text answer of exactly the cap is read; one byte more is refused as a retryable transport error', async () => {
    routes.set('/exact', (_, response) => response.end('x'.repeat(1000)));
    routes.set('/over', (_, response) => response.end('x'.repeat(1001)));
    const http = client();
    expect(await (await http.request({ method: 'GET', url: `${base}/exact` })).text()).toHaveLength(1000);
    const error = await failure((await http.request({ method: 'GET', url: `${base}/over` })).text());
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toBe('Test service: the answer to GET /over is larger than 1000 bytes; it was not read');
    expect(error.retryable).toBe(true);
    await http.close();
  });

  it('an answer stalled past the deadline is retried, and a later good answer is used', async () => {
    let calls = 0;
    routes.set('/flaky', (_, response) => (++calls === 1 ? response.writeHead(200).write('{"a"') : response.end('{"a":1}')));
    const http = client();
    const response = await http.request({ method: 'GET', url: `${base}/flaky`, expectJson: true });
    expect(JSON.parse(await response.text())).toEqual({ a: 1 });
    expect(calls).toBe(2);
    await http.close();
  });

  it('a streamed body dripping below the minimum pace fails; a slow reader of a fast body does not', async () => {
    routes.set('/drip', (_, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write('.'), 20);
      response.on('close', () => clearInterval(timer));
    });
    routes.set('/fast', (_, response) => response.end(Buffer.alloc(64 << 10, 1)));
    const http = client({ pace: { windowMs: 200, minBytes: 1000 } });
    const drip = (await http.request({ method: 'GET', url: `${base}/drip` })).body;
    const error = await failure((async () => { for await (const _ of drip); })());
    expect(error.message).toBe('Test service sent less than 1000 bytes in 0.2 s');
    let received = 0;
    const fast = (await http.request({ method: 'GET', url: `${base}/fast` })).body;
    for await (const chunk of fast as AsyncIterable<Buffer>) {
      received += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(received).toBe(64 << 10);
    await http.close();
  });
});

describe('redirects', () => {
  it('credentials, including a service\'s own header, are dropped on the hop to another host name; others kept', async () => {
    routes.set('/start', (_, response) => response.writeHead(302, { location: `${otherHost}/landed` }).end());
    routes.set('/landed', (_, response) => response.end('ok'));
    const http = client({ credentialHeaders: ['X-Api-Key'] });
    const response = await http.request({ method: 'GET', url: `${base}/start`, headers: { accept: 'text/plain', 'X-Api-Key': 'key-123456' }, credentials: { authorization: 'Bearer tok-123456' } });
    expect(await response.text()).toBe('ok');
    expect(response.crossOrigin).toBe(true);
    const landed = seen.findLast((request) => request.path === '/landed')!;
    expect(landed.host).toMatch(/^localhost:/);
    expect(landed.headers).toMatchObject({ accept: 'text/plain' });
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers['x-api-key']).toBeUndefined();
    await http.close();
  });

  it('307 on the same origin re-sends the method, the body and the credentials', async () => {
    routes.set('/verify', (_, response) => response.writeHead(307, { location: '/verify2' }).end());
    routes.set('/verify2', (_, response, body) => response.end(body));
    const http = client();
    const response = await http.request({ method: 'POST', url: `${base}/verify`, body: 'token=tok-123456', credentialBody: true, credentials: { 'X-Auth-Token': 'tok-123456' } });
    expect(await response.text()).toBe('token=tok-123456');
    expect(seen.findLast((request) => request.path === '/verify2')!.headers['x-auth-token']).toBe('tok-123456');
    await http.close();
  });

  it('307 of a token-carrying body to another origin is refused before anything is sent there', async () => {
    routes.set('/verify-away', (_, response) => response.writeHead(307, { location: `${otherHost}/verify2` }).end());
    const before = seen.length;
    const http = client();
    const error = await failure(http.request({ method: 'POST', url: `${base}/verify-away`, body: 'token=tok-123456', credentialBody: true }));
    expect(error.message).toMatch(/^Test service: redirected the token check to another origin \(http:\/\/localhost:\d+, HTTP 307\)/);
    expect(seen.slice(before).map((request) => request.path)).toEqual(['/verify-away']);
    await http.close();
  });
});
