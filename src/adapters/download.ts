/**
 * The download half of an adapter: one GET of a result file, as the protocol's capabilities say —
 * exactly one attempt when the server counts downloads, the service's credentials only on its own origin
 * when its outputs need them, none otherwise. Downloads get an HTTP client of their own (made on the first
 * one): a result file may be silent for longer than an API answer (300 s rather than 120 s), and its body
 * streams under the minimum-pace rule instead of a size cap.
 */
import { createHttpClient, type HttpClient, type HttpOptions } from './http.js';
import type { AdapterCapabilities, DownloadResponse, RemoteOutput } from './types.js';

export interface DownloadSetup {
  /** the service's name, for errors and the log */
  name: string;
  base_url: string;
  capabilities: Pick<AdapterCapabilities, 'countedDownloads' | 'sameOriginOutputAuth'>;
  /** the service's credential headers */
  credentials: Record<string, string>;
  settings: Partial<HttpOptions>;
  log?: (line: string) => void;
}

export type Download = (output: RemoteOutput, options?: { signal?: AbortSignal }) => Promise<DownloadResponse>;

export function createDownload(setup: DownloadSetup): Download {
  const origin = new URL(setup.base_url).origin;
  const credentialsFor = (url: string) =>
    setup.capabilities.sameOriginOutputAuth && URL.canParse(url) && new URL(url).origin === origin ? setup.credentials : undefined;
  let client: HttpClient | undefined;
  return (output, options = {}) => {
    client ??= createHttpClient(setup.name, { bodyTimeoutMs: 300_000, ...setup.settings }, setup.log);
    return client.request({
      method: 'GET',
      url: output.url,
      credentials: credentialsFor(output.url),
      idempotent: !setup.capabilities.countedDownloads,
      signal: options.signal,
    });
  };
}
