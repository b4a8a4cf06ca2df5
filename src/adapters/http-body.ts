/**
 * Bounded reading of what a server sends (DESIGN §6): a text or JSON answer is read under a size cap and
 * an overall deadline (an endless or dripping body ends as a transport error, not as a process that grows
 * or waits forever); a streamed download must keep a minimum pace besides undici's idle timeout.
 */
import { finished, type Readable } from 'node:stream';
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

/** A download's body: read chunk by chunk, or handed to a sink as it arrives. */
export interface StreamedBody extends AsyncIterable<Uint8Array> {
  /**
   * every chunk to `sink` as it arrives; while a promise the sink returns is pending, the next chunk waits
   * (a sink that keeps up returns nothing and costs no promise per chunk); settles when the body has ended and
   * the last promise has settled
   */
  each(sink: (chunk: Uint8Array) => void | Promise<void>): Promise<void>;
  /** stop receiving */
  destroy(): void;
}

/**
 * The body under the minimum-pace rule: it fails when the server sends fewer than `minBytes` in a window while
 * we were waiting for them (a drip keeps an idle timeout happy forever). A window that ends with bytes waiting
 * in the buffer, or with our reader busy with the last chunk, was our reader's slowness, not the server's.
 * Transport errors of the source become TransportErrors. The source is read directly, with no stream of our
 * own in between (each chunk's way through a Transform cost CPU on the transfer's one busy thread: bench/README.md).
 */
export class PacedBody implements StreamedBody {
  /** bytes taken from the source in this window, and what waited in its buffer when the window began */
  private taken = 0;
  private bufferedAtStart = 0;
  /** our reader is waiting for the next chunk (not busy with one) */
  private waiting = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly source: Readable,
    private readonly pace: Pace,
    private readonly service: string,
  ) {
    this.timer = setInterval(() => this.check(), pace.windowMs);
    this.timer.unref();
    source.on('close', () => clearInterval(this.timer));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const chunks = (this.source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    try {
      for (;;) {
        this.waiting = true;
        const next = await chunks.next();
        this.waiting = false;
        if (next.done) return;
        this.taken += next.value.length;
        yield next.value;
      }
    } catch (error) {
      throw this.transportError(error);
    } finally {
      this.waiting = false;
      this.destroy();
    }
  }

  each(sink: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
    const source = this.source;
    return new Promise((resolve, reject) => {
      let pending: Promise<void> | void;
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        this.destroy();
        reject(error);
      };
      const resume = () => {
        this.waiting = !failed;
        if (!failed) source.resume();
      };
      this.waiting = true;
      source.on('data', (chunk: Uint8Array) => {
        this.taken += chunk.length;
        try {
          pending = sink(chunk);
        } catch (error) {
          return fail(error);
        }
        if (!pending) return;
        this.waiting = false;
        source.pause();
        pending.then(resume, fail);
      });
      finished(source, (error) => {
        this.waiting = false;
        clearInterval(this.timer);
        if (error) return fail(this.transportError(error));
        // the last chunk's promise may still be pending when the source ends
        Promise.resolve(pending).then(() => failed || resolve(), fail);
      });
    });
  }

  destroy(): void {
    clearInterval(this.timer);
    if (!this.source.destroyed && !this.source.readableEnded) this.source.destroy();
  }

  private check(): void {
    const source = this.source;
    if (source.readableEnded || source.destroyed) return clearInterval(this.timer);
    const buffered = source.readableLength;
    const arrived = this.taken + buffered - this.bufferedAtStart;
    if (this.waiting && buffered === 0 && arrived < this.pace.minBytes) {
      clearInterval(this.timer);
      source.destroy(new TransportError(`${this.service} sent less than ${formatLimit(this.pace.minBytes)} in ${formatSeconds(this.pace.windowMs)}`, true, true));
      return;
    }
    this.taken = 0;
    this.bufferedAtStart = buffered;
  }

  private transportError(error: unknown): unknown {
    if (error instanceof TransportError) return error;
    return new TransportError(`${this.service}: ${describeTransportError(error).text}`, true, true);
  }
}
