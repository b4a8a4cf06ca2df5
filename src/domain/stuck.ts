/**
 * DESIGN §6: a job stuck in one state longer than the service's limit (registry `max_run_seconds`) is
 * flagged. Only jobs the service holds count: one waiting locally for a slot is not the service's delay.
 */
import { TERMINAL, type ChildStatus } from './status.js';

export interface StuckFlag {
  /** how long it has been in its current status (ms) */
  forMs: number;
  limitMs: number;
}

/**
 * `since` is when the job entered its current status (its last status-changing event). Undefined when the
 * service sets no limit, the job is finished or not on the service, or the limit is not passed yet.
 */
export function stuckFlag(
  job: { status: ChildStatus; remote_job_id: string | null; submit_state?: string | null },
  since: string | null | undefined,
  limitSeconds: number | undefined,
  now: Date,
): StuckFlag | undefined {
  // a job the service lost is not stuck but gone: it is flagged as lost instead
  if (!limitSeconds || !since || !job.remote_job_id || TERMINAL.has(job.status) || job.submit_state === 'lost') return undefined;
  const forMs = now.getTime() - Date.parse(since);
  const limitMs = limitSeconds * 1000;
  return forMs > limitMs ? { forMs, limitMs } : undefined;
}
