/**
 * What a WES server's answer to POST /runs means when it is not a run id (pure). A gateway or overload
 * answer (429, 502–504), a bare 500 or an HTML page is the server failing: the run may or may not exist,
 * so it is a transport error (5xx never fails a child, DESIGN §6) and the caller finds the run again by its
 * tags. The reference server refuses a bad submission with a 500 too, but then it explains itself in an
 * RFC 7807 problem ({title, detail}): that, and any 4xx, is a refusal of this run.
 */
import { RemoteError } from '../../errors.js';
import { redact } from '../../secrets.js';
import { errorMessage } from '../responses.js';

export function runRefusal(name: string, status: number, contentType: string, text: string): { kind: 'rejected'; message: string } | RemoteError {
  const explained = /problem\+json/i.test(contentType) || /"detail"\s*:/.test(text);
  if ([429, 502, 503, 504].includes(status) || (status >= 500 && !explained) || /^\s*</.test(text)) {
    return new RemoteError(name, redact(`${name}: submission answered HTTP ${status}: ${errorMessage(text)}`), { status, retryable: true });
  }
  return { kind: 'rejected', message: redact(`${name} refused the run (HTTP ${status}): ${errorMessage(text)}`) };
}
