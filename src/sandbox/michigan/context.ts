/** What every route handler shares, and the reply helpers (Cloudgene envelopes, framework 401/403). */
import type { IncomingMessage } from 'node:http';
import type { EmulatorClock } from '../clock.js';
import type { TokenAuthority } from './auth.js';
import type { JobStore } from './jobs.js';
import type { EmulatorPanel, MichiganEmulatorOptions } from './types.js';

export interface Reply {
  status: number;
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface Settings {
  maxJobsPerUser: number;
  panels: EmulatorPanel[];
  appVersion: string;
  uploadLimit: number;
  echoRequestsInErrors: boolean;
  maintenance: boolean;
  chunked: boolean;
  redirectDownloads: boolean;
  paginateUnpaged: boolean;
  submitErrorsAsJson: boolean;
  users: Map<string, { name: string; mail: string }>;
}

export interface Context {
  settings: Settings;
  options: MichiganEmulatorOptions;
  store: JobStore;
  auth: TokenAuthority;
  clock: EmulatorClock;
  tmp: string;
  prefix: string;
}

/** The request a handler works on: path below the prefix, query, the form fields once parsed. */
export interface Call {
  request: IncomingMessage;
  path: string;
  query: URLSearchParams;
  fields?: Record<string, string>;
}

export const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status, body: JSON.stringify(value), type: 'application/json', headers,
});

function echo(context: Context, call: Call): Record<string, unknown> {
  if (!context.settings.echoRequestsInErrors) return {};
  return { request: { method: call.request.method, path: call.path, headers: call.request.headers, fields: call.fields ?? {} } };
}

/** Cloudgene's error envelope: {"message":"...","success":false} */
export function failure(context: Context, call: Call, status: number, message: string): Reply {
  return json(status, { message, success: false, ...echo(context, call) });
}

/** Not Cloudgene JSON: the web framework answers unauthenticated API calls itself. */
export function frameworkError(context: Context, call: Call, status: 401 | 403): Reply {
  const message = status === 401 ? 'Unauthorized' : 'Forbidden';
  return json(status, {
    message, _links: { self: { href: call.path, templated: false } }, _embedded: { errors: [{ message }] }, ...echo(context, call),
  });
}

export function plain(status: number, text: string): Reply {
  return { status, body: text, type: 'text/plain' };
}
