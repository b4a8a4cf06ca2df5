/**
 * Lines of a (BGZF, gzip or plain) VCF as byte ranges, without making strings. The hot loop asks with
 * next(), which is synchronous; only when the inflated chunk is used up does it await fill(). BGZF blocks
 * are inflated on the worker pool (bgzf.ts), so reading costs the main thread only the line scan.
 */
import { open } from 'node:fs/promises';
import { detectCompression, readDecompressed, type Compression } from '../vcf/bgzf.js';
import type { InflatePool } from '../vcf/inflate-pool.js';

const NEWLINE = 10;

export interface Line {
  /** the chunk holding the line; valid until the next fill() */
  bytes: Buffer;
  start: number;
  /** index of the newline (or the end of the data) */
  end: number;
}

export class LineReader {
  private data: Buffer = Buffer.alloc(0);
  private at = 0;
  private finished = false;
  /** the chunk after a line that was cut at a chunk boundary, and where to go on in it */
  private following: Buffer | null = null;
  private followingAt = 0;
  private readonly line: Line = { bytes: this.data, start: 0, end: 0 };

  private constructor(
    private readonly chunks: AsyncGenerator<Buffer>,
    private readonly pool: InflatePool,
  ) {}

  /** `peek`: only the first lines will be read (a header), so inflate little at a time */
  static async open(path: string, pool: InflatePool, start?: { compressed: number; skip: number }, peek = false): Promise<LineReader> {
    const compression = await sniff(path);
    const reading = peek ? { chunkSize: 64 << 10, inFlight: 1 } : { chunkSize: 128 << 10, inFlight: pool.size };
    const reader = new LineReader(readDecompressed(path, compression, { pool, start: start?.compressed, ...reading }), pool);
    if (start && start.skip > 0) {
      while (reader.data.length - reader.at < start.skip && (await reader.fill()));
      reader.at += start.skip;
    }
    return reader;
  }

  /** the next complete line, or null when the buffered data holds none (call fill(), then ask again) */
  next(): Line | null {
    if (this.following && this.at >= this.data.length) {
      this.data = this.following;
      this.at = this.followingAt;
      this.following = null;
    }
    const newline = this.data.indexOf(NEWLINE, this.at);
    if (newline < 0) {
      if (!this.finished || this.at >= this.data.length) return null;
      return this.take(this.data.length);
    }
    return this.take(newline);
  }

  /** read the next chunk; false when the file is used up (next() then returns a last unterminated line once) */
  async fill(): Promise<boolean> {
    if (this.finished) return false;
    const { value, done } = await this.chunks.next();
    const rest = this.data.subarray(this.at);
    if (done) {
      this.finished = true;
      return rest.length > 0;
    }
    // the rest is copied below; the used-up chunk goes back to the pool to be filled again
    const used = this.data;
    this.at = 0;
    const newline = rest.length > 0 ? value.indexOf(NEWLINE) : -1;
    if (rest.length === 0) this.data = value;
    else if (newline < 0) this.data = Buffer.concat([rest, value]);
    else {
      // only the line cut at the boundary is copied; the new chunk is then read where it lies
      this.data = Buffer.concat([rest, value.subarray(0, newline + 1)]);
      this.following = value;
      this.followingAt = newline + 1;
    }
    this.pool.recycle(used);
    return true;
  }

  /** the next line, reading as needed; null at the end of the file */
  async read(): Promise<Line | null> {
    for (;;) {
      const line = this.next();
      if (line) return line;
      if (!(await this.fill())) return this.next();
    }
  }

  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }

  private take(end: number): Line {
    this.line.bytes = this.data;
    this.line.start = this.at;
    this.line.end = end;
    this.at = end + 1;
    return this.line;
  }
}

export async function sniff(path: string): Promise<Compression> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    return detectCompression(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
