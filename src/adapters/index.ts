/** Builds the adapter of a service; each protocol's module (and zod, undici) is loaded only when used. */
import type { Service } from '../registry/types.js';
import { resolveToken } from '../registry/tokens.js';
import type { AdapterOptions, ImputationAdapter } from './types.js';

export async function createAdapter(
  service: Service,
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
  overrides: Partial<AdapterOptions> = {},
): Promise<ImputationAdapter> {
  const options: AdapterOptions = { token: resolveToken(service, env), log, http: httpOverrides(service, env), ...overrides };
  if (service.type === 'michigan') {
    const { createMichiganAdapter } = await import('./michigan/index.js');
    return createMichiganAdapter(service, options);
  }
  const { createWesAdapter } = await import('./wes/index.js');
  return createWesAdapter(service, options);
}

/** per-service CA bundle; FEDIMPUTE_RETRY_BASE_MS shortens the retry backoff (tests, impatient users) */
function httpOverrides(service: Service, env: NodeJS.ProcessEnv): AdapterOptions['http'] {
  const base = Number(env.FEDIMPUTE_RETRY_BASE_MS);
  return {
    ...(service.ca_file ? { caFile: service.ca_file } : {}),
    ...(Number.isFinite(base) && base > 0 ? { baseDelayMs: base, maxDelayMs: base * 16 } : {}),
  };
}
