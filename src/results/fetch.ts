/**
 * One GET of one result file into `.name.part`, then rename. Michigan counts every GET of /share/results
 * (aborted ones, retries and size probes included), so the caller asks for exactly one attempt
 * (`idempotent: false`): no HEAD, no retry once the request left. Redirects (S3) are followed by the HTTP layer.
 */
import type { HttpClient } from '../adapters/http.js';
import type { RemoteOutput } from '../adapters/types.js';
import { errorMessage } from '../adapters/responses.js';
import { RemoteError } from '../errors.js';
import { formatBytes } from '../output/format.js';
import { FileFailure, PartFile, type FileDigest } from './write.js';

const EXHAUSTED = /max(imum)? downloads exceeded/i;

export interface FetchOptions {
  /** false for Michigan: one attempt per file */
  idempotent: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  onBytes?: (received: number, total: number | undefined) => void;
}

export async function fetchToFile(http: HttpClient, output: RemoteOutput, path: string, label: string, options: FetchOptions): Promise<FileDigest> {
  let response;
  try {
    response = await http.request({ method: 'GET', url: output.url, headers: options.headers, idempotent: options.idempotent, signal: options.signal });
  } catch (error) {
    if (error instanceof RemoteError) throw new FileFailure(`cannot fetch ${label}: ${error.message}`, 'http');
    throw error;
  }
  if (response.status !== 200) throw await statusFailure(response.status, await response.text().catch(() => ''), label);
  const length = Number(headerValue(response.headers['content-length']));
  const total = Number.isFinite(length) && headerValue(response.headers['content-length']) !== undefined ? length : undefined;
  const file = await PartFile.create(path, label, total ?? output.size ?? 0);
  try {
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        await file.write(chunk);
        options.onBytes?.(file.size, total ?? output.size);
      }
    } catch (error) {
      if (error instanceof FileFailure) throw error;
      if (options.signal?.aborted) throw error;
      throw truncated(label, file.size, total, (error as Error).message);
    }
    if (total !== undefined && file.size !== total) throw truncated(label, file.size, total, 'the server closed early');
    // Michigan sizes are rounded down ("314 MB"): fewer bytes than that is a short transfer for sure
    if (output.size !== undefined && file.size < output.size) throw truncated(label, file.size, output.size, 'less than the listed size');
    return await file.commit();
  } catch (error) {
    await file.abort();
    response.body.destroy();
    throw error;
  }
}

function truncated(label: string, received: number, expected: number | undefined, why: string): FileFailure {
  const of = expected === undefined ? '' : ` of ${formatBytes(expected)}`;
  return new FileFailure(`transfer of ${label} broke off after ${formatBytes(received)}${of} (${why}); nothing was kept, run download again`, 'truncated');
}

async function statusFailure(status: number, body: string, label: string): Promise<FileFailure> {
  // the server's words (an error envelope's message): cleaned of control sequences, redacted before they are cut
  const text = body.trim() ? errorMessage(body) : '';
  if (status === 400 && EXHAUSTED.test(text))
    return new FileFailure(`${label}: the server allows no more downloads of this file (${text})`, 'exhausted');
  if (status === 404 || status === 410)
    return new FileFailure(`${label} is no longer on the server (HTTP ${status}); it may have been deleted or retired`, 'vanished');
  if (status === 401 || status === 403) return new FileFailure(`${label}: access denied by the server (HTTP ${status})`, 'auth');
  return new FileFailure(`${label}: download failed (HTTP ${status})${text ? `: ${text}` : ''}`, 'http');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
