/**
 * How a job's state is shown, stated once: every table, line, JSON document and manifest uses these.
 */
import type { ChildStatus } from './status.js';

/** a completed job is 100 % whatever the last report said; progress is otherwise kept within 0..100 */
export function shownProgress(job: { status: ChildStatus; progress: number }): number {
  return job.status === 'completed' ? 100 : Math.max(0, Math.min(100, job.progress));
}

/** the one message to show for a job: a failed job shows why it failed */
export function shownMessage(job: { status: ChildStatus; message: string | null; last_error: string | null }): string | null {
  return job.status === 'failed' ? (job.last_error ?? job.message) : job.message;
}

/** the error of a failed job, null for any other (JSON `error` fields) */
export function errorOf(job: { status: ChildStatus; last_error: string | null }): string | null {
  return job.status === 'failed' ? job.last_error : null;
}
