/** Row shapes of the store, as SQLite returns them. */
import type { InputRecord } from '../domain/inputs.js';
import type { ChildStatus, SubmitState } from '../domain/status.js';

export type { SubmitState };
/** the input record under the name results/ uses */
export type StoredInput = InputRecord;

export interface JobRow {
  id: string;
  parent_job_id: string | null;
  name: string | null;
  description: string | null;
  service_id: number | null;
  service_slug: string | null;
  service_name: string | null;
  service_type: string | null;
  reference_panel_id: number | null;
  panel_name: string | null;
  remote_job_id: string | null;
  status: ChildStatus;
  remote_state: string | null;
  progress: number;
  queue_position: number | null;
  step: string | null;
  message: string | null;
  last_error: string | null;
  settled: number;
  /** JSON: InputRecord[] (read it with columns.ts's inputsOf) */
  input_files: string | null;
  /** JSON: SubmitOptions (read it with columns.ts's optionsOf) */
  options: string | null;
  result_password: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  submit_state: SubmitState | null;
  attempt: number;
  cancel_requested_at: string | null;
  results_expire_at: string | null;
  lease_until: string | null;
  lease_owner: string | null;
}

export interface EventRow {
  id: number;
  job_id: string;
  at: string;
  from_status: string | null;
  to_status: string;
  /** what the job showed after the change (a failed job: its error); before migration 5, the reason */
  message: string | null;
  /** why the store was told to change it ('created', 'retry (attempt 2)'); null for remote news */
  reason: string | null;
  progress: number | null;
  remote_job_id: string | null;
  submit_state: string | null;
  /** parents: every child terminal */
  settled: number | null;
}

export interface DownloadRow {
  job_id: string;
  name: string;
  path: string;
  size: number;
  sha256: string;
  completed_at: string;
}

export interface AttemptRow {
  job_id: string;
  attempt: number;
  remote_job_id: string | null;
  status: string;
  message: string | null;
  submitted_at: string | null;
  ended_at: string | null;
}
