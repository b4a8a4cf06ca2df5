/**
 * sha256 of a large download on a worker thread, so hashing overlaps with receiving and writing instead
 * of adding to them (it was a third of the transfer time on loopback). At most MAX_IN_FLIGHT batches
 * wait in the worker: memory stays bounded if the disk or network outruns the hash.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export interface Hasher {
  update(batch: Uint8Array): Promise<void>;
  digest(): Promise<string>;
  dispose(): void;
}

const MAX_IN_FLIGHT = 8;

// an ES module from a data: URL needs no file next to the compiled code and works under vitest too
const WORKER = `
import { parentPort } from 'node:worker_threads';
import { createHash } from 'node:crypto';
const hash = createHash('sha256');
parentPort.on('message', (message) => {
  if (message === null) parentPort.postMessage({ digest: hash.digest('hex') });
  else { hash.update(message); parentPort.postMessage({ ack: true }); }
});
`;

export function inlineHasher(): Hasher {
  const hash = createHash('sha256');
  return {
    update: async (batch) => void hash.update(batch),
    digest: async () => hash.digest('hex'),
    dispose: () => undefined,
  };
}

export function workerHasher(): Hasher {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER)}`));
  worker.unref();
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let finish: ((digest: string) => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: { ack?: true; digest?: string }) => {
    if (message.ack) {
      inFlight--;
      wake?.();
    } else if (message.digest) finish?.(message.digest);
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  return {
    async update(batch) {
      while (inFlight >= MAX_IN_FLIGHT && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      inFlight++;
      worker.postMessage(batch);
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (failure) return reject(failure);
        finish = resolve;
        worker.postMessage(null);
      }).finally(() => void worker.terminate());
    },
    dispose: () => void worker.terminate(),
  };
}
