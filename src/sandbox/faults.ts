/**
 * Deterministic fault injection shared by the protocol emulators (Michigan, WES).
 *
 * A server calls the injector twice per request: with phase 'before' (nothing has happened yet) and with
 * phase 'after' (the request took effect, the reply is about to be sent). When it returns true the injector
 * has taken over the reply (error status, reset socket, garbage, silence) and the caller must not answer.
 * 'after' faults are how tests prove that a client never retries a non-idempotent POST: the job exists but
 * the client saw a 500 or a reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seededRandom } from '../domain/random.js';

export const FAULT_KINDS = ['500', '503', '429', 'reset', 'timeout', 'slow', 'malformed', 'html'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultPhase = 'before' | 'after';

export interface FaultConfig {
  /** probability 0..1 that a request gets a fault */
  rate: number;
  kinds: FaultKind[];
  /** when faults happen; default 'before' */
  phase?: FaultPhase | 'both';
  /** PRNG seed; the same seed and request order give the same faults */
  seed?: number;
  /** only requests for which this returns true can get a fault */
  match?: (request: IncomingMessage) => boolean;
  /** 'slow' delays the real reply by this much (default 1500 ms) */
  slowMs?: number;
  /** 'timeout' keeps the socket silent this long before closing it (default 60 s) */
  timeoutMs?: number;
}

export type FaultInjector = (request: IncomingMessage, response: ServerResponse, phase: FaultPhase) => boolean;


const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Returns an injector; with no config (or rate 0) it never injects. */
export function createFaultInjector(config: FaultConfig | undefined | null): FaultInjector {
  if (!config || config.rate <= 0 || config.kinds.length === 0) return () => false;
  const random = seededRandom(config.seed ?? 1);
  const phase = config.phase ?? 'before';
  return (request, response, current) => {
    if (phase !== 'both' && phase !== current) return false;
    if (config.match && !config.match(request)) return false;
    if (random() >= config.rate) return false;
    const kind = config.kinds[Math.floor(random() * config.kinds.length)];
    return inject(kind, config, request, response);
  };
}

function inject(kind: FaultKind, config: FaultConfig, request: IncomingMessage, response: ServerResponse): boolean {
  const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'Content-Type': type, Connection: 'close', ...headers });
    response.end(body);
  };
  switch (kind) {
    case '500':
      send(500, 'application/json', '{"message":"Internal Server Error","success":false}');
      return true;
    case '503':
      send(503, 'text/plain', 'Service Unavailable');
      return true;
    case '429':
      send(429, 'text/plain', 'Too Many Requests', { 'Retry-After': '1' });
      return true;
    case 'html':
      send(502, 'text/html', HTML_502);
      return true;
    case 'malformed':
      send(200, 'application/json', '{"success":true,"data":[{"id":');
      return true;
    case 'reset':
      request.socket.destroy();
      return true;
    case 'timeout': {
      const timer = setTimeout(() => request.socket.destroy(), config.timeoutMs ?? 60_000);
      timer.unref();
      request.socket.once('close', () => clearTimeout(timer));
      return true;
    }
    case 'slow':
      delayEnd(response, config.slowMs ?? 1500);
      return false;
  }
}

/** The real reply is produced, but held in the corked socket (headers and body leave late). */
function delayEnd(response: ServerResponse, delayMs: number): void {
  const socket = response.socket;
  if (!socket) return;
  socket.cork();
  setTimeout(() => {
    if (!socket.destroyed) socket.uncork();
  }, delayMs).unref();
}
