/**
 * Inflating one entry through node:zlib (native, on the thread pool) while the next chunks are decrypted
 * (here or on a worker). When the compressed size is unknown (a data descriptor follows the data), the deflate
 * stream's own end marks the entry's end: zlib stops consuming there, and `bytesWritten` — the input it consumed —
 * tells where the next record starts. The bytes read past it are given back to the source.
 */
import { createInflateRaw } from 'node:zlib';
import type { AesDecoder } from './aes.js';
import { AHEAD, CHUNK } from './chunks.js';
import type { Decryptor } from './decrypt.js';
import { ZipError } from './errors.js';
import type { ByteSource } from './source.js';


interface InflateInput {
  source: ByteSource;
  /** compressed bytes after the encryption header, when the headers say */
  payload: number | undefined;
  decryptor?: Decryptor;
  /** WinZip AES: the authentication code covers exactly the entry's ciphertext */
  aes?: AesDecoder;
  entry: string;
  emit: (plain: Uint8Array) => Promise<void>;
}

interface Chunk {
  raw: Uint8Array;
  plain: Promise<Uint8Array>;
}

/** inflate the entry's data from the source; returns the number of compressed bytes it took */
export async function inflateEntry(input: InflateInput): Promise<number> {
  const { source, payload, entry, decryptor } = input;
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
  const ahead: Chunk[] = [];
  let inZlib: { consumed: Promise<number>; raw: Uint8Array; plain: Uint8Array; start: number } | undefined;
  let fed = 0;
  let remaining = payload ?? Number.POSITIVE_INFINITY;
  let ended: number | undefined;
  try {
    for (;;) {
      while (ahead.length < AHEAD && remaining > 0) {
        const raw = await source.chunk(Math.min(remaining, CHUNK));
        if (!raw) break;
        remaining -= raw.length;
        const plain = decryptor ? decryptor.decrypt(raw) : Promise.resolve(raw);
        plain.catch(() => undefined);
        ahead.push({ raw, plain });
      }
      if (inZlib) {
        const consumed = await Promise.race([inZlib.consumed, failed]);
        decryptor?.release(inZlib.plain);
        const used = consumed - inZlib.start;
        if (used < inZlib.raw.length) {
          if (payload !== undefined) throw new ZipError('corrupt', `${entry} is corrupt (its compressed data ends before its declared size)`, entry);
          input.aes?.authenticate(inZlib.raw.subarray(0, used));
          // give back, in stream order, what was read past the end of the deflate stream
          for (const chunk of ahead.reverse()) source.unread(chunk.raw);
          source.unread(inZlib.raw.subarray(used));
          ended = consumed;
          break;
        }
        input.aes?.authenticate(inZlib.raw);
      }
      const next = ahead.shift();
      if (!next) break;
      const plain = await Promise.race([next.plain, failed]);
      inZlib = { consumed: feed(plain), raw: next.raw, plain, start: fed };
      fed += next.raw.length;
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
