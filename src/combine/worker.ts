/**
 * A combine worker thread: runs the jobs it is sent (one chromosome each) with its own BGZF pool and answers
 * with the job's report, or with the error's class, message and hint so the main thread can rethrow it.
 */
import { parentPort } from 'node:worker_threads';
import { isFedimputeError } from '../errors.js';
import { createInflatePool } from '../vcf/inflate-pool.js';
import { runJob } from './job.js';
import type { CombineJob } from './types.js';

const port = parentPort!;

port.on('message', async (message: { id: number; job: CombineJob }) => {
  const pool = createInflatePool(Math.max(1, message.job.threads));
  try {
    const report = await runJob(message.job, pool);
    port.postMessage({ id: message.id, report });
  } catch (error) {
    const known = isFedimputeError(error);
    port.postMessage({
      id: message.id,
      error: {
        kind: known ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        hint: known ? error.hint : undefined,
        stack: error instanceof Error ? error.stack : undefined,
      },
    });
  } finally {
    await pool.close();
  }
});
