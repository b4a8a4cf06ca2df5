/**
 * Compression detection by magic bytes, and reading a file's decompressed bytes in order with bounded memory.
 * BGZF blocks are independent, so runs of whole blocks are inflated in parallel on the worker pool while
 * the main thread reads ahead (at most `inFlight` runs outstanding).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { InflatePool } from './inflate-pool.js';

export type Compression = 'bgzf' | 'gzip' | 'none' | 'unknown';

/** A problem with the compressed stream itself; the checker turns it into a finding with `code`. */
export class DecompressError extends Error {
  constructor(
    readonly code: 'truncated-bgzf' | 'corrupt-bgzf' | 'corrupt-gzip',
    message: string,
  ) {
    super(message);
  }
}

/** `head` = the first bytes of the file (64 are enough). Text means not binary, not "is a VCF". */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) {
    return isBgzfHeader(head, 0) ? 'bgzf' : 'gzip';
  }
  const sample = head.subarray(0, 64);
  const binary = sample.some((byte) => byte < 9 || (byte > 13 && byte < 32) || byte === 127);
  return binary ? 'unknown' : 'none';
}

/** gzip member with FEXTRA whose first subfield is BC with SLEN 2 (as bgzip and htslib write it) */
export function isBgzfHeader(bytes: Uint8Array, at: number): boolean {
  return (
    bytes.length - at >= 18 &&
    bytes[at] === 0x1f &&
    bytes[at + 1] === 0x8b &&
    bytes[at + 2] === 8 &&
    (bytes[at + 3] & 4) !== 0 &&
    bytes[at + 12] === 66 &&
    bytes[at + 13] === 67 &&
    bytes[at + 14] === 2 &&
    bytes[at + 15] === 0
  );
}

export interface ReadStats {
  /** compressed bytes read so far */
  bytesRead: number;
  /** BGZF only: the last block was the 28-byte empty EOF block */
  eofBlock: boolean;
}

export interface ReadOptions {
  pool: InflatePool;
  /** compressed bytes per read and per pool job (default 256 KiB: a few MiB inflated; larger runs only raise memory) */
  chunkSize?: number;
  /** runs of blocks being inflated at once (default 2 × pool size) */
  inFlight?: number;
  /** BGZF only: start reading at this compressed offset (a block boundary, e.g. from a tabix index) */
  start?: number;
}

/** Decompressed bytes of `path` in order. Throws DecompressError for bad streams, fs errors as they are. */
export async function* readDecompressed(
  path: string,
  compression: Compression,
  options: ReadOptions,
  stats: ReadStats = { bytesRead: 0, eofBlock: false },
): AsyncGenerator<Buffer> {
  if (compression === 'bgzf') yield* readBgzf(path, options, stats);
  else if (compression === 'gzip') yield* readGzip(path, stats);
  else yield* readPlain(path, stats);
}

async function* readBgzf(path: string, options: ReadOptions, stats: ReadStats): AsyncGenerator<Buffer> {
  const chunkSize = options.chunkSize ?? 256 << 10;
  const inFlight = options.inFlight ?? options.pool.size * 2;
  const queue: Array<Promise<Buffer>> = [];
  const handle = await open(path, 'r');
  let position = options.start ?? 0;
  try {
    let leftover: Buffer = Buffer.alloc(0);
    for (;;) {
      const buffer = Buffer.allocUnsafeSlow(leftover.length + chunkSize);
      leftover.copy(buffer, 0);
      const { bytesRead } = await handle.read(buffer, leftover.length, chunkSize, position);
      position += bytesRead;
      const filled = leftover.length + bytesRead;
      if (bytesRead === 0) {
        // Hand over what did inflate first, so the report still counts the records before the cut.
        while (queue.length > 0) yield await queue.shift()!;
        if (filled > 0) throw new DecompressError('truncated-bgzf', `the file ends inside a block (${filled} bytes left over)`);
        break;
      }
      const split = splitBlocks(buffer.subarray(0, filled), stats.bytesRead - leftover.length);
      stats.bytesRead += bytesRead;
      if (split.end > 0) {
        stats.eofBlock = split.lastEmpty;
        leftover = Buffer.from(buffer.subarray(split.end, filled));
        queue.push(quiet(options.pool.inflate(buffer.subarray(0, split.end))));
      } else leftover = Buffer.from(buffer.subarray(0, filled));
      while (queue.length >= inFlight) yield await queue.shift()!;
    }
    while (queue.length > 0) yield await queue.shift()!;
  } catch (error) {
    if (error instanceof Error && /truncated|corrupt/.test(error.message) && !(error instanceof DecompressError)) {
      throw new DecompressError('corrupt-bgzf', error.message);
    }
    throw error;
  } finally {
    await handle.close();
  }
}

/** Keep a rejection from being reported as unhandled while earlier jobs are awaited; it is awaited later. */
function quiet(promise: Promise<Buffer>): Promise<Buffer> {
  promise.catch(() => undefined);
  return promise;
}

/** Walk block headers: where the last complete block ends, and whether that block is empty (EOF marker). */
export function splitBlocks(bytes: Buffer, fileOffset: number): { end: number; lastEmpty: boolean } {
  let offset = 0;
  let lastEmpty = false;
  while (bytes.length - offset >= 18) {
    if (!isBgzfHeader(bytes, offset)) {
      throw new DecompressError('corrupt-bgzf', `no BGZF block header at byte ${fileOffset + offset}`);
    }
    const size = bytes.readUInt16LE(offset + 16) + 1;
    if (offset + size > bytes.length) break;
    lastEmpty = bytes.readUInt32LE(offset + size - 4) === 0;
    offset += size;
  }
  return { end: offset, lastEmpty };
}

async function* readGzip(path: string, stats: ReadStats): AsyncGenerator<Buffer> {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip();
  source.on('data', (chunk) => (stats.bytesRead += chunk.length));
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof Error && 'errno' in error && (error as { code?: string }).code?.startsWith('Z_')) {
      throw new DecompressError('corrupt-gzip', `gzip stream is truncated or damaged (${error.message})`);
    }
    throw error;
  } finally {
    source.destroy();
  }
}

async function* readPlain(path: string, stats: ReadStats): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    stats.bytesRead += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}
