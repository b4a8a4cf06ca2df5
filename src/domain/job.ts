/**
 * The fields of a job that the state rules read and write. The store's row (store/rows.ts) has these and
 * more; domain never sees SQL, only these shapes.
 */
import type { ChildStatus, SubmitState } from './status.js';

/** what a child looks like to the transition rule and the display rules */
export interface ChildState {
  status: ChildStatus;
  progress: number;
  message: string | null;
  last_error: string | null;
  submit_state: SubmitState | null;
  remote_job_id: string | null;
  started_at: string | null;
  completed_at: string | null;
}

/** the columns of a child that a change may set (everything else is fixed at submit time or derived) */
export interface ChildPatch {
  remote_job_id?: string | null;
  status?: ChildStatus;
  remote_state?: string | null;
  progress?: number;
  queue_position?: number | null;
  step?: string | null;
  message?: string | null;
  last_error?: string | null;
  submit_state?: SubmitState | null;
  submitted_at?: string | null;
  results_expire_at?: string | null;
  cancel_requested_at?: string | null;
  lease_until?: string | null;
  lease_owner?: string | null;
  result_password?: string | null;
}
