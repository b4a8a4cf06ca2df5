/**
 * Following a redirect, as a pure rule (RFC 9110 §15.4, and what curl and browsers do with credentials):
 * - credentials stay with their origin: on the first hop to another scheme, host or port every credential
 *   header is dropped, for the rest of the chain;
 * - 303, and 301/302 of a POST, become a GET without a body;
 * - 307/308 (and 301/302 of other methods) repeat the method and body, but a body is re-sent only to the
 *   same origin, never as a stream (an upload is not replayed), and a body that carries a token is never
 *   sent to another origin: the redirect is refused with a clear error instead;
 * - only http(s) targets; user:password in a target is dropped.
 */
import type { Readable } from 'node:stream';
import { TransportError } from './http-errors.js';

export type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
export type Body = string | Buffer | AsyncIterable<Uint8Array> | Readable;

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** header names that carry a credential whatever the service (a service's own auth_header is added) */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-auth-token'] as const;

export interface Hop {
  url: string;
  method: Method;
  headers: Record<string, string>;
  body?: Body;
  /** the body holds a credential (the Michigan token check's `token=…`) */
  credentialBody: boolean;
  /** a hop of this chain left the first request's origin: credentials are gone */
  crossOrigin: boolean;
}

export function nextHop(hop: Hop, status: number, location: string, firstUrl: string, credentialHeaders: ReadonlySet<string>): Hop {
  let target: URL;
  try {
    target = new URL(location, hop.url);
  } catch {
    throw new TransportError(`redirected to an invalid address (HTTP ${status})`, false, false, 'check base_url in services.yaml');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new TransportError(`redirected to a ${target.protocol} address (HTTP ${status}); only http and https are followed`, false, false);
  target.username = '';
  target.password = '';
  const crossOrigin = hop.crossOrigin || target.origin !== new URL(firstUrl).origin;
  const becomesGet = (status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST');
  const method: Method = becomesGet ? 'GET' : hop.method;
  const body = becomesGet ? undefined : hop.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    const lower = name.toLowerCase();
    if (crossOrigin && credentialHeaders.has(lower)) continue;
    if (body === undefined && (lower === 'content-type' || lower === 'content-length')) continue;
    headers[name] = value;
  }
  if (body !== undefined && hasContent(body)) {
    const where = target.origin;
    if (crossOrigin && hop.credentialBody)
      throw new TransportError(
        `redirected the token check to another origin (${where}, HTTP ${status}); the token is sent only to the origin of base_url`,
        false,
        false,
        'if the service has moved, set base_url to its new address',
      );
    if (crossOrigin)
      throw new TransportError(`redirected a ${hop.method} with a body to another origin (${where}, HTTP ${status}); a body is re-sent only to the same origin`, false, false, 'if the service has moved, set base_url to its new address');
    if (typeof body !== 'string' && !Buffer.isBuffer(body))
      throw new TransportError(`redirected the upload to ${target.href} (HTTP ${status}); an upload is not sent twice`, false, false, 'set base_url to the address the server redirects to');
  }
  return { url: target.href, method, headers, body, credentialBody: hop.credentialBody && body !== undefined, crossOrigin };
}

function hasContent(body: Body): boolean {
  return typeof body === 'string' || Buffer.isBuffer(body) ? body.length > 0 : true;
}
