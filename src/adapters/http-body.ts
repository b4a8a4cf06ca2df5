/**
 * Bounded reading of what a server sends (DESIGN §6): a text or JSON answer is read under a size cap and
 * an overall deadline (an endless or dripping body ends as a transport error, not as a process that grows
 * or waits forever); a streamed download must keep a minimum pace besides undici's idle timeout.
 */
import { Transform, type Readable } from 'node:stream';
import { describeTransportError, formatLimit, formatSeconds, TransportError } from './http-errors.js';

/** One request's overall time limit: aborts its signal when it expires. */
export class Deadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  expired = false;

  /** `what`: the request in the user's terms, e.g. "GET /api/v2/jobs" */
  constructor(
    readonly ms: number,
    readonly what: string,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    if (this.timer || this.stopped || !Number.isFinite(this.ms) || this.ms <= 0) return;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
    this.timer.unref();
  }

  /** the answer is complete, or the caller streams it (then the download rules apply instead) */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  error(): TransportError {
    return new TransportError(`no complete answer to ${this.what} within ${formatSeconds(this.ms)}`, true, true);
  }
}

/** The whole body as text, refused beyond `limit` bytes (declared or received) and ended by the deadline. */
export async function readCapped(body: Readable, limit: number, declared: number | undefined, deadline: Deadline): Promise<string> {
  const oversize = () => new TransportError(`the answer to ${deadline.what} is larger than ${formatLimit(limit)}; it was not read`, true, false);
  if (declared !== undefined && declared > limit) {
    discard(body);
    deadline.stop();
    throw oversize();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        discard(body);
        throw oversize();
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (deadline.expired) throw deadline.error();
    throw error;
  } finally {
    deadline.stop();
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** stop reading a body: undici reports the destroy as an error event, which nobody is left to hear */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export interface Pace {
  /** the window over which progress is measured */
  windowMs: number;
  /** fewer bytes than this in one window, while we were waiting for them, ends the transfer */
  minBytes: number;
}

/**
 * The body as a stream that fails when the server sends fewer than `minBytes` per window (a drip keeps an
 * idle timeout happy forever). A window in which our own reader was the slow one (bytes waiting in the
 * buffer) does not count against the server. Transport errors of the source become TransportErrors.
 */
export function pacedStream(source: Readable, pace: Pace, service: string): Readable {
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(null, chunk);
    },
  });
  const timer = setInterval(() => {
    if (source.readableEnded || meter.destroyed) return clearInterval(timer);
    const ourFault = meter.readableLength > 0 || meter.writableLength > 0;
    if (!ourFault && received < pace.minBytes) {
      meter.destroy(new TransportError(`${service} sent less than ${formatLimit(pace.minBytes)} in ${formatSeconds(pace.windowMs)}`, true, true));
      source.destroy();
    }
    received = 0;
  }, pace.windowMs);
  timer.unref();
  source.on('error', (error) => {
    if (!meter.destroyed) meter.destroy(new TransportError(`${service}: ${describeTransportError(error).text}`, true, true));
  });
  meter.on('close', () => {
    clearInterval(timer);
    if (!source.destroyed && !source.readableEnded) source.destroy();
  });
  source.pipe(meter);
  return meter;
}
