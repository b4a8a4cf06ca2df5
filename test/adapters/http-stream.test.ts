/**
 * A download's body (PacedBody) in-process on a loopback server: handed to a sink as it arrives, with the
 * sink's promises holding the next chunk, its failures its own, and the minimum-pace rule judging only the
 * windows in which we were waiting for the server. Pace windows are real time (undici's sockets), kept short.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpOptions } from '../../src/adapters/http.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const routes = new Map<string, Handler>();
const closed: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    response.on('close', () => closed.push(request.url ?? ''));
    (routes.get(request.url ?? '') ?? ((_, reply) => reply.writeHead(404).end()))(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (options: Partial<HttpOptions> = {}) =>
  createHttpClient('Test service', { sleep: async () => undefined, pace: { windowMs: 100, minBytes: 1000 }, ...options });
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as Error);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const payload = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7) % 251));

/** the payload in pieces, a few milliseconds apart, so that it arrives as many chunks */
function pieces(_: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'content-length': payload.length });
  let at = 0;
  const next = () => {
    if (at >= payload.length) return response.end();
    response.write(payload.subarray(at, (at += 50_000)));
    setTimeout(next, 2);
  };
  next();
}

/** endless: a piece every few milliseconds until the client goes away */
function endless(_: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200);
  const timer = setInterval(() => response.write(Buffer.alloc(4096, 1)), 2);
  response.on('close', () => clearInterval(timer));
}

describe('each(): the body handed to a sink', () => {
  it('every chunk reaches the sink in order, and none while a promise the sink returned is pending', async () => {
    routes.set('/pieces', pieces);
    const http = client();
    const body = (await http.request({ method: 'GET', url: `${base}/pieces` })).body;
    const received: Buffer[] = [];
    let pending = false;
    let overlapped = false;
    await body.each((chunk) => {
      overlapped ||= pending;
      received.push(Buffer.from(chunk));
      if (received.length % 2 === 1) return;
      pending = true;
      return pause(5).then(() => void (pending = false));
    });
    expect(overlapped).toBe(false);
    expect(received.length).toBeGreaterThan(2);
    expect(createHash('sha256').update(Buffer.concat(received)).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    await http.close();
  });

  it('a sink that throws or rejects fails with its own error, and the transfer stops', async () => {
    routes.set('/endless-1', endless);
    routes.set('/endless-2', endless);
    const http = client();
    const thrown = new Error('disk on fire');
    const first = (await http.request({ method: 'GET', url: `${base}/endless-1` })).body;
    expect(await failure(first.each(() => { throw thrown; }))).toBe(thrown);
    const second = (await http.request({ method: 'GET', url: `${base}/endless-2` })).body;
    let calls = 0;
    expect(await failure(second.each(() => (++calls === 3 ? Promise.reject(thrown) : undefined)))).toBe(thrown);
    await pause(50);
    expect(closed).toEqual(expect.arrayContaining(['/endless-1', '/endless-2']));
    await http.close();
  });

  it('a drip below the minimum pace fails it; a body cut off fails it as a transport error naming the service', async () => {
    routes.set('/drip', (_, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write('.'), 20);
      response.on('close', () => clearInterval(timer));
    });
    routes.set('/cut', (_, response) => {
      response.writeHead(200, { 'content-length': 100_000 });
      response.write(Buffer.alloc(10_000));
      setTimeout(() => response.destroy(), 10);
    });
    const http = client();
    const drip = (await http.request({ method: 'GET', url: `${base}/drip` })).body;
    expect((await failure(drip.each(() => undefined))).message).toBe('Test service sent less than 1000 bytes in 0.1 s');
    const cut = (await http.request({ method: 'GET', url: `${base}/cut` })).body;
    expect((await failure(cut.each(() => undefined))).message).toMatch(/^Test service: /);
    await http.close();
  });
});

describe('the minimum pace judges the server only while we wait for it', () => {
  it('a reader still busy with the last chunk after the server has finished is not a stall (iterator and sink)', async () => {
    // chunked, and the end comes after the reader has taken the last bytes: nothing is buffered while it is busy
    routes.set('/small', (_, response) => {
      response.writeHead(200);
      response.write(Buffer.alloc(20_000, 2));
      setTimeout(() => response.end(), 30);
    });
    const http = client();
    let received = 0;
    for await (const chunk of (await http.request({ method: 'GET', url: `${base}/small` })).body) {
      received += chunk.length;
      await pause(350);
    }
    expect(received).toBe(20_000);
    received = 0;
    const body = (await http.request({ method: 'GET', url: `${base}/small` })).body;
    await body.each((chunk) => {
      received += chunk.length;
      return pause(350).then(() => undefined);
    });
    expect(received).toBe(20_000);
    await http.close();
  });
});
