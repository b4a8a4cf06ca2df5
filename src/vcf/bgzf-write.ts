/**
 * Writing BGZF as bgzip does: blocks of at most 65,280 input bytes (so a block never exceeds 64 KiB), each a
 * gzip member with the BC extra subfield holding BSIZE, CRC32 and ISIZE, and the 28-byte empty EOF block.
 * With a pool, runs of blocks are deflated in parallel and written in order (bounded in-flight).
 */
import { open, type FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import type { InflatePool } from './inflate-pool.js';

export const MAX_BLOCK_INPUT = 65280;

/** the standard empty block that ends every BGZF file */
export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

const tableCrc32 = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return (bytes: Uint8Array): number => {
    let c = -1;
    for (let index = 0; index < bytes.length; index++) c = table[(c ^ bytes[index]) & 255] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
})();

/** zlib.crc32 arrived in Node 20.15; older 20.x uses the table */
export const crc32: (bytes: Uint8Array) => number =
  (zlib as unknown as { crc32?: (bytes: Uint8Array) => number }).crc32 ?? tableCrc32;

/** one BGZF block of `data` (at most MAX_BLOCK_INPUT bytes) */
export function bgzfBlock(data: Uint8Array, level = 6): Buffer {
  const body = zlib.deflateRawSync(data, { level });
  const block = Buffer.alloc(18 + body.length + 8);
  block.set([31, 139, 8, 4, 0, 0, 0, 0, 0, 255, 6, 0, 66, 67, 2, 0]);
  block.writeUInt16LE(block.length - 1, 16);
  block.set(body, 18);
  block.writeUInt32LE(crc32(data), 18 + body.length);
  block.writeUInt32LE(data.length, 22 + body.length);
  return block;
}

export function bgzfBlocksSync(data: Uint8Array, level = 6): Buffer {
  const blocks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += MAX_BLOCK_INPUT) {
    blocks.push(bgzfBlock(data.subarray(offset, Math.min(data.length, offset + MAX_BLOCK_INPUT)), level));
  }
  return Buffer.concat(blocks);
}

export interface BgzfWriterOptions {
  /** deflate level (default 6, bgzip's) */
  level?: number;
  /** deflate on these workers; without one, deflate runs on the calling thread */
  pool?: InflatePool;
}

export class BgzfWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly queue: Array<Promise<Buffer>> = [];
  private readonly batch: number;
  bytesIn = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly options: BgzfWriterOptions,
  ) {
    this.batch = options.pool ? 16 * MAX_BLOCK_INPUT : MAX_BLOCK_INPUT;
  }

  static async create(path: string, options: BgzfWriterOptions = {}): Promise<BgzfWriter> {
    return new BgzfWriter(await open(path, 'w'), options);
  }

  /** Copies `data`; resolves once buffered memory is back under the bound. */
  async write(data: Uint8Array | string): Promise<void> {
    this.append(data);
    await this.drain();
  }

  /** Copies `data` into the buffer without compressing; call drain() soon (after each input chunk). */
  append(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.bytesIn += bytes.length;
  }

  /**
   * Compress `data` as a run of blocks of its own, without copying it into the buffer first (for callers that
   * gather large batches themselves). With a pool, `data` is taken over: its buffer is transferred to a worker.
   * What append() buffered goes first.
   */
  async writeBatch(data: Uint8Array): Promise<void> {
    if (this.pendingBytes > 0) await this.flush(true);
    this.bytesIn += data.length;
    await this.enqueue(data);
  }

  /** compress and write whole blocks of what append() buffered */
  async drain(): Promise<void> {
    if (this.pendingBytes >= this.batch) await this.flush(false);
  }

  /** write what is buffered, the EOF block, and close the file */
  async close(): Promise<void> {
    try {
      await this.flush(true);
      while (this.queue.length > 0) await this.writeNext();
      await this.handle.write(BGZF_EOF);
    } finally {
      await this.handle.close();
    }
  }

  /** close the file without finishing it (after an error) */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async flush(all: boolean): Promise<void> {
    const joined = Buffer.concat(this.pending, this.pendingBytes);
    const take = all ? joined.length : joined.length - (joined.length % MAX_BLOCK_INPUT);
    this.pending = take < joined.length ? [Buffer.from(joined.subarray(take))] : [];
    this.pendingBytes = joined.length - take;
    if (take === 0) return;
    await this.enqueue(joined.subarray(0, take));
  }

  private async enqueue(raw: Uint8Array): Promise<void> {
    const level = this.options.level ?? 6;
    const pool = this.options.pool;
    const compressed = pool ? pool.deflate(raw, level) : Promise.resolve(bgzfBlocksSync(raw, level));
    compressed.catch(() => undefined);
    this.queue.push(compressed);
    const limit = pool ? pool.size * 2 : 1;
    while (this.queue.length > limit || (!pool && this.queue.length > 0)) await this.writeNext();
  }

  /** write the oldest compressed run, then give its buffer back to the pool to fill again */
  private async writeNext(): Promise<void> {
    const blocks = await this.queue.shift()!;
    await this.handle.write(blocks);
    this.options.pool?.recycle(blocks);
  }
}
