/**
 * The download half of an adapter: one GET of a result file, as the protocol wants it. Downloads get an
 * HTTP client of their own (made on the first one): a result file may be silent for longer than an API
 * answer (300 s rather than 120 s), and its body streams under the minimum-pace rule instead of a size cap.
 */
import { createHttpClient, type HttpClient, type HttpOptions } from './http.js';
import type { DownloadResponse, RemoteOutput } from './types.js';

export interface DownloadRule {
  /** the server counts every GET: exactly one attempt, never retried (Michigan /share/results) */
  counted: boolean;
  /** the service's credentials for this URL, or none (only ever its own origin's) */
  credentialsFor?: (url: string) => Record<string, string> | undefined;
}

export type Download = (output: RemoteOutput, options?: { signal?: AbortSignal }) => Promise<DownloadResponse>;

export function createDownload(service: string, settings: Partial<HttpOptions>, log: ((line: string) => void) | undefined, rule: DownloadRule): Download {
  let client: HttpClient | undefined;
  return (output, options = {}) => {
    client ??= createHttpClient(service, { bodyTimeoutMs: 300_000, ...settings }, log);
    return client.request({
      method: 'GET',
      url: output.url,
      credentials: rule.credentialsFor?.(output.url),
      idempotent: !rule.counted,
      signal: options.signal,
    });
  };
}

/** credentials only for URLs on `baseUrl`'s origin (scheme, host and port) */
export function sameOrigin(baseUrl: string, credentials: Record<string, string>): (url: string) => Record<string, string> | undefined {
  const origin = new URL(baseUrl).origin;
  if (Object.keys(credentials).length === 0) return () => undefined;
  return (url) => (/^https?:/i.test(url) && URL.canParse(url) && new URL(url).origin === origin ? credentials : undefined);
}
