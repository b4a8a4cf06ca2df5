/**
 * The transition rule of a child job: what may follow what, the timestamps a move sets, and the event it
 * appends to the job's history. The store persists exactly what this decides, in one transaction.
 *
 * - Statuses only move forward (queued → running → a terminal status): a slower concurrent poll may carry
 *   older news. A terminal status is final, unless the child is reopened (retry).
 * - started_at is set when a child first runs (or completes); completed_at when it reaches a terminal status.
 * - An event is appended when the status changes, and when the submission reaches news a reader should
 *   see (accepted by the service, waiting for a slot, answer lost, job lost by the service) while the
 *   child is unfinished.
 * - Progress is 100 only for a completed child.
 */
import type { ChildPatch, ChildState } from './job.js';
import { shownMessage } from './display.js';
import { TERMINAL, type ChildStatus, type SubmitState } from './status.js';

const RANK: Record<ChildStatus, number> = { queued: 0, running: 1, completed: 2, failed: 2, canceled: 2 };

/** submission states worth an event: the others are a lease being held ('submitting') or bookkeeping */
const SUBMIT_NEWS: ReadonlySet<SubmitState> = new Set(['submitted', 'cancel-pending', 'waiting-slot', 'unconfirmed', 'lost']);

export interface TransitionOptions {
  /** retry: a terminal child becomes queued again, its timestamps cleared */
  reopen?: boolean;
  /** why the store was told to change it ('created', 'retry (attempt 2)', 'canceled locally') */
  reason?: string;
}

/** a row of job_events before the store gives it an id */
export interface EventDraft {
  from_status: ChildStatus | null;
  to_status: ChildStatus;
  /** what the job showed after the change (a failed job: its error) */
  message: string | null;
  reason: string | null;
  progress: number;
  remote_job_id: string | null;
  submit_state: SubmitState | null;
  /** parents only: every child terminal */
  settled: number | null;
}

export interface Transition {
  /** the columns to write, timestamps and updated_at included */
  columns: ChildPatch & { started_at?: string | null; completed_at?: string | null; updated_at: string };
  event?: EventDraft;
}

/** may a child in `from` be told it is now `to`? */
export function mayMove(from: ChildStatus, to: ChildStatus, reopen = false): boolean {
  if (reopen || from === to) return true;
  if (TERMINAL.has(from)) return false;
  return RANK[to] >= RANK[from];
}

/**
 * Apply `patch` to a child at time `now`. `lastNews` is the submission state the job's last event
 * recorded, so that a state the history already shows is not announced again.
 */
export function transition(
  before: ChildState,
  patch: ChildPatch,
  now: string,
  options: TransitionOptions = {},
  lastNews: SubmitState | null = null,
): Transition {
  const columns: Transition['columns'] = { ...patch, updated_at: now };
  // refused news of the status; the rest of the patch (message, progress) still applies
  if (patch.status && !mayMove(before.status, patch.status, options.reopen)) delete columns.status;
  const status = columns.status ?? before.status;
  if ((status === 'running' || status === 'completed') && !before.started_at) columns.started_at = now;
  if (TERMINAL.has(status) && !TERMINAL.has(before.status)) columns.completed_at = now;
  if (options.reopen) {
    columns.completed_at = null;
    columns.started_at = null;
  }
  // 100 % means completed: a job that is not (running, failed, canceled) never shows it (display.ts)
  if (status !== 'completed' && (columns.progress ?? before.progress) > 99) columns.progress = 99;
  const after: ChildState = { ...before, ...columns, status };
  const submitNews = after.submit_state !== null && SUBMIT_NEWS.has(after.submit_state) && after.submit_state !== lastNews && !TERMINAL.has(status);
  if (status === before.status && !submitNews) return { columns };
  return {
    columns,
    event: {
      from_status: before.status,
      to_status: status,
      message: shownMessage(after),
      reason: options.reason ?? null,
      progress: after.progress,
      remote_job_id: after.remote_job_id,
      submit_state: after.submit_state,
      settled: null,
    },
  };
}

/** the first event of a job, when it is recorded (a parent's carries its settled flag) */
export function creationEvent(job: ChildState & { parent_job_id: string | null; settled: number }, reason = 'created'): EventDraft {
  return {
    from_status: null,
    to_status: job.status,
    message: shownMessage(job),
    reason,
    progress: job.progress,
    remote_job_id: job.remote_job_id,
    submit_state: job.submit_state,
    settled: job.parent_job_id === null ? job.settled : null,
  };
}
