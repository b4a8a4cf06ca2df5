/**
 * undici's agent and request(), loaded the cheap way (measured in bench/README.md, "start-up of a networked
 * command"):
 * - undici's index.js loads fetch, WebSocket, the cache, mock and proxy layers besides the client: ~80 ms of
 *   CPU before the first request; the agent and request() alone take ~30 ms. The package is pinned to one
 *   version (package.json) and every HTTP test goes through these two files, so an upgrade that moves them
 *   fails loudly.
 * - undici's HTTP parser (llhttp) is WebAssembly. V8 compiles it with Liftoff, then recompiles hot functions
 *   with TurboFan on a background thread, and the process waits for that thread when it exits: ~100 ms
 *   added to every networked command. The parser only reads headers and framing (a body's bytes are handed
 *   on, not parsed), for which Liftoff's code is fast enough; the flag only concerns WebAssembly, and llhttp
 *   is the only WebAssembly this process runs.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';

setFlagsFromString('--liftoff-only');

const load = createRequire(import.meta.url);
export const Agent: typeof UndiciAgent = load('undici/lib/dispatcher/agent.js');
const dispatchRequest: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData> = load('undici/lib/api/api-request.js');
const { parseURL } = load('undici/lib/core/util.js') as { parseURL: (url: string) => URL };

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** undici's request(url, options), as its index.js defines it for a URL string and a dispatcher */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const parsed = parseURL(url);
  const { dispatcher, ...rest } = options;
  return dispatchRequest.call(dispatcher, {
    ...rest,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: rest.method || (rest.body ? 'PUT' : 'GET'),
  });
}

export type { Dispatcher };
