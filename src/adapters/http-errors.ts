/**
 * Transport failures of the HTTP layer in the user's terms: what happened, whether the operation may be
 * tried again later (`retryable`: never a failed child), and whether this very request should be repeated
 * now (`again`: a timeout may pass, an oversized answer will be oversized again).
 */
import { readFileSync } from 'node:fs';
import { RemoteError } from '../errors.js';

export class TransportError extends Error {
  constructor(
    readonly text: string,
    readonly retryable: boolean,
    readonly again: boolean,
    readonly hint?: string,
  ) {
    super(text);
  }
}

export interface TransportFailure {
  text: string;
  retryable: boolean;
  again: boolean;
  hint?: string;
}

export function describeTransportError(error: unknown): TransportFailure {
  if (error instanceof TransportError) return { text: error.text, retryable: error.retryable, again: error.again, hint: error.hint };
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  const message = err.message ?? String(error);
  const transient = (text: string, hint?: string): TransportFailure => ({ text, retryable: true, again: true, hint });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return transient('connection timed out');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return transient('no response in time');
  if (code === 'UND_ERR_BODY_TIMEOUT') return transient('response stalled');
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') return transient('connection reset by the server');
  if (code === 'ECONNREFUSED') return transient('connection refused', 'is the service up? check base_url');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { text: 'host not found', retryable: code === 'EAI_AGAIN', again: code === 'EAI_AGAIN', hint: 'check base_url in services.yaml' };
  if (/certificate|self.signed|CERT_|UNABLE_TO_VERIFY/i.test(code + message))
    return {
      text: `TLS certificate not trusted (${code || message})`,
      retryable: false,
      again: false,
      hint: 'if this server uses a private CA, set ca_file for this service in services.yaml',
    };
  if (err.name === 'AbortError' || code === 'UND_ERR_ABORTED') return { text: 'aborted', retryable: false, again: false };
  return transient(message || code || 'network error');
}

export function tooManyRedirects(): TransportError {
  return new TransportError('too many redirects (the server redirects in a loop)', false, false, 'check base_url in services.yaml');
}

export function formatLimit(bytes: number): string {
  return bytes >= 1 << 20 ? `${Math.round(bytes / (1 << 20))} MiB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** a service's ca_file, read when its client is made */
export function readCa(service: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RemoteError(service, `${service}: cannot read ca_file ${file}: ${(error as Error).message}`, {
      hint: 'point ca_file at a readable PEM file',
    });
  }
}
