/**
 * A zip arriving as a stream of chunks, read by the zip reader in pieces of its choosing: exact header
 * lengths, bounded data chunks, and bytes pushed back when an entry turns out to end inside a chunk.
 */
import { ZipFormatError } from './errors.js';

export class ByteSource {
  /** bytes pushed back or not yet handed out, in stream order */
  private readonly pending: Uint8Array[] = [];
  private ended = false;
  /** offset in the stream of the next byte handed out */
  position = 0;

  constructor(
    private readonly iterator: AsyncIterator<Uint8Array>,
    /** the offset in the archive of the first byte this source yields */
    start = 0,
  ) {
    this.position = start;
  }

  static of(chunks: AsyncIterable<Uint8Array>, start = 0): ByteSource {
    return new ByteSource(chunks[Symbol.asyncIterator](), start);
  }

  /** the next bytes (at most `max`), or null at the end of the stream */
  async chunk(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    let next = this.pending.shift();
    while (!next || next.length === 0) {
      if (this.ended) return null;
      const result = await this.iterator.next();
      if (result.done) {
        this.ended = true;
        return null;
      }
      next = result.value;
    }
    if (next.length > max) {
      this.pending.unshift(next.subarray(max));
      next = next.subarray(0, max);
    }
    this.position += next.length;
    return next;
  }

  /** up to `length` bytes, fewer only at the end of the stream */
  async upTo(length: number): Promise<Uint8Array> {
    const first = await this.chunk(length);
    if (!first || first.length === length) return first ?? new Uint8Array(0);
    const parts = [first];
    let have = first.length;
    while (have < length) {
      const part = await this.chunk(length - have);
      if (!part) break;
      parts.push(part);
      have += part.length;
    }
    return Buffer.concat(parts, have);
  }

  /** exactly `length` bytes; the stream ending first means the zip is cut short */
  async exactly(length: number, what: string): Promise<Uint8Array> {
    const bytes = await this.upTo(length);
    if (bytes.length < length) throw new ZipFormatError(`the archive ends inside ${what}`);
    return bytes;
  }

  /** give bytes back: the next read starts with them */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.unshift(bytes);
    this.position -= bytes.length;
  }

  /** read to the end, discarding */
  async drain(): Promise<void> {
    while (await this.chunk()) {
      // the bytes still pass through whatever tee feeds this source
    }
  }
}
