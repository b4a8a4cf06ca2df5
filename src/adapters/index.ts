/** Builds the adapter of a service; each protocol's module (and zod, undici) is loaded only when used. */
import type { Service } from '../registry/types.js';
import { resolveToken } from '../registry/tokens.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http.js';
import type { AdapterOptions, ImputationAdapter } from './types.js';

export async function createAdapter(
  service: Service,
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
  overrides: Partial<AdapterOptions> = {},
): Promise<ImputationAdapter> {
  const options: AdapterOptions = { token: resolveToken(service, env), log, http: httpSettings(service, env), ...overrides };
  if (service.type === 'michigan') {
    const { createMichiganAdapter } = await import('./michigan/index.js');
    return createMichiganAdapter(service, options);
  }
  const { createWesAdapter } = await import('./wes/index.js');
  return createWesAdapter(service, options);
}

/**
 * A service's HTTP settings: its CA bundle and the header its token travels in (dropped on a redirect to
 * another origin), plus the environment's overrides of the bounds (tests, impatient users):
 * FEDIMPUTE_RETRY_BASE_MS the retry backoff, FEDIMPUTE_HTTP_TIMEOUT_MS the deadline of one answer (and the
 * connect, header and idle timeouts under it), FEDIMPUTE_HTTP_MAX_BODY_BYTES the largest answer read,
 * FEDIMPUTE_DOWNLOAD_STALL_MS the window in which a download must bring 64 KiB.
 */
export function httpSettings(service: Service, env: NodeJS.ProcessEnv): Partial<HttpOptions> {
  const positive = (name: string) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const base = positive('FEDIMPUTE_RETRY_BASE_MS');
  const timeout = positive('FEDIMPUTE_HTTP_TIMEOUT_MS');
  const maxBody = positive('FEDIMPUTE_HTTP_MAX_BODY_BYTES');
  const stall = positive('FEDIMPUTE_DOWNLOAD_STALL_MS');
  const header = service.type === 'wes' ? service.auth_header : undefined;
  return {
    ...(service.ca_file ? { caFile: service.ca_file } : {}),
    ...(header ? { credentialHeaders: [header] } : {}),
    ...(base ? { baseDelayMs: base, maxDelayMs: base * 16 } : {}),
    ...(timeout ? { deadlineMs: timeout, connectTimeoutMs: timeout, responseTimeoutMs: timeout, bodyTimeoutMs: timeout } : {}),
    ...(maxBody ? { maxBodyBytes: maxBody } : {}),
    ...(stall ? { pace: { windowMs: stall, minBytes: DEFAULT_HTTP_OPTIONS.pace.minBytes }, bodyTimeoutMs: stall } : {}),
  };
}
