/**
 * Running combine jobs: one job on this thread (its BGZF work already runs on the pool's workers), several
 * chromosomes on up to `threads` worker threads at once. Interrupting stops the workers; outputs are written
 * as `.part` files and renamed only when complete (job.ts), so nothing half-written is left looking finished.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EXIT, ExitStatus, InputError, UsageError } from '../errors.js';
import type { InflatePool } from '../vcf/inflate-pool.js';
import { runJob } from './job.js';
import type { CombineJob, JobReport } from './types.js';

interface WorkerError {
  kind: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** `pool` inflates and deflates for the jobs run on this thread; each worker thread has its own */
export async function runJobs(jobs: CombineJob[], threads: number, signal: AbortSignal, pool: InflatePool): Promise<JobReport[]> {
  const entry = workerEntry();
  if (jobs.length === 1 || threads <= 1 || !entry) {
    const reports: JobReport[] = [];
    for (const job of jobs) reports.push(await runJob(job, pool, signal));
    return reports;
  }
  const count = Math.min(threads, jobs.length);
  const share = Math.max(1, Math.floor(threads / count));
  const reports: JobReport[] = new Array(jobs.length);
  let next = 0;
  const workers = Array.from({ length: count }, () => new Worker(entry));
  const stop = () => workers.forEach((worker) => void worker.terminate());
  signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      workers.map(async (worker) => {
        while (next < jobs.length) {
          const index = next++;
          reports[index] = await ask(worker, index, { ...jobs[index], threads: share }, signal);
        }
      }),
    );
    return reports;
  } finally {
    signal.removeEventListener('abort', stop);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function ask(worker: Worker, id: number, job: CombineJob, signal: AbortSignal): Promise<JobReport> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: { id: number; report?: JobReport; error?: WorkerError }) => {
      if (message.id !== id) return;
      done();
      if (message.report) resolve(message.report);
      else reject(rebuild(message.error!));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = () => {
      done();
      reject(signal.aborted ? new ExitStatus(EXIT.interrupted, 'interrupted') : new Error('a combine worker stopped unexpectedly'));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, job });
  });
}

function rebuild(error: WorkerError): Error {
  const rebuilt =
    error.kind === 'InputError' ? new InputError(error.message, { hint: error.hint }) : error.kind === 'UsageError' ? new UsageError(error.message, { hint: error.hint }) : new Error(error.message);
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/**
 * worker.js beside this module; when this runs from the TypeScript sources (vitest), the built twin in dist/
 * (a worker thread cannot load .ts), or null without one — then jobs run one after another on this thread.
 */
function workerEntry(): URL | null {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new URL('./worker.js', here);
  const built = new URL('./worker.js', here.replace('/src/combine/', '/dist/combine/'));
  return existsSync(fileURLToPath(built)) ? built : null;
}
