/**
 * Decryption as the entry readers use it: chunks go in, plain chunks come back in the same order, each valid
 * until released. Buffers are pooled (a gigabyte passing through allocates nothing). AES runs here (OpenSSL,
 * GB/s); ZipCrypto, serial and ~110 MB/s, starts here and moves to a worker thread once an entry proves large,
 * so that this thread keeps receiving, inflating, checking and writing while another core decrypts.
 */
import { Worker } from 'node:worker_threads';
import { CRC_TABLE } from './crc32.js';
import { AHEAD } from './chunks.js';
import { zipCryptoDecrypt, type ZipCryptoDecoder } from './zipcrypto.js';

export interface Decryptor {
  /** decrypt a raw chunk (left intact: it may be given back to the source); resolves in call order */
  decrypt(raw: Uint8Array): Promise<Uint8Array>;
  /** the plain chunk has been consumed: its buffer may be reused */
  release(plain: Uint8Array): void;
  close(): void;
}

/** an entry decrypts this much on this thread before a worker is worth its start-up and ~10 MB */
const WORKER_AFTER = 4 << 20;
/**
 * One worker at a time, whatever the number of zips extracted at once: with this thread it keeps two cores
 * busy, and each more would cost another ~10 MB of the 150 MB budget. Other large entries meanwhile go on here.
 */
let workerBusy = false;
const SMALLEST = 64 << 10;

/** buffers by power-of-two capacity, kept for reuse */
class Pool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly owned = new WeakSet<ArrayBuffer>();

  take(length: number): Uint8Array {
    const capacity = Math.max(SMALLEST, 2 ** Math.ceil(Math.log2(length)));
    const buffer = this.free.get(capacity)?.pop() ?? new ArrayBuffer(capacity);
    this.owned.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /** a buffer that came back from the worker (a transfer makes a new ArrayBuffer object) */
  adopt(buffer: ArrayBuffer): void {
    this.owned.add(buffer);
  }

  give(view: Uint8Array): void {
    const buffer = view.buffer as ArrayBuffer;
    if (!this.owned.has(buffer) || buffer.byteLength === 0) return;
    const list = this.free.get(buffer.byteLength) ?? [];
    if (list.length < AHEAD * 2) list.push(buffer);
    this.free.set(buffer.byteLength, list);
  }
}

/** AES (or any decryption fast enough for this thread) */
export function localDecryptor(decrypt: (input: Uint8Array, output: Uint8Array) => void): Decryptor {
  const pool = new Pool();
  return {
    decrypt: async (raw) => {
      const plain = pool.take(raw.length);
      decrypt(raw, plain);
      return plain;
    },
    release: (plain) => pool.give(plain),
    close: () => undefined,
  };
}

export function zipCryptoDecryptor(decoder: ZipCryptoDecoder): Decryptor {
  const pool = new Pool();
  let decrypted = 0;
  let worker: DecryptWorker | undefined;
  return {
    decrypt: async (raw) => {
      if (!worker && decrypted + raw.length > WORKER_AFTER && !workerBusy) {
        workerBusy = true;
        worker = new DecryptWorker(decoder.keys(), pool);
      }
      if (worker) return worker.decrypt(raw);
      decrypted += raw.length;
      const plain = pool.take(raw.length);
      decoder.decrypt(raw, plain);
      return plain;
    },
    release: (plain) => pool.give(plain),
    close: () => {
      if (!worker) return;
      worker.close();
      worker = undefined;
      workerBusy = false;
    },
  };
}

// an ES module from a data: URL needs no file next to the compiled code and works under vitest too; the loop
// is zipcrypto.ts's own function, by its source text
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
const table = new Int32Array(${JSON.stringify(Array.from(CRC_TABLE))});
const decrypt = ${zipCryptoDecrypt.toString()};
const keys = Int32Array.from(workerData.keys);
parentPort.on('message', ({ input, output, length }) => {
  decrypt(table, keys, new Uint8Array(input, 0, length), new Uint8Array(output, 0, length));
  parentPort.postMessage({ input, output, length }, [input, output]);
});
`;

interface Reply {
  input: ArrayBuffer;
  output: ArrayBuffer;
  length: number;
}

/** one entry's ZipCrypto stream continued on a worker thread from the keys it had reached here */
class DecryptWorker {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];
  private failure?: Error;

  constructor(keys: Int32Array, private readonly pool: Pool) {
    // it allocates nothing but the messages: a small heap keeps its share of the RSS small
    this.worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER)}`), {
      workerData: { keys: Array.from(keys) },
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.waiting.shift()?.resolve(reply));
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    });
  }

  async decrypt(raw: Uint8Array): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    // the raw chunk stays here untouched: a copy travels (transferred, not cloned) and comes back decrypted
    const input = this.pool.take(raw.length);
    input.set(raw);
    const output = this.pool.take(raw.length);
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ input: input.buffer, output: output.buffer, length: raw.length }, [input.buffer as ArrayBuffer, output.buffer as ArrayBuffer]);
    });
    this.pool.adopt(reply.input);
    this.pool.adopt(reply.output);
    this.pool.give(new Uint8Array(reply.input));
    return new Uint8Array(reply.output, 0, reply.length);
  }

  close(): void {
    void this.worker.terminate();
  }
}
