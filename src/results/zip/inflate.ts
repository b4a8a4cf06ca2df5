/**
 * Inflating one entry through node:zlib (native, on the thread pool) while the next chunk is decrypted on
 * this thread. When the compressed size is unknown (a data descriptor follows the data), the deflate stream's
 * own end marks the entry's end: zlib stops consuming there, and `bytesWritten` — the input it consumed — tells
 * where the next record starts. The bytes read past it are given back to the source.
 */
import { createInflateRaw } from 'node:zlib';
import type { AesDecoder } from './aes.js';
import { ZipError } from './errors.js';
import type { ByteSource } from './source.js';

export const CHUNK = 1 << 20;

interface InflateInput {
  source: ByteSource;
  /** compressed bytes after the encryption header, when the headers say */
  payload: number | undefined;
  decrypt?: (raw: Uint8Array) => Uint8Array;
  /** WinZip AES: the authentication code covers exactly the entry's ciphertext */
  aes?: AesDecoder;
  entry: string;
  emit: (plain: Uint8Array) => Promise<void>;
}

/** inflate the entry's data from the source; returns the number of compressed bytes it took */
export async function inflateEntry(input: InflateInput): Promise<number> {
  const { source, payload, entry } = input;
  const inflater = createInflateRaw({ chunkSize: 128 << 10 });
  const drained = (async () => {
    for await (const plain of inflater as AsyncIterable<Uint8Array>) await input.emit(plain);
  })();
  // rejects only: raced against each write so that a failing sink (a bound, a full disk) is never waited out
  const failed = drained.then(() => new Promise<never>(() => undefined));
  failed.catch(() => undefined);
  const feed = (plain: Uint8Array) => {
    const done = new Promise<number>((resolve, reject) => inflater.write(plain, (error) => (error ? reject(error) : resolve(inflater.bytesWritten))));
    done.catch(() => undefined);
    return done;
  };
  let pending: { consumed: Promise<number>; raw: Uint8Array; start: number } | undefined;
  let fed = 0;
  let remaining = payload ?? Number.POSITIVE_INFINITY;
  let ended: number | undefined;
  try {
    for (;;) {
      const raw = remaining > 0 ? await source.chunk(Math.min(remaining, CHUNK)) : null;
      if (raw) remaining -= raw.length;
      // decrypted while zlib works on the previous chunk
      const plain = raw && input.decrypt ? input.decrypt(raw) : raw;
      if (pending) {
        const consumed = await Promise.race([pending.consumed, failed]);
        const used = consumed - pending.start;
        if (used < pending.raw.length) {
          if (payload !== undefined) throw new ZipError('corrupt', `${entry} is corrupt (its compressed data ends before its declared size)`, entry);
          input.aes?.authenticate(pending.raw.subarray(0, used));
          if (raw) source.unread(raw);
          source.unread(pending.raw.subarray(used));
          ended = consumed;
          break;
        }
        input.aes?.authenticate(pending.raw);
      }
      if (!raw || !plain) break;
      pending = { consumed: feed(plain), raw, start: fed };
      fed += raw.length;
    }
    inflater.end();
    await drained;
    return ended ?? inflater.bytesWritten;
  } catch (error) {
    inflater.destroy();
    await drained.catch(() => undefined);
    throw inflateFailure(error, entry);
  }
}

function inflateFailure(error: unknown, entry: string): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('Z_')) {
    const why = code === 'Z_BUF_ERROR' ? 'its compressed data is cut short' : `invalid compressed data: ${(error as Error).message}`;
    return new ZipError('corrupt', `${entry} is corrupt (${why})`, entry);
  }
  return error;
}
