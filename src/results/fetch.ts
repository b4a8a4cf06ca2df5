/**
 * One GET of one result file, through the adapter's download(): it knows whether the server counts every
 * GET (Michigan /share/results: exactly one attempt, no HEAD, no retry once the request left) and where the
 * token may go. Redirects (S3) are followed by the HTTP layer. The body is checked for completeness against
 * Content-Length and the listed size as it ends.
 */
import type { ImputationAdapter, RemoteOutput } from '../adapters/types.js';
import { errorMessage } from '../adapters/responses.js';
import { RemoteError } from '../errors.js';
import { formatBytes } from '../output/format.js';
import { FileFailure, PartFile, type FileDigest } from './write.js';

const EXHAUSTED = /max(imum)? downloads exceeded/i;

export interface FetchOptions {
  signal?: AbortSignal;
  onBytes?: (received: number, total: number | undefined) => void;
}

export interface Transfer {
  /** the body's chunks; throws a FileFailure ('truncated') when it breaks off or ends short */
  chunks: AsyncIterable<Uint8Array>;
  /**
   * the body's chunks to `sink` as they arrive (the next waits while a promise it returns is pending), with
   * the same checks; the sink's own failure is thrown as it is
   */
  each(sink: (chunk: Uint8Array) => void | Promise<void>): Promise<void>;
  /** Content-Length, else the listed size */
  expected: number | undefined;
  /** stop receiving (after a local failure) */
  cancel(): void;
}

export async function openTransfer(download: ImputationAdapter['download'], output: RemoteOutput, label: string, options: FetchOptions): Promise<Transfer> {
  let response;
  try {
    response = await download(output, { signal: options.signal });
  } catch (error) {
    if (error instanceof RemoteError) throw new FileFailure(`cannot fetch ${label}: ${error.message}`, 'http');
    throw error;
  }
  if (response.status !== 200) throw await statusFailure(response.status, await response.text().catch(() => ''), label);
  const header = headerValue(response.headers['content-length']);
  const total = header !== undefined && Number.isFinite(Number(header)) ? Number(header) : undefined;
  const body = response.body;
  let received = 0;
  const count = (chunk: Uint8Array) => {
    received += chunk.length;
    options.onBytes?.(received, total ?? output.size);
  };
  const broken = (error: unknown) => (options.signal?.aborted ? error : truncated(label, received, total, (error as Error).message));
  const ended = () => {
    if (total !== undefined && received !== total) throw truncated(label, received, total, 'the server closed early');
    // Michigan sizes are rounded down ("314 MB"): fewer bytes than that is a short transfer for sure
    if (output.size !== undefined && received < output.size) throw truncated(label, received, output.size, 'less than the listed size');
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) {
        count(chunk);
        yield chunk;
      }
    } catch (error) {
      throw broken(error);
    }
    ended();
  }
  async function each(sink: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
    let failed: { error: unknown } | undefined;
    const counted = (chunk: Uint8Array) => {
      count(chunk);
      try {
        return sink(chunk)?.catch((error: unknown) => Promise.reject((failed = { error }).error));
      } catch (error) {
        throw (failed = { error }).error;
      }
    };
    try {
      await body.each(counted);
    } catch (error) {
      throw failed ? failed.error : broken(error);
    }
    ended();
  }
  return { chunks: chunks(), each, expected: total ?? output.size, cancel: () => body.destroy() };
}

/** a plain result file: into `.name.part`, checked (gzip where the name says so), renamed */
export async function fetchToFile(download: ImputationAdapter['download'], output: RemoteOutput, path: string, label: string, options: FetchOptions): Promise<FileDigest> {
  const transfer = await openTransfer(download, output, label, options);
  let file: PartFile | undefined;
  try {
    const part = (file = await PartFile.create(path));
    await transfer.each((chunk) => part.write(chunk));
    if (!file.isGzipWhereExpected(label))
      throw new FileFailure(`${label} is not gzip data (${file.describeHead()}); the server sent something else (an error page?); it was not kept`, 'corrupt');
    return await file.commit();
  } catch (error) {
    await file?.abort();
    transfer.cancel();
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
