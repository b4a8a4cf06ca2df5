/** What a hostile case does instead of answering: the moves the trust-boundary suite combines. */
import type { ServerResponse } from 'node:http';
import { json, type Exchange, type Origin } from './hostile-server.js';

/** ESC sequences (clear screen, window title, clipboard write via OSC 52, colour), C1 CSI, BEL, a bidi override and a forged row */
export const NASTY = '\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[31mred\x1b[0m\x9b31m\x07\u202eevil\u202c\tforged\tcolumns\nforged row\r';

/** the control characters no output, store row or manifest may hold (TAB and LF are allowed where they are structure) */
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Location: the same route on another origin (or home again), marked `moved/` so it is answered plainly there */
export function redirect(exchange: Exchange, status: number, to: Origin): true {
  const base = to === 'home' ? exchange.hostile.home : to === 'other-host' ? exchange.hostile.otherHost : exchange.hostile.otherPort;
  exchange.response.writeHead(status, { location: `${base}/c/${exchange.hostileCase.id}/moved/${exchange.rest}`, 'content-length': '0' });
  exchange.response.end();
  return true;
}

/** a JSON body that never ends, written as fast as the client reads */
export function endless(response: ServerResponse, head = '{"count":1,"data":['): true {
  response.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.from('{"id":"job-endless","state":2,"name":"x"},'.repeat(4096));
  let closed = false;
  response.on('close', () => (closed = true));
  const pump = () => {
    while (!closed && response.write(chunk));
    if (!closed) response.once('drain', pump);
  };
  response.write(head);
  pump();
  return true;
}

/** a real body of `bytes` bytes, JSON-looking, sent at once */
export function oversize(response: ServerResponse, bytes: number, declare: boolean): true {
  const filler = Buffer.alloc(bytes, 0x20);
  filler.write('{"count":1,"data":[],"pad":"', 0);
  filler.write('"}', bytes - 2);
  response.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(bytes) } : {}) });
  response.end(filler);
  return true;
}

/** a body that arrives one byte per `everyMs`, forever (an idle timeout never fires) */
export function drip(response: ServerResponse, everyMs: number, status = 200): true {
  response.writeHead(status, { 'content-type': status === 200 ? 'application/octet-stream' : 'application/json' });
  response.write(' ');
  const timer = setInterval(() => response.write(' '), everyMs);
  response.on('close', () => clearInterval(timer));
  return true;
}

/** headers that never come */
export function silent(): true {
  return true;
}

/** an error answer that echoes every request header and the request body (a server's debug page) */
export function echo(exchange: Exchange, status: number): true {
  json(exchange.response, status, { message: `request rejected: ${JSON.stringify(exchange.request.headers)} body=${exchange.body.slice(0, 4096)}`, success: false });
  return true;
}

/** headers that promise a body far over any cap, then a trickle */
export function declaredHuge(response: ServerResponse): true {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 << 20) });
  response.write('{"runs":[');
  return true;
}

/** a JSON value nested `levels` deep (a parser is fine with it; a recursive walker is not) */
export function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}
