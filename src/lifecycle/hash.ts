/** sha256 of a file, streamed (inputs and results can be many GB). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// an ES module from a data: URL: no file beside the compiled code, and it works under vitest too.
// One buffer, reused: a stream would allocate a fresh megabyte per chunk and leave 1 GiB of garbage
// for the collector, which is what a submit's peak memory was made of.
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
const fd = openSync(workerData, 'r');
try {
  for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, read));
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * The same on a worker thread: `submit` hashes its inputs while they upload, so a 1 GiB input costs one
 * upload's time, not a hash pass and then an upload (the second read comes from the page cache).
 */
export function sha256FileOffThread(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER)}`), { workerData: path });
    worker.once('message', (digest: string) => resolve(digest));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`hashing ${path} stopped (exit ${code})`))));
  });
}
