/**
 * A small pool of worker threads that inflate (or deflate) runs of BGZF blocks. Jobs are handed to the
 * least busy worker; results come back as promises, and the caller keeps them in submission order, so
 * ordering and backpressure (how many jobs are in flight) stay with the caller (see bgzf.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { INFLATE_WORKER_CODE } from './inflate-worker-code.js';

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(INFLATE_WORKER_CODE)}`);

interface Pending {
  resolve: (data: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface InflatePool {
  readonly size: number;
  /** The pool takes ownership of `blocks`/`data`: their whole buffer is transferred (unless small), so views of it die. */
  /** inflate whole BGZF blocks (header to ISIZE, back to back); rejects with "truncated BGZF"/"corrupt BGZF" */
  inflate(blocks: Uint8Array): Promise<Buffer>;
  /** compress raw bytes into BGZF blocks of at most 65,280 input bytes each (no EOF block) */
  deflate(data: Uint8Array, level: number): Promise<Buffer>;
  /**
   * Hand a buffer the pool returned (or any the caller no longer needs) back to a worker, which fills it with a
   * later result instead of allocating: the buffers then circulate rather than pile up as garbage until the
   * next collection (which, for memory outside the JS heap, can be tens of MB away). Small buffers are ignored.
   */
  recycle(buffer: Uint8Array): void;
  /** terminate the workers so the process can exit */
  close(): Promise<void>;
}

/** Buffers smaller than this may live in Node's shared 8 KiB pool, so they are never transferred away. */
const RECYCLE_MINIMUM = 64 << 10;

/** size defaults to the available cores, minimum 2 */
export function createInflatePool(size = Math.max(2, availableParallelism())): InflatePool {
  const slots: Slot[] = [];
  let nextId = 1;
  for (let index = 0; index < size; index++) slots.push(startSlot());

  function run(op: 'inflate' | 'deflate', data: Uint8Array, level = 0): Promise<Buffer> {
    const slot = slots.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
    const id = nextId++;
    // The pool owns `data`: its whole buffer is transferred (the view keeps its offset and length), unless it
    // may be a slab of Node's shared pool (small buffers), which is copied: transferring that would detach
    // other Buffers. Structured clone would copy a view's whole buffer anyway.
    const shared = data.buffer.byteLength < RECYCLE_MINIMUM || data.buffer instanceof SharedArrayBuffer;
    const owned = shared ? Uint8Array.prototype.slice.call(data) : data;
    return new Promise<Buffer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, op, data: owned, level }, [owned.buffer as ArrayBuffer]);
    });
  }

  return {
    size,
    inflate: (blocks) => run('inflate', blocks),
    deflate: (data, level) => run('deflate', data, level),
    recycle(buffer) {
      const whole = buffer.buffer;
      if (whole.byteLength < RECYCLE_MINIMUM || whole instanceof SharedArrayBuffer) return;
      const slot = slots.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
      slot.worker.postMessage({ id: 0, op: 'recycle', data: new Uint8Array(whole as ArrayBuffer) }, [whole as ArrayBuffer]);
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

function startSlot(): Slot {
  const worker = new Worker(WORKER_URL);
  const pending = new Map<number, Pending>();
  worker.on('message', (message: { id: number; data?: Uint8Array; error?: string }) => {
    const job = pending.get(message.id);
    if (!job) return;
    pending.delete(message.id);
    if (pending.size === 0) worker.unref();
    if (message.error !== undefined || !message.data) job.reject(new Error(message.error ?? 'no data'));
    else job.resolve(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
  });
  worker.on('error', (error) => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  });
  // Only a busy worker keeps the process alive, so a forgotten close() cannot hang the CLI.
  worker.unref();
  return { worker, pending };
}
